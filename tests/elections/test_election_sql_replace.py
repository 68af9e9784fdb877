"""A confirmed election can't be replaced through SQL conflict resolution (REPLACE).

REPLACE deletes the row it replaces without firing DELETE triggers, so each
statement below once removed or overwrote a confirmed election. They run from a
separate sqlite3 connection, as another SQLite tool would.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from election_data import NPI_OPT, NPI_OPT2, TIN

from desktop_app.elections import (
    Election,
    confirm_election,
    confirmed_election,
    election_record,
    save_draft,
)
from desktop_app.store import Workspace

FINAL = "confirmed election is final"


@pytest.fixture
def final_and_draft(ws: Workspace) -> Iterator[Workspace]:
    """A confirmed opt-in for NPI_OPT and for the group, and a draft for NPI_OPT2."""
    confirm_election(ws, 2025, TIN, NPI_OPT, Election.OPT_IN, "CONFIRM", "Ada Quinn")
    confirm_election(ws, 2025, TIN, None, Election.VOLUNTARY, "CONFIRM", "Maple")
    save_draft(ws, 2025, TIN, NPI_OPT2, Election.VOLUNTARY, "Cy Stone")
    yield ws


def _ids(ws: Workspace) -> dict[str, int]:
    rows = ws.db.execute("SELECT npi, id FROM elections").fetchall()
    return {str(npi): int(i) for npi, i in rows}


def _run_elsewhere(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


STATEMENTS = {
    "draft moved onto the confirmed key (UPDATE OR REPLACE)": (
        "UPDATE OR REPLACE elections SET npi = '{opt}' WHERE npi = '{draft}'"
    ),
    "draft moved onto the group key with a NULL npi (UPDATE OR REPLACE)": (
        "UPDATE OR REPLACE elections SET npi = NULL WHERE npi = '{draft}'"
    ),
    "draft moved onto the confirmed row id (UPDATE OR REPLACE)": (
        "UPDATE OR REPLACE elections SET id = {opt_id} WHERE npi = '{draft}'"
    ),
    "other key over the confirmed row id (INSERT OR REPLACE ... SELECT)": (
        "INSERT OR REPLACE INTO elections (id, year, tin, npi, election, entity_name, "
        "confirmed_at, confirmed_by) SELECT id, 2030, 'x', 'y', 'opt_in', '', NULL, NULL "
        "FROM elections WHERE npi = '{opt}'"
    ),
    "same key, new id (REPLACE INTO)": (
        "REPLACE INTO elections (year, tin, npi, election) "
        "VALUES (2025, '{tin}', '{opt}', 'voluntary')"
    ),
    "group key with a NULL npi (INSERT OR REPLACE)": (
        "INSERT OR REPLACE INTO elections (year, tin, npi, election) "
        "VALUES (2025, '{tin}', NULL, 'opt_in')"
    ),
    "plain UPDATE": "UPDATE elections SET election = 'voluntary' WHERE npi = '{opt}'",
    "plain DELETE": "DELETE FROM elections WHERE npi = '{opt}'",
}


@pytest.mark.parametrize("sql", STATEMENTS.values(), ids=STATEMENTS.keys())
def test_confirmed_elections_survive_every_sql_statement(
    final_and_draft: Workspace, sql: str
) -> None:
    ws = final_and_draft
    ids = _ids(ws)
    before = {npi: confirmed_election(ws, 2025, TIN, npi) for npi in (NPI_OPT, None)}
    statement = sql.format(opt=NPI_OPT, draft=NPI_OPT2, tin=TIN, opt_id=ids[NPI_OPT])
    with pytest.raises(sqlite3.IntegrityError, match=FINAL):
        _run_elsewhere(ws.path, statement)
    assert _ids(ws) == ids  # nothing removed, nothing added, nothing moved
    for npi, record in before.items():
        assert record is not None and confirmed_election(ws, 2025, TIN, npi) == record
    draft = election_record(ws, 2025, TIN, NPI_OPT2)
    assert draft is not None and not draft.is_final


def test_drafts_can_still_be_replaced_with_sql(final_and_draft: Workspace) -> None:
    _run_elsewhere(
        final_and_draft.path,
        f"INSERT OR REPLACE INTO elections (year, tin, npi, election) "
        f"VALUES (2025, '{TIN}', '{NPI_OPT2}', 'opt_in')",
    )
    draft = election_record(final_and_draft, 2025, TIN, NPI_OPT2)
    assert draft is not None and draft.election is Election.OPT_IN and not draft.is_final


def test_an_existing_workspace_gets_the_new_guard_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "older.mipsdesk"
    with Workspace.open(path, user="jane") as ws:
        ws.db.execute(
            "INSERT INTO elections (year, tin, npi, election, confirmed_at, confirmed_by) "
            f"VALUES (2025, '{TIN}', '{NPI_OPT}', 'opt_in', '2025-03-01T10:00:00+00:00', 'jane')"
        )
    # Put the file back the way the first elections migration left it.
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER elections_final_no_insert_over")
    conn.execute("DROP TRIGGER elections_final_no_update_over")
    conn.execute(
        """CREATE TRIGGER elections_final_no_replace BEFORE INSERT ON elections
        WHEN EXISTS (SELECT 1 FROM elections WHERE year = NEW.year AND tin = NEW.tin
                     AND npi = NEW.npi AND confirmed_at IS NOT NULL)
        BEGIN SELECT RAISE(ABORT, 'A confirmed election is final'); END"""
    )
    conn.execute(
        "DELETE FROM _sqlite_migrations WHERE migration_set = 'mipsdesk.elections' "
        "AND name = 'm002_elections_final_no_replace'"
    )
    conn.commit()
    conn.close()
    with Workspace.open(path, user="jane") as ws:
        assert ws.pending_migrations() == []
        names = [m["name"] for m in ws.applied_migrations()]
        assert "m002_elections_final_no_replace" in names
    with pytest.raises(sqlite3.IntegrityError, match=FINAL):
        _run_elsewhere(
            path,
            "INSERT OR REPLACE INTO elections (id, year, tin, npi, election) "
            "SELECT id, 2030, 'x', 'y', 'opt_in' FROM elections",
        )
    with Workspace.open(path, user="jane") as ws:
        record = confirmed_election(ws, 2025, TIN, NPI_OPT)
        assert record is not None and record.confirmed_by == "jane"
