"""An import into a workspace opened before every feature module was loaded (as the GUI
and CLI do) creates the missing tables first, outside the import's transaction."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys
from pathlib import Path
import desktop_app.elections, desktop_app.quality   # as the CLI and GUI load them
from desktop_app.store import Workspace
from desktop_app.catalog import Catalog

ws = Workspace.open(Path(sys.argv[1]), user="jane")   # eligibility's tables not yet known
from desktop_app.importing import apply_import, preview_import, read_import_file

catalog = Catalog.open(Path(sys.argv[2]))
imported = read_import_file(Path(sys.argv[3]), catalog)
result = apply_import(ws, preview_import(ws, imported), agree_pi_scoring=True)
print(result.added)
"""


def test_import_into_a_workspace_opened_before_the_feature_modules(
    tmp_path: Path, catalog_file: Path, shared_dir: Path
) -> None:
    sample = shared_dir / "qrda3-samples" / "valid" / "qrda-files__valid-QRDA-III-latest.xml"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            SCRIPT,
            str(tmp_path / "w.mipsdesk"),
            str(catalog_file),
            str(sample),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "5"
