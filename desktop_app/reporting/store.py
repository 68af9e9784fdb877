"""Measurement data per reporting entity, stored in the practice workspace.

The data-entry pages and the importers write here; the score preview and the
exporters read a QPP :class:`~desktop_app.formats.qpp_json.Submission` back with
:func:`build_submission`. Every change is audited and observers are notified
(table ``measurement_values`` or ``measurement_sets``).

Data entry is locked here, in the core, not only on the pages: while an opt-in
eligible clinician or group has no confirmed election
(:func:`desktop_app.elections.data_entry_allowed`), :func:`save_value`,
:func:`save_set_fields` and :func:`delete_value` raise :class:`ReportingError`
with the reason the Election page gives, and nothing is written.
"""

# SQL below interpolates only this module's constant table names and fixed WHERE
# clauses; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from sqlite_utils import Database, Migrations

from desktop_app.elections import data_entry_allowed
from desktop_app.formats.qpp_json import (
    CategoryName,
    Measurement,
    MeasurementSet,
    MultiPerformanceRate,
    NonProportion,
    Proportion,
    SinglePerformanceRate,
    Submission,
)
from desktop_app.models.identifiers import validate_npi, validate_tin
from desktop_app.store import register_migrations

if TYPE_CHECKING:
    from desktop_app.store import Workspace

VALUES_TABLE = "measurement_values"
SETS_TABLE = "measurement_sets"
MIGRATIONS = Migrations("mipsdesk.reporting")


@MIGRATIONS()
def m001_measurements(db: Database) -> None:
    db.execute(
        f"""CREATE TABLE {VALUES_TABLE} (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL,
            tin TEXT NOT NULL,
            npi TEXT NOT NULL DEFAULT '',
            category TEXT NOT NULL CHECK (category IN ('quality', 'pi', 'ia')),
            measure_id TEXT NOT NULL,
            submission_method TEXT NOT NULL,
            program_name TEXT NOT NULL DEFAULT 'mips',
            value_json TEXT NOT NULL,
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            UNIQUE (year, tin, npi, category, submission_method, program_name, measure_id)
        )"""
    )
    db.execute(
        f"""CREATE TABLE {SETS_TABLE} (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL,
            tin TEXT NOT NULL,
            npi TEXT NOT NULL DEFAULT '',
            category TEXT NOT NULL CHECK (category IN ('quality', 'pi', 'ia')),
            submission_method TEXT NOT NULL,
            program_name TEXT NOT NULL DEFAULT 'mips',
            cehrt_id TEXT,
            performance_start TEXT,
            performance_end TEXT,
            UNIQUE (year, tin, npi, category, submission_method, program_name)
        )"""
    )
    db.execute(f"CREATE INDEX {VALUES_TABLE}_entity ON {VALUES_TABLE} (year, tin, npi)")


register_migrations(MIGRATIONS)


class ReportingError(ValueError):
    """A measurement value or set field that can't be stored; the message says why."""


@dataclass(frozen=True)
class EntityKey:
    """A reporting entity: a group (npi None) or a clinician under a TIN, for one year."""

    year: int
    tin: str
    npi: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "tin", validate_tin(self.tin))
        if self.npi is not None:
            object.__setattr__(self, "npi", validate_npi(self.npi))

    @property
    def label(self) -> str:
        return f"{self.year} {self.tin}" + (f"/{self.npi}" if self.npi else " (group)")


@dataclass(frozen=True)
class StoredValue:
    entity: EntityKey
    category: CategoryName
    measure_id: str
    submission_method: str
    program_name: str
    value: Any
    """The QPP JSON value (bool or dict) as stored."""


def ensure_tables(ws: Workspace) -> None:
    """Create the tables in a workspace opened before this module was imported."""
    ws.ensure_migrations(MIGRATIONS)


def require_data_entry(ws: Workspace, entity: EntityKey) -> None:
    """Raise ReportingError (nothing saved) if data entry is locked for ``entity``.

    Locked while an opt-in eligible clinician or group has no confirmed election;
    the message is the reason the Election page shows.
    """
    allowed, reason = data_entry_allowed(ws, entity, entity.year)
    if not allowed:
        raise ReportingError(f"{reason} Nothing was saved.")


def _npi(entity: EntityKey) -> str:
    return entity.npi or ""


def _record_key(entity: EntityKey, category: str, method: str, program: str, mid: str) -> str:
    return f"{entity.year}/{entity.tin}/{entity.npi or '-'}/{category}/{method}/{program}/{mid}"


