"""Version-specific eCQM ids a workspace knows, per performance year and measure.

QRDA III identifies an eCQM by its version-specific measure id (eMeasureUuid) and each
population by its population criteria id. The measures data gives them for most years;
for a year whose data has none yet (2026) they come from:

- an imported QRDA III file (the EHR's own ids, kept by :func:`save_imported_ids` in
  the import's transaction), together with the file's supplemental data counts (sex,
  race, ethnicity, payer) and, for a single-rate eCQM reported with several population
  sets (which QPP JSON holds summed), each set's own counts, for that entity;
- the eCQI Resource Center's list, supplied by a practice manager as CSV
  (:func:`parse_ids_csv` then :func:`save_supplied_ids`; ``mipsdesk ecqm-ids import``).

:func:`known_ecqm_ids` gives them in the form the QRDA III reader, writer and
validation take (measureId -> :class:`~desktop_app.formats.qrda3.model.EcqmIds`).
No id is ever made up: a measure without one is named by the exporter as left out.
"""

# SQL below interpolates only this module's constant table names.
# ruff: noqa: S608

from __future__ import annotations

import csv
import io
import json
import re
import uuid as _uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from sqlite_utils import Database, Migrations

from desktop_app.catalog.model import MeasureInfo
from desktop_app.formats.qrda3.model import (
    POPULATION_CODES,
    EcqmIds,
    PopulationSetCounts,
    SupplementalCount,
)
from desktop_app.store import register_migrations

if TYPE_CHECKING:
    from desktop_app.reporting import EntityKey
    from desktop_app.store import Workspace

IDS_TABLE = "ecqm_ids"
SUPPLEMENTAL_TABLE = "ecqm_supplemental"
POPULATION_SETS_TABLE = "ecqm_population_sets"
MIGRATIONS = Migrations("mipsdesk.ecqm_ids")
MAX_CSV_BYTES = 1_000_000


@MIGRATIONS()
def m001_ecqm_ids(db: Database) -> None:
    db.execute(
        f"""CREATE TABLE {IDS_TABLE} (
            year INTEGER NOT NULL,
            measure_id TEXT NOT NULL,
            emeasure_id TEXT,
            measure_uuid TEXT NOT NULL,
            populations_json TEXT NOT NULL DEFAULT '[]',
            source TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (year, measure_id)
        )"""
    )
    db.execute(
        f"""CREATE TABLE {SUPPLEMENTAL_TABLE} (
            year INTEGER NOT NULL,
            tin TEXT NOT NULL,
            npi TEXT NOT NULL DEFAULT '',
            measure_id TEXT NOT NULL,
            value_json TEXT NOT NULL,
            supplemental_json TEXT NOT NULL,
            PRIMARY KEY (year, tin, npi, measure_id)
        )"""
    )


@MIGRATIONS()
def m002_population_sets(db: Database) -> None:
    db.execute(
        f"""CREATE TABLE {POPULATION_SETS_TABLE} (
            year INTEGER NOT NULL,
            tin TEXT NOT NULL,
            npi TEXT NOT NULL DEFAULT '',
            measure_id TEXT NOT NULL,
            value_json TEXT NOT NULL,
            sets_json TEXT NOT NULL,
            PRIMARY KEY (year, tin, npi, measure_id)
        )"""
    )


register_migrations(MIGRATIONS)


class IdsCatalog(Protocol):
    """What validating a supplied list needs from :class:`desktop_app.catalog.Catalog`."""

    def years(self) -> list[int]: ...

    def measure_by_emeasure_id(self, year: int, emeasure_id: str) -> MeasureInfo | None: ...

    def measure_by_emeasure_uuid(self, year: int, uuid: str) -> MeasureInfo | None: ...


class EcqmIdsError(ValueError):
    """A supplied list was refused as a whole; ``problems`` are row-numbered messages."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        head = "\n".join(f"  - {p}" for p in problems[:20])
        more = f"\n  (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        super().__init__(f"The eCQM id list was refused; nothing was saved:\n{head}{more}")


@dataclass(frozen=True)
class KnownEcqm:
    """One row of the workspace's list."""

    year: int
    measure_id: str
    emeasure_id: str | None
    measure_uuid: str
    populations: list[dict[str, str]]
    source: str
    updated_at: str

    def ids(self) -> EcqmIds:
        return EcqmIds(self.measure_uuid, [dict(p) for p in self.populations])

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "measureId": self.measure_id,
            "eMeasureId": self.emeasure_id,
            "eMeasureUuid": self.measure_uuid,
            "populationSets": self.populations,
            "source": self.source,
            "updatedAt": self.updated_at,
        }


