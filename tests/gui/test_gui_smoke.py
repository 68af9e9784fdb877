"""`mipsdesk --smoke` starts the GUI offscreen, prints the start-up milliseconds, exits 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("workspace", ["default", "damaged"])
def test_smoke_prints_milliseconds_and_exits_zero(tmp_path: Path, workspace: str) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "MIPSDESK_DATA_DIR": str(tmp_path / "data"),
    }
    args = ["--smoke"]
    if workspace == "damaged":  # must not stop on the "damaged workspace" dialog
        bad = tmp_path / "damaged.mipsdesk"
        bad.write_bytes(b"not a workspace" * 100)
        args += ["--workspace", str(bad)]
    code = f"import sys; from desktop_app.cli import main; sys.exit(main({args!r}))"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].isdigit(), done.stdout
    assert int(lines[0]) > 0
    if workspace == "damaged":
        assert "damaged.mipsdesk" in done.stderr