def _check_value(category: str, measure_id: str, value: Any) -> Any:
    """Validate with the QPP JSON models; return the value in its JSON form."""
    try:
        parsed = Measurement.model_validate({"measureId": measure_id, "value": value}).value
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"][1:] if not str(p)[0].isupper())
        msg = err["msg"].removeprefix("Value error, ")
        raise ReportingError(
            f"{measure_id}: {msg}" + (f" ({where})" if where and where != "value" else "")
        ) from exc
    allowed: dict[str, tuple[type, ...]] = {
        "quality": (SinglePerformanceRate, MultiPerformanceRate, NonProportion),
        "pi": (bool, Proportion),
        "ia": (bool,),
    }
    if not isinstance(parsed, allowed[category]):
        kinds = {
            "quality": "a performance-rate object",
            "pi": "Yes/No or a numerator and denominator",
            "ia": "Yes/No",
        }
        names = {"quality": "a quality", "pi": "a PI", "ia": "an IA"}
        raise ReportingError(f"{measure_id}: {names[category]} value must be {kinds[category]}")
    if isinstance(parsed, bool):
        return parsed
    return parsed.to_json_dict()


_VALUE_WHERE = (
    "year = ? AND tin = ? AND npi = ? AND category = ? AND submission_method = ? "
    "AND program_name = ? AND measure_id = ?"
)


def _value_key(
    entity: EntityKey,
    category: str,
    submission_method: str,
    program_name: str,
    measure_id: str,
) -> tuple[object, ...]:
    """The parameters of _VALUE_WHERE: one stored value of one entity."""
    return (
        entity.year,
        entity.tin,
        _npi(entity),
        category,
        submission_method,
        program_name,
        measure_id,
    )


def save_value(
    ws: Workspace,
    entity: EntityKey,
    category: CategoryName,
    measure_id: str,
    value: Any,
    *,
    submission_method: str = "registry",
    program_name: str = "mips",
) -> None:
    """Insert or replace one measurement value (validated, audited, observers notified)."""
    ensure_tables(ws)
    clean = _check_value(category, measure_id, value)
    require_data_entry(ws, entity)
    key = _value_key(entity, category, submission_method, program_name, measure_id)
    where = _VALUE_WHERE
    with ws.write(VALUES_TABLE) as db:
        row = db.execute(f"SELECT value_json FROM {VALUES_TABLE} WHERE {where}", key).fetchone()
        before = {"value": json.loads(row[0])} if row else None
        if row:
            db.execute(
                f"UPDATE {VALUES_TABLE} SET value_json = ?, "
                f"updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE {where}",
                [json.dumps(clean), *key],
            )
        else:
            db.execute(
                f"INSERT INTO {VALUES_TABLE} (year, tin, npi, category, submission_method, "
                "program_name, measure_id, value_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [*key, json.dumps(clean)],
            )
        ws.audit(
            VALUES_TABLE,
            _record_key(entity, category, submission_method, program_name, measure_id),
            "update" if row else "insert",
            before,
            {"value": clean},
        )


def delete_value(
    ws: Workspace,
    entity: EntityKey,
    category: CategoryName,
    measure_id: str,
    *,
    submission_method: str = "registry",
    program_name: str = "mips",
) -> bool:
    """Remove one value; False if there was none (refused only when there is one to remove)."""
    ensure_tables(ws)
    key = _value_key(entity, category, submission_method, program_name, measure_id)
    where = _VALUE_WHERE
    with ws.write(VALUES_TABLE) as db:
        row = db.execute(f"SELECT value_json FROM {VALUES_TABLE} WHERE {where}", key).fetchone()
        if row is None:
            return False
        require_data_entry(ws, entity)
        db.execute(f"DELETE FROM {VALUES_TABLE} WHERE {where}", key)
        ws.audit(
            VALUES_TABLE,
            _record_key(entity, category, submission_method, program_name, measure_id),
            "delete",
            {"value": json.loads(row[0])},
            None,
        )
    return True


