"""``mipsdesk practice set`` refuses a small-practice status its own size contradicts."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.store import Workspace


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _saved_practice(path: Path):  # type: ignore[no-untyped-def]
    ws = Workspace.open(path, user="test-user")
    try:
        return ws.practice()
    finally:
        ws.close()


def test_small_practice_with_more_clinicians_than_the_maximum_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    wsfile = tmp_path / "p.mipsdesk"
    code, _, err = run(
        capsys, "--workspace", str(wsfile), "practice", "set", "--tin", "123456789",
        "--name", "Riverside", "--size", "20", "--status", "small_practice",
    )  # fmt: skip
    assert code == 2
    assert "--status small_practice contradicts the size of 20 clinicians" in err
    assert "15 or fewer" in err
    assert not wsfile.exists()  # nothing half-created


def test_existing_practice_keeps_its_data_when_the_status_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    wsfile = tmp_path / "p.mipsdesk"
    code, _, err = run(
        capsys, "--workspace", str(wsfile), "practice", "set", "--tin", "123456789",
        "--name", "Riverside", "--size", "20",
    )  # fmt: skip
    assert code == 0, err
    code, _, err = run(
        capsys, "--workspace", str(wsfile), "practice", "set", "--status", "small_practice"
    )
    assert code == 2
    assert "contradicts the size of 20" in err
    practice = _saved_practice(wsfile)
    assert practice.size == 20 and practice.special_statuses == []
    # a size within the limit, or the status without a size, is accepted
    code, _, err = run(
        capsys, "--workspace", str(wsfile), "practice", "set", "--size", "15",
        "--status", "small_practice",
    )  # fmt: skip
    assert code == 0, err
    practice = _saved_practice(wsfile)
    assert practice.size == 15 and [str(s) for s in practice.special_statuses] == ["small_practice"]
    # raising the size past the limit while the status is stored is refused too
    code, _, err = run(capsys, "--workspace", str(wsfile), "practice", "set", "--size", "16")
    assert code == 2
    assert "contradicts the size of 16" in err
    assert _saved_practice(wsfile).size == 15