@dataclass
class SuppliedEcqm:
    """A measure's ids read from a supplied CSV (validated against the catalog)."""

    measure_id: str
    emeasure_id: str
    measure_uuid: str
    populations: list[dict[str, str]] = field(default_factory=list)
    row: int = 0


def _ensure(ws: Workspace) -> None:
    ws.ensure_migrations(MIGRATIONS)


def _now() -> str:
    from desktop_app.store.workspace import utc_now_iso

    return utc_now_iso()


def _uuid_text(value: str) -> str | None:
    """The UUID in canonical form (braces and urn:uuid: allowed), or None."""
    text = value.strip().strip("{}").strip()
    if text.lower().startswith("urn:uuid:"):
        text = text[9:]
    if not re.fullmatch(
        r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}", text
    ):
        return None
    return str(_uuid.UUID(text))


# ---------------------------------------------------------------------------- reading
def ecqm_rows(ws: Workspace, year: int) -> list[KnownEcqm]:
    """The workspace's known eCQM ids for ``year``, by measure id."""
    _ensure(ws)
    rows = ws.db.execute(
        f"SELECT year, measure_id, emeasure_id, measure_uuid, populations_json, source, "
        f"updated_at FROM {IDS_TABLE} WHERE year = ? ORDER BY measure_id",
        [year],
    ).fetchall()
    return [KnownEcqm(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6]) for r in rows]


def known_ecqm_ids(ws: Workspace, year: int) -> dict[str, EcqmIds]:
    """measureId -> :class:`EcqmIds` the workspace knows for ``year`` (reader/writer form).

    An entry may have no population ids (only the version-specific measure id was
    supplied): the reader then identifies the measure, the writer can't write it.
    """
    return {k.measure_id: k.ids() for k in ecqm_rows(ws, year)}


def all_known_ecqm_ids(ws: Workspace) -> dict[int, dict[str, EcqmIds]]:
    """Every year's known ids (a snapshot to hand to a worker thread, which can't use
    ``ws``): ``read_import_file(path, catalog, lambda y: snapshot.get(y, {}))``."""
    _ensure(ws)
    years = [r[0] for r in ws.db.execute(f"SELECT DISTINCT year FROM {IDS_TABLE}").fetchall()]
    return {int(y): known_ecqm_ids(ws, int(y)) for y in years}


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        keys = (set(a) | set(b)) - {"isEndToEndReported"}
        return all(_same_value(a.get(k) or 0, b.get(k) or 0) for k in keys)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def stored_supplemental(
    ws: Workspace, entity: EntityKey, values: Mapping[str, Any]
) -> dict[str, list[SupplementalCount]]:
    """Population id -> supplemental counts kept from an imported file for ``entity``.

    ``values`` is measureId -> the entity's current eCQM value (QPP JSON); counts are
    used only for measures whose value is still what the file held (edited counts
    would no longer add up to the supplemental data)."""
    _ensure(ws)
    rows = ws.db.execute(
        f"SELECT measure_id, value_json, supplemental_json FROM {SUPPLEMENTAL_TABLE} "
        "WHERE year = ? AND tin = ? AND npi = ?",
        [entity.year, entity.tin, entity.npi or ""],
    ).fetchall()
    out: dict[str, list[SupplementalCount]] = {}
    for measure_id, value_json, supp_json in rows:
        if measure_id not in values or not _same_value(values[measure_id], json.loads(value_json)):
            continue
        for pop_id, items in json.loads(supp_json).items():
            out[pop_id.upper()] = [
                SupplementalCount(i["kind"], i.get("code"), int(i["count"])) for i in items
            ]
    return out


def stored_population_sets(
    ws: Workspace, entity: EntityKey, values: Mapping[str, Any]
) -> dict[str, list[PopulationSetCounts]]:
    """measureId -> each population set's counts kept from an imported file for
    ``entity`` (single-rate eCQMs the file reported with several population sets).

    ``values`` is measureId -> the entity's current eCQM value (QPP JSON); the counts
    are given only for measures whose value is still what the file held (edited totals
    can't be split back into the sets)."""
    _ensure(ws)
    rows = ws.db.execute(
        f"SELECT measure_id, value_json, sets_json FROM {POPULATION_SETS_TABLE} "
        "WHERE year = ? AND tin = ? AND npi = ?",
        [entity.year, entity.tin, entity.npi or ""],
    ).fetchall()
    out: dict[str, list[PopulationSetCounts]] = {}
    for measure_id, value_json, sets_json in rows:
        if measure_id not in values or not _same_value(values[measure_id], json.loads(value_json)):
            continue
        out[measure_id] = [
            PopulationSetCounts(
                {str(k): str(v) for k, v in item["populations"].items()},
                {str(k): int(v) for k, v in item["counts"].items()},
            )
            for item in json.loads(sets_json)
        ]
    return out


