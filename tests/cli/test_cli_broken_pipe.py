"""``mipsdesk preview ... | head -1``: a reader that goes away is no error."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from desktop_app import paths


def _run_into_closed_pipe(*args: str) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m desktop_app ARGS`` with stdout a pipe nobody reads any more."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `head -1` after its line: every write gets EPIPE
    try:
        return subprocess.run(
            [sys.executable, "-m", "desktop_app", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=os.environ.copy(),
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)


def test_preview_into_a_closed_pipe_exits_quietly(
    tmp_path: Path, shared_dir: Path, catalog_file: Path
) -> None:
    shutil.copy(catalog_file, paths.catalog_path())
    text = (shared_dir / "qpp-api-examples" / "submission-example-ia.json").read_text()
    text = (
        text.replace('"< performanceYearToBeReported >"', "2025")
        .replace("< performanceYearToBeReported >", "2025")
        .replace("9876543210", "9876543213")
    )  # the example's NPI fails the check digit
    path = tmp_path / "ia.json"
    path.write_text(text)
    done = _run_into_closed_pipe("preview", str(path), "--json")
    assert b"Traceback" not in done.stderr
    assert b"BrokenPipeError" not in done.stderr
    assert done.stderr == b""
    assert done.returncode == 141
