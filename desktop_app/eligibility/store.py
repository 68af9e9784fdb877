"""Eligibility data in the workspace: low-volume figures, entered facts, QPP lookups.

Migration set ``mipsdesk.eligibility`` (registered at import):

* ``eligibility_figures`` (year, tin, npi '' for the group, segment 1|2,
  allowed_charges as decimal text, beneficiaries, services, updated_at, updated_by)
* ``eligibility_facts`` (year, tin, npi '' for the group, qp 0|1,
  special_statuses JSON list of codes) - what the user enters by hand
* ``eligibility_lookups`` (npi, year, looked_up_at, base_url, response_json) - the
  raw QPP answer, so the result stays available offline

Every change is audited (``Workspace.audit``) in the same transaction.
:func:`practice_eligibility` gives the determinations every page shows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from desktop_app.eligibility.engine import ClinicianFacts, evaluate_group, evaluate_individual
from desktop_app.eligibility.lookup import LookupOutcome, outcome
from desktop_app.eligibility.model import (
    USER_SPECIAL_STATUSES,
    EligibilityResult,
    Level,
    LowVolumeFigures,
)
from desktop_app.qpp_api.eligibility import EligibilityResponse, parse_response
from desktop_app.store import register_migrations

if TYPE_CHECKING:
    from desktop_app.models.practice import Clinician
    from desktop_app.store import Workspace

MIGRATIONS = Migrations("mipsdesk.eligibility")


@MIGRATIONS()
def m001_eligibility_tables(db: Database) -> None:
    db.execute(
        """CREATE TABLE eligibility_figures (
            year INTEGER NOT NULL,
            tin TEXT NOT NULL,
            npi TEXT NOT NULL DEFAULT '',
            segment INTEGER NOT NULL CHECK (segment IN (1, 2)),
            allowed_charges TEXT NOT NULL,
            beneficiaries INTEGER NOT NULL CHECK (beneficiaries >= 0),
            services INTEGER NOT NULL CHECK (services >= 0),
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            PRIMARY KEY (year, tin, npi, segment)
        )"""
    )
    db.execute(
        """CREATE TABLE eligibility_facts (
            year INTEGER NOT NULL,
            tin TEXT NOT NULL,
            npi TEXT NOT NULL DEFAULT '',
            qp INTEGER NOT NULL DEFAULT 0 CHECK (qp IN (0, 1)),
            special_statuses TEXT NOT NULL DEFAULT '[]',
            updated_at TEXT NOT NULL,
            PRIMARY KEY (year, tin, npi)
        )"""
    )
    db.execute(
        """CREATE TABLE eligibility_lookups (
            npi TEXT NOT NULL,
            year INTEGER NOT NULL,
            looked_up_at TEXT NOT NULL,
            base_url TEXT NOT NULL,
            response_json TEXT NOT NULL,
            PRIMARY KEY (npi, year)
        )"""
    )


register_migrations(MIGRATIONS)

TABLES = ("eligibility_figures", "eligibility_facts", "eligibility_lookups")


def ensure_tables(ws: Workspace) -> None:
    """Apply this module's migrations if the workspace was opened before it was imported."""
    ws.ensure_migrations(MIGRATIONS)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def entity_key(year: int, tin: str, npi: str | None) -> str:
    return f"{year}:{tin}" + (f"/{npi}" if npi else "")


# ------------------------------------------------------------------- figures
def load_figures(
    ws: Workspace, year: int, tin: str, npi: str | None
) -> dict[int, LowVolumeFigures]:
    """Entered figures by segment number (1, 2) for the group (npi None) or a clinician."""
    ensure_tables(ws)
    rows = ws.db.execute(
        "SELECT segment, allowed_charges, beneficiaries, services FROM eligibility_figures "
        "WHERE year = ? AND tin = ? AND npi = ? ORDER BY segment",
        [year, tin, npi or ""],
    ).fetchall()
    return {int(r[0]): LowVolumeFigures(Decimal(r[1]), int(r[2]), int(r[3])) for r in rows}


