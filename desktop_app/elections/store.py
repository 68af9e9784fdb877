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
    SOURCE_QPP,
    ConfirmationError,
    Election,
    ElectionError,
    ElectionRecord,
    FinalElectionError,
    confirmation_accepted,
)
from desktop_app.eligibility.model import parse_decision_date
from desktop_app.store import register_migrations

if TYPE_CHECKING:
    from desktop_app.eligibility.store import EntityEligibility
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


def local_confirmed_election(
    ws: Workspace, year: int, tin: str, npi: str | None
) -> ElectionRecord | None:
    """The election confirmed in MIPS Desk (with CONFIRM), whatever QPP records."""
    record = election_record(ws, year, tin, npi)
    return record if record is not None and record.is_final else None


def qpp_election_record(entity: EntityEligibility) -> ElectionRecord | None:
    """The election QPP records for ``entity`` in its latest lookup (None if no decision).

    Only when the entity's effective determination is that lookup: QPP's
    ``isOptedIn`` true = Opt-In; false with an ``optInDecisionDate`` = Report
    Voluntarily; no decision date = no decision.
    """
    result = entity.lookup
    if result is None or result is not entity.effective:
        return None
    elected = result.qpp_election
    if elected is None:
        return None
    return ElectionRecord(
        year=entity.year,
        tin=entity.tin,
        npi=entity.npi,
        election=Election(elected),
        entity_name=entity.name,
        confirmed_at=_decision_time(result.qpp_decision_date),
        confirmed_by="QPP",
        source=SOURCE_QPP,
    )


def _decision_time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        day = parse_decision_date(text)
        if day is None:
            return None
        when = dt.datetime(day.year, day.month, day.day)
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class ElectionState:
    """One participant's elections: what QPP records and what MIPS Desk holds.

    QPP's record (CMS's own) wins: it is :attr:`final` when present, and a different
    election confirmed here is a :attr:`conflict` that is shown, never deleted.
    """

    year: int
    tin: str
    npi: str | None
    entity_name: str
    local: ElectionRecord | None
    """The election in the workspace: confirmed here, a draft, or None."""
    qpp: ElectionRecord | None
    """The election QPP records (from the latest lookup), or None."""

    @property
    def local_final(self) -> ElectionRecord | None:
        return self.local if self.local is not None and self.local.is_final else None

    @property
    def final(self) -> ElectionRecord | None:
        """The election that counts: QPP's when it records one, else the one confirmed here."""
        return self.qpp or self.local_final

    @property
    def conflict(self) -> bool:
        """QPP records an election and a different one was confirmed in MIPS Desk."""
        local = self.local_final
        return self.qpp is not None and local is not None and local.election != self.qpp.election

    @property
    def who(self) -> str:
        if self.entity_name:
            return self.entity_name
        return f"TIN {self.tin}" if self.npi is None else f"TIN/NPI {self.tin}/{self.npi}"

    @property
    def status_text(self) -> str:
        """One line for the final election (or the draft / no decision), as the grid shows
        it (who confirmed it is in :attr:`ElectionRecord.status_text`)."""
        if self.final is not None:
            return self.final.short_status_text
        if self.local is not None:
            return self.local.short_status_text
        return "No decision yet"

    @property
    def warning(self) -> str:
        """What to tell the user when QPP and MIPS Desk disagree ('' when they don't)."""
        qpp, local = self.qpp, self.local_final
        if not self.conflict or qpp is None or local is None:
            return ""
        return (
            f"{self.who}: QPP records a different election from the one confirmed in MIPS "
            f"Desk. {qpp.status_text}. {local.status_text.replace('Final: ', 'MIPS Desk: ')}. "
            f"CMS's record is the one that counts: MIPS Desk uses {qpp.election.label} for the "
            "score preview and export. The election confirmed here is kept unchanged in the "
            "workspace; if QPP's record is wrong, contact the QPP Service Center "
            "(QPP@cms.hhs.gov, 1-866-288-8292)."
        )

    def describe(self) -> str:
        """The election in a sentence, for the Eligibility page's reasons ('' if none)."""
        final = self.final
        if final is None:
            return ""
        if final.from_qpp:
            text = f"{final.status_text} (final)."
        else:
            text = f"{final.status_text.replace('Final: ', 'Elected in MIPS Desk: ')} (final)."
        if self.conflict:
            text += " " + self.warning
        return text


def election_state(
    ws: Workspace,
    year: int,
    tin: str,
    npi: str | None,
    entity: EntityEligibility | None = None,
) -> ElectionState:
    """The elections of the group (npi None) or a clinician: QPP's record and the local one.

    ``entity`` saves working out the practice's eligibility again when already known.
    """
    if entity is None:
        from desktop_app.eligibility.store import entity_eligibility

        entity = entity_eligibility(ws, year, tin, npi)
    local = election_record(ws, year, tin, npi)
    qpp = qpp_election_record(entity) if entity is not None else None
    name = entity.name if entity is not None else (local.entity_name if local else "")
    return ElectionState(year, tin, npi, name, local, qpp)


def confirmed_election(
    ws: Workspace, year: int, tin: str, npi: str | None
) -> ElectionRecord | None:
    """The final election that counts: the one QPP records (from a lookup), else the one
    confirmed in MIPS Desk. :func:`local_confirmed_election` gives only the local one."""
    return election_state(ws, year, tin, npi).final


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
    from desktop_app.eligibility.model import Status
    from desktop_app.eligibility.store import practice_eligibility

    found = practice_eligibility(ws, year)
    for c in wanted:
        entity = found.entity(c.npi) if found and found.group.tin == c.tin else None
        recorded = qpp_election_record(entity) if entity is not None else None
        if recorded is not None:
            who = c.entity_name or (c.tin if c.npi is None else f"{c.tin}/{c.npi}")
            raise FinalElectionError(
                f"{who}: QPP already records an election for {year} "
                f"({recorded.status_text}). It is final on QPP, so no election can be made "
                "here. Nothing was saved."
            )
    if check_eligibility:
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