# ---------------------------------------------------------------------------- writing
def _upsert(
    ws: Workspace, year: int, measure_id: str, emeasure_id: str | None, ids: EcqmIds, source: str
) -> bool:
    """Insert or update one measure's ids (inside a write); True when something changed."""
    row = ws.db.execute(
        f"SELECT emeasure_id, measure_uuid, populations_json, source FROM {IDS_TABLE} "
        "WHERE year = ? AND measure_id = ?",
        [year, measure_id],
    ).fetchone()
    populations = [dict(p) for p in ids.populations]
    before = None
    if row is not None:
        before = {
            "eMeasureId": row[0],
            "eMeasureUuid": row[1],
            "populationSets": json.loads(row[2]),
            "source": row[3],
        }
        same_uuid = str(row[1]).lower() == ids.measure_uuid.lower()
        if same_uuid and not populations:
            populations = before["populationSets"]  # keep the ids an import brought
        if (
            same_uuid
            and populations == before["populationSets"]
            and (emeasure_id is None or row[0] == emeasure_id)
        ):
            return False
    after = {
        "eMeasureId": emeasure_id or (before or {}).get("eMeasureId"),
        "eMeasureUuid": ids.measure_uuid,
        "populationSets": populations,
        "source": source,
    }
    ws.db.execute(
        f"INSERT OR REPLACE INTO {IDS_TABLE} (year, measure_id, emeasure_id, measure_uuid, "
        "populations_json, source, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            year,
            measure_id,
            after["eMeasureId"],
            ids.measure_uuid,
            json.dumps(populations, sort_keys=True),
            source,
            _now(),
        ],
    )
    ws.audit(
        IDS_TABLE,
        f"{year}/{measure_id}",
        "insert" if before is None else "update",
        before,
        after,
    )
    return True


def prepare(ws: Workspace) -> None:
    """Create this module's tables (call before a transaction that saves ids)."""
    _ensure(ws)


def save_imported_ids(
    ws: Workspace,
    entity: EntityKey,
    ecqm_ids: Mapping[str, EcqmIds],
    supplemental: Mapping[str, list[SupplementalCount]],
    values: Mapping[str, Any],
    *,
    source: str,
    emeasure_ids: Mapping[str, str | None] | None = None,
    population_sets: Mapping[str, list[PopulationSetCounts]] | None = None,
) -> None:
    """Keep the ids (and, for measures in ``values``, the supplemental counts and the
    per-population-set counts) an imported QRDA III file carries. Must run inside
    ``ws.write`` (the import's transaction); :func:`prepare` must have run before it."""
    for measure_id, ids in sorted(ecqm_ids.items()):
        name = (emeasure_ids or {}).get(measure_id)
        _upsert(ws, entity.year, measure_id, name, ids, f"QRDA III file {source}")
        if measure_id not in values:
            continue
        _save_population_sets(
            ws, entity, measure_id, (population_sets or {}).get(measure_id), values, source
        )
        pops = {p.upper() for group in ids.populations for p in group.values()}
        supp = {
            k.upper(): [{"kind": s.kind, "code": s.code, "count": s.count} for s in v]
            for k, v in supplemental.items()
            if k.upper() in pops
        }
        _keep_file_data(
            ws,
            SUPPLEMENTAL_TABLE,
            "supplemental_json",
            entity,
            measure_id,
            values,
            supp or None,
            {"populations": sorted(supp), "source": source},
        )