def save_figures(
    ws: Workspace,
    year: int,
    tin: str,
    npi: str | None,
    segment: int,
    figures: LowVolumeFigures | None,
) -> None:
    """Save (or, with None, clear) one segment's figures; audited."""
    if segment not in (1, 2):
        raise ValueError(f"Segment must be 1 or 2, not {segment}.")
    ensure_tables(ws)
    key = entity_key(year, tin, npi) + f"#segment{segment}"
    with ws.write("eligibility_figures") as db:
        before_row = db.execute(
            "SELECT allowed_charges, beneficiaries, services FROM eligibility_figures "
            "WHERE year = ? AND tin = ? AND npi = ? AND segment = ?",
            [year, tin, npi or "", segment],
        ).fetchone()
        before = (
            {
                "allowed_charges": before_row[0],
                "beneficiaries": before_row[1],
                "services": before_row[2],
            }
            if before_row
            else None
        )
        after = figures.to_dict() if figures else None
        if before == after:
            return
        if figures is None:
            db.execute(
                "DELETE FROM eligibility_figures WHERE year = ? AND tin = ? AND npi = ? "
                "AND segment = ?",
                [year, tin, npi or "", segment],
            )
            action = "delete"
        else:
            db.execute(
                "INSERT INTO eligibility_figures (year, tin, npi, segment, allowed_charges, "
                "beneficiaries, services, updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT (year, tin, npi, segment) DO UPDATE SET "
                "allowed_charges = excluded.allowed_charges, "
                "beneficiaries = excluded.beneficiaries, services = excluded.services, "
                "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                [
                    year,
                    tin,
                    npi or "",
                    segment,
                    str(figures.allowed_charges),
                    figures.beneficiaries,
                    figures.services,
                    _now(),
                    ws.user,
                ],
            )
            action = "insert" if before is None else "update"
        ws.audit("eligibility_figures", key, action, before, after)


# --------------------------------------------------------------------- facts
@dataclass(frozen=True)
class EnteredFacts:
    qp: bool = False
    special_statuses: tuple[str, ...] = ()


def load_facts(ws: Workspace, year: int, tin: str, npi: str | None) -> EnteredFacts:
    ensure_tables(ws)
    row = ws.db.execute(
        "SELECT qp, special_statuses FROM eligibility_facts WHERE year = ? AND tin = ? AND npi = ?",
        [year, tin, npi or ""],
    ).fetchone()
    if row is None:
        return EnteredFacts()
    return EnteredFacts(bool(row[0]), tuple(json.loads(row[1] or "[]")))


def save_facts(
    ws: Workspace,
    year: int,
    tin: str,
    npi: str | None,
    *,
    qp: bool = False,
    special_statuses: Iterable[str] = (),
) -> None:
    """Save what the user states: QP status (clinicians) and special statuses; audited."""
    codes = tuple(dict.fromkeys(special_statuses))
    unknown = [c for c in codes if c not in USER_SPECIAL_STATUSES]
    if unknown:
        raise ValueError(
            f"Unknown special status {', '.join(unknown)}; use one of "
            f"{', '.join(USER_SPECIAL_STATUSES)} (small practice follows from the "
            "clinician count)."
        )
    ensure_tables(ws)
    before_facts = load_facts(ws, year, tin, npi)
    after_facts = EnteredFacts(qp, codes)
    if before_facts == after_facts:
        return
    with ws.write("eligibility_facts") as db:
        db.execute(
            "INSERT INTO eligibility_facts (year, tin, npi, qp, special_statuses, updated_at) "
            "VALUES (?,?,?,?,?,?) ON CONFLICT (year, tin, npi) DO UPDATE SET qp = excluded.qp, "
            "special_statuses = excluded.special_statuses, updated_at = excluded.updated_at",
            [year, tin, npi or "", int(qp), json.dumps(list(codes)), _now()],
        )
        ws.audit(
            "eligibility_facts",
            entity_key(year, tin, npi),
            "update",
            {"qp": before_facts.qp, "special_statuses": list(before_facts.special_statuses)},
            {"qp": qp, "special_statuses": list(codes)},
        )


# ------------------------------------------------------------------- lookups
@dataclass(frozen=True)
class StoredLookup:
    npi: str
    year: int
    looked_up_at: dt.datetime
    base_url: str
    response: EligibilityResponse


def save_lookup(
    ws: Workspace,
    npi: str,
    year: int,
    raw_json: str,
    base_url: str,
    looked_up_at: dt.datetime | None = None,
) -> StoredLookup:
    """Keep a QPP answer (validated first) with the time it was looked up; audited."""
    response = parse_response(raw_json)
    when = looked_up_at or dt.datetime.now(dt.UTC).replace(microsecond=0)
    ensure_tables(ws)
    with ws.write("eligibility_lookups") as db:
        db.execute(
            "INSERT INTO eligibility_lookups (npi, year, looked_up_at, base_url, response_json) "
            "VALUES (?,?,?,?,?) ON CONFLICT (npi, year) DO UPDATE SET "
            "looked_up_at = excluded.looked_up_at, base_url = excluded.base_url, "
            "response_json = excluded.response_json",
            [npi, year, when.isoformat(), base_url, raw_json],
        )
        ws.audit(
            "eligibility_lookups",
            f"{year}:{npi}",
            "lookup",
            None,
            {"looked_up_at": when.isoformat(), "base_url": base_url},
        )
    return StoredLookup(npi, year, when, base_url, response)


def load_lookup(ws: Workspace, npi: str, year: int) -> StoredLookup | None:
    ensure_tables(ws)
    row = ws.db.execute(
        "SELECT looked_up_at, base_url, response_json FROM eligibility_lookups "
        "WHERE npi = ? AND year = ?",
        [npi, year],
    ).fetchone()
    if row is None:
        return None
    return StoredLookup(
        npi, year, dt.datetime.fromisoformat(row[0]), row[1], parse_response(row[2])
    )