def save_set_fields(
    ws: Workspace,
    entity: EntityKey,
    category: CategoryName,
    *,
    submission_method: str = "registry",
    program_name: str = "mips",
    cehrt_id: str | None = None,
    performance_start: date | None = None,
    performance_end: date | None = None,
) -> None:
    """Store the set-level fields (CEHRT ID, performance period) of a measurement set."""
    ensure_tables(ws)
    for label, d in (
        ("performance start", performance_start),
        ("performance end", performance_end),
    ):
        if d is not None and d.year != entity.year:
            raise ReportingError(
                f"The {label} {d.isoformat()} must fall inside performance year {entity.year} "
                f"(January 1 – December 31, {entity.year})."
            )
    if performance_start and performance_end and performance_end < performance_start:
        raise ReportingError("The performance period ends before it starts.")
    if cehrt_id is not None:
        cehrt_id = cehrt_id.strip() or None
    require_data_entry(ws, entity)
    after = {
        "cehrt_id": cehrt_id,
        "performance_start": performance_start.isoformat() if performance_start else None,
        "performance_end": performance_end.isoformat() if performance_end else None,
    }
    key = (entity.year, entity.tin, _npi(entity), category, submission_method, program_name)
    where = (
        "year = ? AND tin = ? AND npi = ? AND category = ? AND submission_method = ? "
        "AND program_name = ?"
    )
    with ws.write(SETS_TABLE) as db:
        row = db.execute(
            f"SELECT cehrt_id, performance_start, performance_end FROM {SETS_TABLE} WHERE {where}",
            key,
        ).fetchone()
        before = (
            dict(zip(("cehrt_id", "performance_start", "performance_end"), row, strict=True))
            if row
            else None
        )
        db.execute(f"DELETE FROM {SETS_TABLE} WHERE {where}", key)
        db.execute(
            f"INSERT INTO {SETS_TABLE} (year, tin, npi, category, submission_method, "
            "program_name, cehrt_id, performance_start, performance_end) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [*key, after["cehrt_id"], after["performance_start"], after["performance_end"]],
        )
        ws.audit(
            SETS_TABLE,
            f"{entity.year}/{entity.tin}/{entity.npi or '-'}/{category}/{submission_method}/"
            f"{program_name}",
            "update" if row else "insert",
            before,
            after,
        )


def stored_values(
    ws: Workspace, entity: EntityKey, category: CategoryName | None = None
) -> list[StoredValue]:
    """The values stored for an entity (optionally one category), in a stable order."""
    ensure_tables(ws)
    sql = (
        f"SELECT category, measure_id, submission_method, program_name, value_json "
        f"FROM {VALUES_TABLE} WHERE year = ? AND tin = ? AND npi = ?"
    )
    params: list[Any] = [entity.year, entity.tin, _npi(entity)]
    if category is not None:
        sql += " AND category = ?"
        params.append(category)
    sql += " ORDER BY category, submission_method, program_name, measure_id"
    rows = ws.db.execute(sql, params).fetchall()
    return [StoredValue(entity, r[0], r[1], r[2], r[3], json.loads(r[4])) for r in rows]


def build_submission(ws: Workspace, entity: EntityKey) -> Submission:
    """The QPP JSON submission of everything stored for the entity and year."""
    ensure_tables(ws)
    sets: dict[tuple[str, str, str], dict[str, Any]] = {}
    rows = ws.db.execute(
        f"SELECT category, submission_method, program_name, cehrt_id, performance_start, "
        f"performance_end FROM {SETS_TABLE} WHERE year = ? AND tin = ? AND npi = ?",
        [entity.year, entity.tin, _npi(entity)],
    ).fetchall()
    fields = {(r[0], r[1], r[2]): r[3:] for r in rows}
    for v in stored_values(ws, entity):
        k = (v.category, v.submission_method, v.program_name)
        if k not in sets:
            data: dict[str, Any] = {
                "category": v.category,
                "submissionMethod": v.submission_method,
                "programName": v.program_name,
                "measurements": [],
            }
            if k in fields:
                cehrt, start, end = fields[k]
                data.update(
                    {
                        name: val
                        for name, val in (
                            ("cehrtId", cehrt),
                            ("performanceStart", start),
                            ("performanceEnd", end),
                        )
                        if val is not None
                    }
                )
            sets[k] = data
        sets[k]["measurements"].append({"measureId": v.measure_id, "value": v.value})
    payload: dict[str, Any] = {
        "entityType": "individual" if entity.npi else "group",
        "taxpayerIdentificationNumber": entity.tin,
        "performanceYear": entity.year,
        "measurementSets": [MeasurementSet.model_validate(s) for s in sets.values()],
    }
    if entity.npi:
        payload["nationalProviderIdentifier"] = entity.npi
    return Submission.model_validate(payload)
