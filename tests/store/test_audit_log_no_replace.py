"""The audit log can't be rewritten with SQL conflict resolution (REPLACE) either.

Run from a separate sqlite3 connection, as another SQLite tool would.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from store_helpers import NPIS, clinician

from desktop_app.store import Workspace

STATEMENTS = {
    "INSERT OR REPLACE over entry 1": (
        "INSERT OR REPLACE INTO audit_log (id, at, user, table_name, record_key, action) "
        "VALUES (1, '2020-01-01T00:00:00+00:00', 'mallory', 'clinicians', 'x', 'insert')"
    ),
    "REPLACE INTO over entry 1": (
        "REPLACE INTO audit_log (id, at, user, table_name, record_key, action) "
        "VALUES (1, '2020-01-01T00:00:00+00:00', 'mallory', 'clinicians', 'x', 'insert')"
    ),
    "INSERT OR REPLACE ... SELECT over every entry": (
        "INSERT OR REPLACE INTO audit_log (id, at, user, table_name, record_key, action) "
        "SELECT id, at, 'mallory', table_name, record_key, action FROM audit_log"
    ),
    "UPDATE OR REPLACE onto entry 1": "UPDATE OR REPLACE audit_log SET id = 1 WHERE id = 2",
    "plain UPDATE": "UPDATE audit_log SET user = 'mallory' WHERE id = 1",
    "plain DELETE": "DELETE FROM audit_log WHERE id = 1",
}


@pytest.mark.parametrize("sql", STATEMENTS.values(), ids=STATEMENTS.keys())
def test_audit_entries_survive_every_sql_statement(ws: Workspace, sql: str) -> None:
    ws.add_clinician(clinician())
    ws.add_clinician(clinician(NPIS[1], "Bo", "Reyes"))
    before = ws.audit_log()
    assert [e.id for e in before] == [2, 1]
    other = sqlite3.connect(ws.path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            other.execute(sql)
            other.commit()
    finally:
        other.close()
    assert ws.audit_log() == before


def test_new_entries_are_still_appended(ws: Workspace) -> None:
    ws.add_clinician(clinician())
    other = sqlite3.connect(ws.path)
    try:  # an INSERT without an id (or with a new one) only appends
        other.execute(
            "INSERT OR REPLACE INTO audit_log (at, user, table_name, record_key, action) "
            "VALUES ('2025-01-01T00:00:00+00:00', 'sam', 'notes', 'n1', 'insert')"
        )
        other.commit()
    finally:
        other.close()
    assert [(e.user, e.record_key) for e in ws.audit_log()] == [
        ("sam", "n1"),
        ("jane", NPIS[0]),
    ]


def test_an_existing_workspace_gets_the_guard_when_opened(ws_path: Path) -> None:
    with Workspace.open(ws_path, user="jane") as ws:
        ws.add_clinician(clinician())
    conn = sqlite3.connect(ws_path)  # the file as the first core migration left it
    conn.execute("DROP TRIGGER audit_log_no_replace")
    conn.execute(
        "DELETE FROM _sqlite_migrations WHERE migration_set = 'mipsdesk.core' "
        "AND name = '0002_audit_log_no_replace'"
    )
    conn.commit()
    conn.close()
    with Workspace.open(ws_path, user="jane") as ws:
        assert ws.pending_migrations() == []
        before = ws.audit_log()
    conn = sqlite3.connect(ws_path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(STATEMENTS["INSERT OR REPLACE over entry 1"])
    finally:
        conn.close()
    with Workspace.open(ws_path, user="jane") as ws:
        assert ws.audit_log() == before