def _keep_file_data(
    ws: Workspace,
    table: str,
    column: str,
    entity: EntityKey,
    measure_id: str,
    values: Mapping[str, Any],
    data: Any,
    audit: dict[str, Any],
) -> None:
    """Keep ``data`` (JSON) that a file carries for one measure in ``table``.``column``,
    with the measure's value it belongs to (audited); ``None`` forgets what was kept."""
    key = [entity.year, entity.tin, entity.npi or "", measure_id]
    if data is None:
        ws.db.execute(
            f"DELETE FROM {table} WHERE year = ? AND tin = ? AND npi = ? AND measure_id = ?",
            key,
        )
        return
    ws.db.execute(
        f"INSERT OR REPLACE INTO {table} (year, tin, npi, measure_id, value_json, {column}) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            *key,
            json.dumps(values[measure_id], sort_keys=True),
            json.dumps(data, sort_keys=True),
        ],
    )
    ws.audit(table, f"{entity.label}/{measure_id}", "replace", None, audit)


def _save_population_sets(
    ws: Workspace,
    entity: EntityKey,
    measure_id: str,
    sets: list[PopulationSetCounts] | None,
    values: Mapping[str, Any],
    source: str,
) -> None:
    """Keep (or, when the file has none, forget) one measure's per-set counts."""
    _keep_file_data(
        ws,
        POPULATION_SETS_TABLE,
        "sets_json",
        entity,
        measure_id,
        values,
        [s.as_dict() for s in sets] if sets else None,
        {"populationSets": len(sets or []), "source": source},
    )


def save_supplied_ids(ws: Workspace, year: int, rows: list[SuppliedEcqm], *, source: str) -> int:
    """Save a validated list (one transaction, audited); returns how many rows changed."""
    _ensure(ws)
    changed = 0
    with ws.write(IDS_TABLE):
        for item in rows:
            ids = EcqmIds(item.measure_uuid, item.populations)
            if _upsert(ws, year, item.measure_id, item.emeasure_id, ids, f"list {source}"):
                changed += 1
    return changed


# ---------------------------------------------------------------------------- the CSV
_ID_HEADERS = {
    "ecqmid",
    "ecqm",
    "cmsid",
    "cmsidentifier",
    "ecqmidentifier",
    "emeasureid",
    "measure",
}
_UUID_HEADERS = {
    "versionspecificuuid",
    "versionspecificid",
    "versionspecificidentifier",
    "versionspecificmeasureid",
    "versionspecificmeasureidentifier",
    "emeasureuuid",
    "uuid",
    "guid",
}
_POP_HEADERS = {
    "ipop": "IPOP",
    "ipp": "IPOP",
    "initialpopulation": "IPOP",
    "denom": "DENOM",
    "denominator": "DENOM",
    "numer": "NUMER",
    "numerator": "NUMER",
    "denex": "DENEX",
    "denominatorexclusion": "DENEX",
    "denominatorexclusions": "DENEX",
    "denexcep": "DENEXCEP",
    "denominatorexception": "DENEXCEP",
    "denominatorexceptions": "DENEXCEP",
}
_REQUIRED_POPULATIONS = ("IPOP", "DENOM", "NUMER")


