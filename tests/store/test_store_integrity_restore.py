"""Damaged workspace files are detected on open; backups can be restored safely."""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
import stat
from pathlib import Path

import pytest
from store_helpers import clinician, practice

from desktop_app.store import (
    Workspace,
    WorkspaceCorruptError,
    WorkspaceError,
    list_backups,
    restore_backup,
)
from desktop_app.store import backups as backups_module


@pytest.fixture
def stamps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Backups one minute apart, so their order and dates are predictable."""
    base = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    clock = (base + dt.timedelta(minutes=i) for i in itertools.count())
    monkeypatch.setattr(backups_module, "utc_stamp", lambda: f"{next(clock):%Y%m%dT%H%M%SZ}")


def _with_two_backups(ws_path: Path) -> list[Path]:
    with Workspace.open(ws_path) as ws:
        ws.save_practice(practice())
        ws.add_clinician(clinician())
        older = ws.backup("before-import")
        ws.add_clinician(clinician("0123456788", "Bo", "Kim"))
        newer = ws.backup("before-export")
    return [newer, older]


def _damage_index_page(path: Path) -> None:
    """Change one NPI inside the clinicians index so it no longer matches the table."""
    conn = sqlite3.connect(path)
    root = conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'sqlite_autoindex_clinicians_1'"
    ).fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    assert not Path(f"{path}-wal").exists()  # closing checkpointed everything into the file
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    offset = data.find(b"1234567893", start, start + page_size)
    assert offset >= 0
    data[offset] = ord("9")
    path.write_bytes(bytes(data))


def test_integrity_problem_is_reported_with_backups_newest_first(
    ws_path: Path, stamps: None
) -> None:
    backups = _with_two_backups(ws_path)
    _damage_index_page(ws_path)
    damaged_bytes = ws_path.read_bytes()
    with pytest.raises(WorkspaceCorruptError) as info:
        Workspace.open(ws_path)
    error = info.value
    message = str(error)
    assert message.startswith(f"The workspace file {ws_path} is damaged:")
    assert "integrity check found problems" in message
    assert "missing from index" in message
    assert error.backups == backups
    assert message.index("made 2026-03-01 09:01 UTC") < message.index("made 2026-03-01 09:00 UTC")
    assert str(backups[0]) in message and str(backups[1]) in message
    assert ws_path.read_bytes() == damaged_bytes  # opening changed nothing


def test_restore_keeps_the_damaged_file_aside_and_brings_the_data_back(
    ws_path: Path, stamps: None
) -> None:
    newer, _older = _with_two_backups(ws_path)
    _damage_index_page(ws_path)
    damaged_bytes = ws_path.read_bytes()
    kept = restore_backup(ws_path, newer)
    assert kept is not None and kept.name.startswith("smith.mipsdesk.damaged-")
    assert kept.read_bytes() == damaged_bytes
    assert newer.exists()  # the backup itself stays available
    assert stat.S_IMODE(ws_path.stat().st_mode) == 0o600
    with Workspace.open(ws_path) as ws:
        assert ws.integrity() == "ok"
        assert [c.npi for c in ws.clinicians()] == ["0123456788", "1234567893"]
        assert ws.practice() == practice()
        assert ws.journal_mode() == "wal"


def test_file_that_is_not_a_database_lists_backups(ws_path: Path, stamps: None) -> None:
    backups = _with_two_backups(ws_path)
    data = bytearray(ws_path.read_bytes())
    data[:16] = b"this is garbage!"
    ws_path.write_bytes(bytes(data))
    with pytest.raises(WorkspaceCorruptError) as info:
        Workspace.open(ws_path)
    assert "not a MIPS Desk workspace at all" in str(info.value)
    assert info.value.backups == backups
    restore_backup(ws_path, backups[1])  # the older one: one clinician
    with Workspace.open(ws_path) as ws:
        assert [c.npi for c in ws.clinicians()] == ["1234567893"]


def test_damage_without_backups_says_so(tmp_path: Path) -> None:
    path = tmp_path / "lonely.mipsdesk"
    path.write_bytes(b"\x00" * 50 + b"definitely not SQLite" * 100)
    with pytest.raises(WorkspaceCorruptError) as info:
        Workspace.open(path)
    assert info.value.backups == []
    assert "there are no backups of this workspace" in str(info.value)


def test_restore_moves_the_damaged_files_wal_aside_too(ws_path: Path, stamps: None) -> None:
    newer, _ = _with_two_backups(ws_path)
    wal = Path(f"{ws_path}-wal")
    wal.write_bytes(b"stale write-ahead log of the damaged file")
    kept = restore_backup(ws_path, newer)
    assert kept is not None
    assert not wal.exists()
    assert Path(f"{kept}-wal").read_bytes() == b"stale write-ahead log of the damaged file"
    with Workspace.open(ws_path) as ws:
        assert len(ws.clinicians()) == 2


def test_restoring_a_damaged_backup_is_refused_and_changes_nothing(
    ws_path: Path, stamps: None
) -> None:
    newer, _ = _with_two_backups(ws_path)
    newer.write_bytes(b"broken backup")
    before = ws_path.read_bytes()
    with pytest.raises(WorkspaceError, match="not a usable workspace"):
        restore_backup(ws_path, newer)
    assert ws_path.read_bytes() == before
    assert not list(ws_path.parent.glob("*.damaged-*"))


def test_restore_when_the_workspace_file_is_gone(ws_path: Path, stamps: None) -> None:
    newer, _ = _with_two_backups(ws_path)
    ws_path.unlink()
    assert restore_backup(ws_path, newer) is None
    with Workspace.open(ws_path) as ws:
        assert len(ws.clinicians()) == 2
    assert list_backups(ws_path)[0] == newer
