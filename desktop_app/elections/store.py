"""Elections in the workspace; a confirmed election is final, enforced by SQLite itself.

Migration set ``mipsdesk.elections``: table ``elections`` (year, tin, npi '' for
the group, election opt_in|voluntary, entity_name, confirmed_at, confirmed_by).
A row with ``confirmed_at`` NULL is a draft (a choice not yet confirmed, e.g. in
the grid). Triggers stored in the workspace file refuse any UPDATE or DELETE of
a confirmed row, and any INSERT or UPDATE whose new row would take the place of
a confirmed one, by row id or by its election key (year, tin, npi). That covers
the REPLACE conflict resolution too (``INSERT OR REPLACE``, ``REPLACE INTO``,
``UPDATE OR REPLACE``), which deletes the row it replaces without firing DELETE
triggers. So neither MIPS Desk nor any ordinary SQL statement run with another
SQLite tool can change or remove a final election. (Someone who can write the
file could still drop the triggers first, with ``DROP TRIGGER``; the audit log
and the backups are the record then.) Confirmations are audited in the same
transaction.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from desktop_app.elections.model import (
    CONFIRM_WORD,
    ConfirmationError,
    Election,
    ElectionError,
    ElectionRecord,
    FinalElectionError,
    confirmation_accepted,
)
from desktop_app.store import register_migrations

if TYPE_CHECKING:
    from desktop_app.store import Workspace

MIGRATIONS = Migrations("mipsdesk.elections")
FINAL_MESSAGE = "A confirmed election is final: it can't be changed or removed."


@MIGRATIONS()
def m001_elections(db: Database) -> None:
    db.execute(
        """CREATE TABLE elections (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL,
            tin TEXT NOT NULL,
            npi TEXT NOT NULL DEFAULT '',
            election TEXT NOT NULL CHECK (election IN ('opt_in', 'voluntary')),
            entity_name TEXT NOT NULL DEFAULT '',
            confirmed_at TEXT,
            confirmed_by TEXT,
            CHECK ((confirmed_at IS NULL) = (confirmed_by IS NULL)),
            UNIQUE (year, tin, npi)
        )"""
    )
    db.execute(
        """CREATE TRIGGER elections_final_no_update BEFORE UPDATE ON elections
        WHEN OLD.confirmed_at IS NOT NULL
        BEGIN
        SELECT RAISE(ABORT, 'A confirmed election is final: it can''t be changed or removed.');
        END"""
    )
    db.execute(
        """CREATE TRIGGER elections_final_no_delete BEFORE DELETE ON elections
        WHEN OLD.confirmed_at IS NOT NULL
        BEGIN
        SELECT RAISE(ABORT, 'A confirmed election is final: it can''t be changed or removed.');
        END"""
    )
    db.execute(
        """CREATE TRIGGER elections_final_no_replace BEFORE INSERT ON elections
        WHEN EXISTS (SELECT 1 FROM elections WHERE year = NEW.year AND tin = NEW.tin
                     AND npi = NEW.npi AND confirmed_at IS NOT NULL)
        BEGIN
        SELECT RAISE(ABORT, 'A confirmed election is final: it can''t be changed or removed.');
        END"""
    )


# Another row that is confirmed and sits where NEW would go: same id or same election key.
# ifnull: with REPLACE a NULL npi becomes the column default '' (the group).
_CONFIRMED_IN_THE_WAY = """EXISTS (SELECT 1 FROM elections AS final
    WHERE final.confirmed_at IS NOT NULL {other}
    AND (final.id = NEW.id OR (final.year = NEW.year AND final.tin = NEW.tin
                               AND final.npi = ifnull(NEW.npi, ''))))"""


@MIGRATIONS()
def m002_elections_final_no_replace(db: Database) -> None:
    """Refuse INSERT/UPDATE ... OR REPLACE over a confirmed row (by id or election key)."""
    db.execute("DROP TRIGGER IF EXISTS elections_final_no_replace")
    db.execute(
        f"""CREATE TRIGGER elections_final_no_insert_over BEFORE INSERT ON elections
        WHEN {_CONFIRMED_IN_THE_WAY.format(other="")}
        BEGIN
        SELECT RAISE(ABORT, 'A confirmed election is final: it can''t be changed or removed.');
        END"""
    )
    db.execute(
        f"""CREATE TRIGGER elections_final_no_update_over BEFORE UPDATE ON elections
        WHEN {_CONFIRMED_IN_THE_WAY.format(other="AND final.id != OLD.id")}
        BEGIN
        SELECT RAISE(ABORT, 'A confirmed election is final: it can''t be changed or removed.');
        END"""
    )


register_migrations(MIGRATIONS)


def ensure_tables(ws: Workspace) -> None:
    ws.ensure_migrations(MIGRATIONS)


def _record(row: Sequence[object]) -> ElectionRecord:
    year, tin, npi, election, name, confirmed_at, confirmed_by = row
    return ElectionRecord(
        year=int(str(year)),
        tin=str(tin),
        npi=str(npi) or None,
        election=Election(str(election)),
        entity_name=str(name),
        confirmed_at=dt.datetime.fromisoformat(str(confirmed_at)) if confirmed_at else None,
        confirmed_by=str(confirmed_by) if confirmed_by else None,
    )


def election_record(ws: Workspace, year: int, tin: str, npi: str | None) -> ElectionRecord | None:
    """The election of the group (npi None) or a clinician: confirmed, draft, or None."""
    ensure_tables(ws)
    row = ws.db.execute(
        "SELECT year, tin, npi, election, entity_name, confirmed_at, confirmed_by "
        "FROM elections WHERE year = ? AND tin = ? AND npi = ?",
        [year, tin, npi or ""],
    ).fetchone()
    return _record(row) if row else None


def confirmed_election(
    ws: Workspace, year: int, tin: str, npi: str | None
) -> ElectionRecord | None:
    record = election_record(ws, year, tin, npi)
    return record if record is not None and record.is_final else None


def elections(ws: Workspace, year: int) -> list[ElectionRecord]:
    """Every election (confirmed and drafts) of ``year``, group first."""
    ensure_tables(ws)
    rows = ws.db.execute(
        "SELECT year, tin, npi, election, entity_name, confirmed_at, confirmed_by "
        "FROM elections WHERE year = ? ORDER BY npi != '', npi",
        [year],
    ).fetchall()
    return [_record(r) for r in rows]


def save_draft(
    ws: Workspace, year: int, tin: str, npi: str | None, election: Election, entity_name: str = ""
) -> None:
    """Remember a choice not yet confirmed (No Decision clears it). Final ones are refused."""
    current = election_record(ws, year, tin, npi)
    if current is not None and current.is_final:
        raise FinalElectionError(f"{current.entity_label}: {FINAL_MESSAGE}")
    if current is None and election is Election.NO_DECISION:
        return
    if current is not None and current.election == election:
        return
    with ws.write("elections") as db:
        if election is Election.NO_DECISION:
            db.execute(
                "DELETE FROM elections WHERE year = ? AND tin = ? AND npi = ? "
                "AND confirmed_at IS NULL",
                [year, tin, npi or ""],
            )
        else:
            db.execute(
                "INSERT INTO elections (year, tin, npi, election, entity_name) VALUES (?,?,?,?,?) "
                "ON CONFLICT (year, tin, npi) DO UPDATE SET election = excluded.election, "
                "entity_name = excluded.entity_name",
                [year, tin, npi or "", election.value, entity_name],
            )


@dataclass(frozen=True)
class ElectionChoice:
    """One row of an election: who, and what was chosen."""

    tin: str
    npi: str | None
    entity_name: str
    election: Election


def _refuse(message: str) -> ElectionError:
    return ElectionError(message)


def confirm_elections(
    ws: Workspace,
    year: int,
    choices: Sequence[ElectionChoice],
    typed: str,
    *,
    check_eligibility: bool = True,
) -> list[ElectionRecord]:
    """Confirm every Opt-In / Report Voluntarily choice at once (No Decision rows are skipped).

    ``typed`` must be exactly CONFIRM. Each participant must be opt-in eligible
    (unless ``check_eligibility`` is False, for a determination kept elsewhere) and
    must not have a confirmed election already. All or nothing: one transaction,
    each confirmation audited.
    """
    if not confirmation_accepted(typed):
        raise ConfirmationError(
            f"Type {CONFIRM_WORD} exactly (capital letters, nothing else) to confirm; "
            f"'{typed}' was typed. Nothing was saved."
        )
    wanted = [c for c in choices if c.election is not Election.NO_DECISION]
    if not wanted:
        raise _refuse("Every participant is set to No Decision: there is nothing to confirm.")
    ensure_tables(ws)
    if check_eligibility:
        from desktop_app.eligibility.model import Status
        from desktop_app.eligibility.store import practice_eligibility

        found = practice_eligibility(ws, year)
        for c in wanted:
            entity = found.entity(c.npi) if found and found.group.tin == c.tin else None
            if entity is None or entity.effective.status is not Status.OPT_IN_ELIGIBLE:
                who = c.entity_name or (c.tin if c.npi is None else f"{c.tin}/{c.npi}")
                raise _refuse(
                    f"{who} is not opt-in eligible for {year}, so no election can be made for "
                    "it. Only clinicians and groups that exceed 1 or 2 of the low-volume "
                    "criteria can opt in or report voluntarily. Nothing was saved."
                )
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    records: list[ElectionRecord] = []
    try:
        with ws.write("elections") as db:
            for c in wanted:
                existing = db.execute(
                    "SELECT confirmed_at FROM elections WHERE year = ? AND tin = ? AND npi = ?",
                    [year, c.tin, c.npi or ""],
                ).fetchone()
                if existing is not None and existing[0]:
                    who = c.entity_name or c.tin
                    raise FinalElectionError(
                        f"{who} already has a confirmed election for {year}. {FINAL_MESSAGE} "
                        "Nothing was saved."
                    )
                db.execute(
                    "DELETE FROM elections WHERE year = ? AND tin = ? AND npi = ? "
                    "AND confirmed_at IS NULL",
                    [year, c.tin, c.npi or ""],
                )
                db.execute(
                    "INSERT INTO elections (year, tin, npi, election, entity_name, confirmed_at, "
                    "confirmed_by) VALUES (?,?,?,?,?,?,?)",
                    [
                        year,
                        c.tin,
                        c.npi or "",
                        c.election.value,
                        c.entity_name,
                        now.isoformat(),
                        ws.user,
                    ],
                )
                record = ElectionRecord(year, c.tin, c.npi, c.election, c.entity_name, now, ws.user)
                ws.audit(
                    "elections",
                    f"{year}:{record.key}",
                    "confirm",
                    None,
                    {
                        "election": c.election.value,
                        "entity_name": c.entity_name,
                        "confirmed_at": now.isoformat(),
                        "confirmed_by": ws.user,
                    },
                )
                records.append(record)
    except sqlite3.IntegrityError as exc:
        raise FinalElectionError(f"{FINAL_MESSAGE} ({exc}) Nothing was saved.") from exc
    return records


def confirm_election(
    ws: Workspace,
    year: int,
    tin: str,
    npi: str | None,
    election: Election,
    typed: str,
    entity_name: str = "",
    *,
    check_eligibility: bool = True,
) -> ElectionRecord:
    """Confirm one participant's election (see :func:`confirm_elections`)."""
    if election is Election.NO_DECISION:
        raise _refuse("Choose Opt-In or Report Voluntarily before confirming.")
    records = confirm_elections(
        ws,
        year,
        [ElectionChoice(tin, npi, entity_name, election)],
        typed,
        check_eligibility=check_eligibility,
    )
    return records[0]