def _norm(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def _columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Column index by role ('id', 'uuid', population code) from a header row."""
    cols: dict[str, int] = {}
    problems: list[str] = []
    for i, name in enumerate(header):
        key = _norm(name)
        role = (
            "id"
            if key in _ID_HEADERS
            else "uuid"
            if key in _UUID_HEADERS
            else _POP_HEADERS.get(key)
        )
        if not key:
            continue
        if role is None:
            problems.append(
                f"row 1: unknown column '{name.strip()}' (expected: eCQM id, version-specific "
                "uuid, and optionally IPOP, DENOM, NUMER, DENEX, DENEXCEP)"
            )
        elif role in cols:
            problems.append(f"row 1: column '{name.strip()}' appears twice")
        else:
            cols[role] = i
    for role, label in (("id", "eCQM id"), ("uuid", "version-specific uuid")):
        if role not in cols:
            problems.append(f"row 1: there is no {label} column")
    return cols, problems


def parse_ids_csv(data: bytes, year: int, catalog: IdsCatalog) -> list[SuppliedEcqm]:
    """Read and check a list of eCQM ids (the eCQI Resource Center's, as CSV).

    Columns: the eCQM id (``CMS122v14``) and its version-specific uuid; optionally the
    population criteria ids IPOP, DENOM, NUMER, DENEX, DENEXCEP (one row per population
    set, in the measure's order), which QRDA III export needs. A header row is optional
    (it is required to use other column orders). Raises :class:`EcqmIdsError` listing
    every problem by row number; nothing is returned half-checked.
    """
    if len(data) > MAX_CSV_BYTES:
        raise EcqmIdsError([f"the file is larger than {MAX_CSV_BYTES // 1000} KB"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EcqmIdsError([f"the file is not UTF-8 text (byte {exc.start})"]) from exc
    if year not in catalog.years():
        raise EcqmIdsError([f"performance year {year} is not in the measures catalog"])
    rows = [(i + 1, r) for i, r in enumerate(csv.reader(io.StringIO(text)))]
    rows = [(n, r) for n, r in rows if any(c.strip() for c in r)]
    if not rows:
        raise EcqmIdsError(["the file has no rows"])
    problems: list[str] = []
    first_n, first = rows[0]
    if (
        len(first) >= 2
        and _uuid_text(first[1]) is None
        and not re.match(r"(?i)^cms\d", first[0].strip())
    ):
        cols, problems = _columns(first)
        if first_n != 1:
            problems = [p.replace("row 1:", f"row {first_n}:") for p in problems]
        rows = rows[1:]
    else:
        cols = {"id": 0, "uuid": 1}
        for i, code in enumerate(POPULATION_CODES):
            cols[code] = 2 + i
    if problems:
        raise EcqmIdsError(problems)
    found: dict[str, SuppliedEcqm] = {}
    uuid_owner: dict[str, str] = {}
    width = max(cols.values()) + 1
    for n, row in rows:
        if len(row) > width and any(c.strip() for c in row[width:]):
            problems.append(f"row {n}: {len(row)} columns; expected at most {width}")
            continue
        cells = row + [""] * (width - len(row))
        ecqm = cells[cols["id"]].strip()
        raw_uuid = cells[cols["uuid"]].strip()
        if not ecqm:
            problems.append(f"row {n}: the eCQM id is empty")
            continue
        info = catalog.measure_by_emeasure_id(year, ecqm)
        if (
            info is None
            or info.category != "quality"
            or "electronicHealthRecord" not in info.submission_methods
        ):
            problems.append(
                f"row {n}: '{ecqm}' is not an eCQM of performance year {year} in the "
                "measures data (use the CMS id with its version, e.g. CMS122v14)"
            )
            continue
        measure_uuid = _uuid_text(raw_uuid)
        if measure_uuid is None:
            problems.append(f"row {n}: '{raw_uuid}' is not a UUID (the version-specific id)")
            continue
        official = info.data.get("eMeasureUuid")
        if isinstance(official, str) and official.lower() != measure_uuid.lower():
            problems.append(
                f"row {n}: the {year} measures data gives {official} as the version-specific "
                f"id of {ecqm}, not {measure_uuid}"
            )
            continue
        owner = uuid_owner.setdefault(measure_uuid, info.measure_id)
        if owner != info.measure_id:
            problems.append(f"row {n}: {measure_uuid} is already the id of measure {owner}")
            continue
        other = catalog.measure_by_emeasure_uuid(year, measure_uuid)
        if other is not None and other.measure_id != info.measure_id:
            problems.append(
                f"row {n}: {measure_uuid} is the id of measure {other.measure_id} in the "
                f"{year} measures data"
            )
            continue
        pops: dict[str, str] = {}
        bad = False
        for code in POPULATION_CODES:
            if code not in cols:
                continue
            value = cells[cols[code]].strip()
            if not value:
                continue
            pop = _uuid_text(value)
            if pop is None:
                problems.append(f"row {n}: {code} '{value}' is not a UUID")
                bad = True
            else:
                pops[code] = pop
        if bad:
            continue
        if pops:
            missing = [c for c in _REQUIRED_POPULATIONS if c not in pops]
            if missing:
                problems.append(
                    f"row {n}: population ids given without {', '.join(missing)} (a population "
                    "set needs at least IPOP, DENOM and NUMER)"
                )
                continue
        item = found.get(info.measure_id)
        if item is None:
            item = found[info.measure_id] = SuppliedEcqm(
                info.measure_id, str(info.data.get("eMeasureId") or ecqm), measure_uuid, row=n
            )
        elif item.measure_uuid != measure_uuid:
            problems.append(
                f"row {n}: {ecqm} has another version-specific id on row {item.row} "
                f"({item.measure_uuid})"
            )
            continue
        elif not pops or not item.populations:
            problems.append(f"row {n}: {ecqm} is listed twice (row {item.row})")
            continue
        if pops:
            item.populations.append(pops)
    if problems:
        raise EcqmIdsError(problems)
    if not found:
        raise EcqmIdsError(["the file lists no eCQM"])
    return sorted(found.values(), key=lambda s: s.measure_id)