# ------------------------------------------------------------- determinations
@dataclass(frozen=True)
class EntityEligibility:
    """One reporting entity's eligibility: from the figures, from QPP, and the one used."""

    year: int
    tin: str
    npi: str | None
    name: str
    computed: EligibilityResult
    """From the entered figures and facts."""
    lookup: EligibilityResult | None
    """From the latest QPP lookup, when it covers this entity."""
    lookup_note: str = ""

    @property
    def level(self) -> Level:
        return Level.GROUP if self.npi is None else Level.INDIVIDUAL

    @property
    def effective(self) -> EligibilityResult:
        """QPP's determination when looked up (it is CMS's own), else the computed one."""
        return self.lookup if self.lookup is not None else self.computed

    @property
    def key(self) -> str:
        """``TIN`` or ``TIN/NPI`` as QPP identifies participants."""
        return self.tin if self.npi is None else f"{self.tin}/{self.npi}"


@dataclass(frozen=True)
class PracticeEligibility:
    year: int
    group: EntityEligibility
    clinicians: list[EntityEligibility]

    def entity(self, npi: str | None) -> EntityEligibility | None:
        if npi is None:
            return self.group
        return next((c for c in self.clinicians if c.npi == npi), None)

    def all(self) -> list[EntityEligibility]:
        return [self.group, *self.clinicians]


def _facts_for(ws: Workspace, year: int, tin: str, c: Clinician) -> ClinicianFacts:
    facts = load_facts(ws, year, tin, c.npi)
    return ClinicianFacts(c.clinician_type, c.medicare_enrollment_date, facts.qp, c.full_name)


def _lookup_outcome(
    ws: Workspace, year: int, npi: str, tin: str, practice_name: str
) -> LookupOutcome | None:
    stored = load_lookup(ws, npi, year)
    if stored is None:
        return None
    return outcome(stored.response, year, stored.looked_up_at, tin, practice_name)


def practice_eligibility(ws: Workspace, year: int) -> PracticeEligibility | None:
    """Determinations for the group and each clinician (None before the practice is set up)."""
    practice = ws.practice()
    if practice is None:
        return None
    tin = practice.tin
    clinicians = ws.clinicians()
    practice_statuses = [str(s) for s in practice.special_statuses if str(s) != "small_practice"]
    size = practice.size if practice.size is not None else (len(clinicians) or None)
    entities: list[EntityEligibility] = []
    group_lookup: EligibilityResult | None = None
    group_note = ""
    facts_list: list[ClinicianFacts] = []
    for c in clinicians:
        facts = _facts_for(ws, year, tin, c)
        facts_list.append(facts)
        figures = load_figures(ws, year, tin, c.npi)
        entered = load_facts(ws, year, tin, c.npi)
        computed = evaluate_individual(
            year,
            c.clinician_type,
            c.medicare_enrollment_date,
            entered.qp,
            figures.get(1),
            figures.get(2),
            special_statuses=[*practice_statuses, *entered.special_statuses],
            practice_size=size,
        )
        found = _lookup_outcome(ws, year, c.npi, tin, practice.name)
        if (
            found is not None
            and found.group is not None
            and (
                group_lookup is None
                or (found.group.looked_up_at or dt.datetime.min.replace(tzinfo=dt.UTC))
                > (group_lookup.looked_up_at or dt.datetime.min.replace(tzinfo=dt.UTC))
            )
        ):
            group_lookup, group_note = found.group, found.note
        entities.append(
            EntityEligibility(
                year,
                tin,
                c.npi,
                c.full_name,
                computed,
                found.individual if found else None,
                found.note if found else "",
            )
        )
    group_figures = load_figures(ws, year, tin, None)
    group_facts = load_facts(ws, year, tin, None)
    group_computed = evaluate_group(
        year,
        facts_list,
        group_figures.get(1),
        group_figures.get(2),
        clinician_count=practice.size,
        special_statuses=[*practice_statuses, *group_facts.special_statuses],
    )
    group = EntityEligibility(
        year, tin, None, practice.name, group_computed, group_lookup, group_note
    )
    return PracticeEligibility(year, group, entities)


def entity_eligibility(
    ws: Workspace, year: int, tin: str, npi: str | None
) -> EntityEligibility | None:
    """The eligibility of the group (npi None) or one clinician of the workspace's practice."""
    found = practice_eligibility(ws, year)
    if found is None or found.group.tin != tin:
        return None
    return found.entity(npi)


def to_json(entity: EntityEligibility) -> dict[str, Any]:
    return {
        "tin": entity.tin,
        "npi": entity.npi,
        "name": entity.name,
        "effective": entity.effective.to_dict(),
        "computed": entity.computed.to_dict(),
        "lookup": entity.lookup.to_dict() if entity.lookup else None,
    }
