"""Build the SQLite measures catalog from a folder laid out like CMS's qpp-measures-data.

What is read, for every year ``YEAR`` that has a folder ``measures/YEAR/``:

- ``measures/YEAR/measures-data.json`` (required: a year folder without it is an error);
- ``benchmarks/YEAR.json``: CMS publishes a year's benchmarks after its measures, so
  the newest year(s) may lack this file and get no benchmarks. A missing file for a
  year *older* than a year that has one means a partial copy, which is an error;
- ``mvp/YEAR/mvp.json``: MVPs began in 2023, so the oldest years may lack this file.
  A missing file for a year *newer* than a year that has one is an error;
- ``SOURCE.md`` and ``package.json`` (optional) for the release name.

The recorded content hash covers only the data files (see :func:`content_hash_of`),
so the same CMS data gives the same hash whether it is a developer copy or was
downloaded by ``mipsdesk catalog update`` (which writes its own ``SOURCE.md``).

Each measure also gets a search tier (:data:`desktop_app.catalog.model.TIERS`) from
its ``allowedPrograms`` and ``isRegistryMeasure`` fields and the year's MVP ids, so
that search lists the usual MIPS measure before QCDR and ACO-only ones.

Years are discovered from the four-digit folders under ``measures/``; benchmark or
MVP files for years without measures are ignored. The folders ``benchmarks/`` and
``mvp/`` themselves must exist.

Records are checked only as far as the catalog uses them (unknown extra fields are
kept: newer releases add fields). The catalog is written to a temporary file beside
``dest`` and renamed over it, so on any failure the previous catalog stays as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, StringConstraints, ValidationError

from desktop_app.catalog.errors import CatalogError, CatalogSourceError
from desktop_app.catalog.model import (
    TIER_COST,
    TIER_MIPS,
    TIER_MVP_ONLY,
    TIER_OTHER_PROGRAM,
    TIER_QCDR,
    SourceInfo,
)
from desktop_app.catalog.schema import APPLICATION_ID, DDL, SCHEMA_VERSION

Progress = Callable[[int, int, str], None]
"""``progress(done, total, message)``: called as the work advances."""

FileKind = Literal["measures", "benchmarks", "mvps"]

_YEAR_DIR = re.compile(r"\d{4}")
_RELEASE_IN_TEXT = re.compile(r"\brelease\s+v?(\d+(?:\.\d+)+(?:[-+][0-9A-Za-z.]+)?)", re.I)

_BUILDING = "Building the measures catalog"

NonEmptyStr = Annotated[str, StringConstraints(min_length=1)]

_LOST_TRADEMARK = re.compile(r"(?<=\bCommon Agreement)TM\b|(?<=\bTEFCA)TM\b")
"""Where CMS's measures data lost a ™ sign and kept its letters: "Trusted Exchange
Framework and Common AgreementTM (TEFCATM)" (2026 PI_HIE_6 and PI_PHCDRR_6). Only these
known names match, so that words and acronyms that merely end in "TM" stay as they are."""

TEXT_FIXES_VERSION = 1
"""Version of :func:`clean_text`, stored in the catalog's ``meta`` table (key
``text_fixes``): a catalog built with older fixes is rebuilt from its source by
:func:`desktop_app.catalog.source.ensure_catalog`, though the data's hash is unchanged."""


def clean_text(text: str) -> str:
    """A measure title or description as people should read it: a ™ sign the source
    wrote as the letters TM ("Common AgreementTM (TEFCATM)") is written ™ again."""
    return _LOST_TRADEMARK.sub("™", text)


@dataclass(frozen=True)
class SourceFile:
    """One data file the catalog reads; ``rel`` is its POSIX path inside the source."""

    rel: str
    kind: FileKind | Literal["meta"]
    year: int | None


@dataclass(frozen=True)
class SourcePlan:
    """The files a build reads, in reading order (data files of each year together)."""

    root: Path
    years: list[int]
    files: list[SourceFile]

    def data_files(self) -> list[SourceFile]:
        return [f for f in self.files if f.kind != "meta"]


def scan_source(source: Path) -> SourcePlan:
    """Find the years and files in ``source``; raise CatalogSourceError if incomplete."""
    root = Path(source)
    if not root.exists():
        raise CatalogSourceError(f"The measures data folder {root} does not exist.")
    if not root.is_dir():
        raise CatalogSourceError(f"The measures data source {root} is not a folder.")
    measures_dir = root / "measures"
    if not measures_dir.is_dir():
        raise CatalogSourceError(
            f"{measures_dir} is missing: {root} does not look like CMS's qpp-measures-data "
            "(expected measures/YEAR/measures-data.json, benchmarks/YEAR.json, "
            "mvp/YEAR/mvp.json)."
        )
    years = sorted(
        int(p.name) for p in measures_dir.iterdir() if p.is_dir() and _YEAR_DIR.fullmatch(p.name)
    )
    if not years:
        raise CatalogSourceError(
            f"{measures_dir} holds no year folders (expected for example "
            "measures/2026/measures-data.json)."
        )
    for folder in ("benchmarks", "mvp"):
        if not (root / folder).is_dir():
            raise CatalogSourceError(
                f"{root / folder} is missing; the measures data folder {root} is incomplete. "
                "Copy the whole qpp-measures-data release again."
            )

    files: list[SourceFile] = [
        SourceFile(name, "meta", None)
        for name in ("SOURCE.md", "package.json")
        if (root / name).is_file()
    ]
    bench_years = [y for y in years if (root / _benchmarks_rel(y)).is_file()]
    mvp_years = [y for y in years if (root / _mvp_rel(y)).is_file()]
    for year in years:
        rel = _measures_rel(year)
        if not (root / rel).is_file():
            raise CatalogSourceError(
                f"{root / rel} is missing (the year folder {measures_dir / str(year)} exists). "
                "Copy the whole qpp-measures-data release again, or remove that year folder."
            )
        files.append(SourceFile(rel, "measures", year))
        if year in bench_years:
            files.append(SourceFile(_benchmarks_rel(year), "benchmarks", year))
        elif bench_years and year < max(bench_years):
            raise CatalogSourceError(
                f"{root / _benchmarks_rel(year)} is missing, although "
                f"{_benchmarks_rel(max(bench_years))} exists: the measures data folder is "
                "incomplete. Copy the whole qpp-measures-data release again."
            )
        if year in mvp_years:
            files.append(SourceFile(_mvp_rel(year), "mvps", year))
        elif mvp_years and year > min(mvp_years):
            raise CatalogSourceError(
                f"{root / _mvp_rel(year)} is missing, although {_mvp_rel(min(mvp_years))} "
                "exists: the measures data folder is incomplete. Copy the whole "
                "qpp-measures-data release again."
            )
    return SourcePlan(root=root, years=years, files=files)


def _measures_rel(year: int) -> str:
    return f"measures/{year}/measures-data.json"


def _benchmarks_rel(year: int) -> str:
    return f"benchmarks/{year}.json"


def _mvp_rel(year: int) -> str:
    return f"mvp/{year}/mvp.json"


def _read_bytes(root: Path, rel: str) -> bytes:
    path = root / rel
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CatalogSourceError(f"{path} could not be read: {exc.strerror or exc}.") from exc


def content_hash_of(digests: Mapping[str, str]) -> str:
    """The catalog's content hash from ``{relative path: SHA-256 hex of the file}``.

    SHA-256 over ``rel NUL sha256(file) LF`` for each data file, sorted by path. Only
    data files (measures, benchmarks, MVPs) count, never notes such as SOURCE.md, so
    the hash of a folder equals the one computed from the pinned release manifest.
    """
    outer = hashlib.sha256()
    for rel in sorted(digests):
        outer.update(f"{rel}\0{digests[rel].lower()}\n".encode())
    return outer.hexdigest()


class _Hasher:
    """Collects the data files' digests for :func:`content_hash_of`."""

    def __init__(self) -> None:
        self._digests: dict[str, str] = {}

    def add(self, rel: str, data: bytes) -> None:
        self._digests[rel] = hashlib.sha256(data).hexdigest()

    def hexdigest(self) -> str:
        return content_hash_of(self._digests)


def source_content_hash(source: Path) -> str:
    """The content hash a build of ``source`` would record (reads each data file once)."""
    plan = scan_source(source)
    hasher = _Hasher()
    for f in plan.data_files():
        hasher.add(f.rel, _read_bytes(plan.root, f.rel))
    return hasher.hexdigest()


def _release_version(rel: str, data: bytes) -> str | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if rel == "SOURCE.md":
        match = _RELEASE_IN_TEXT.search(text)
        return f"v{match.group(1)}" if match else None
    try:
        value = json.loads(text).get("version")
    except (ValueError, AttributeError):
        return None
    if isinstance(value, str) and value.strip():
        value = value.strip()
        return value if value.startswith("v") else f"v{value}"
    return None


# --- parsing and checking -------------------------------------------------------------

_JSON_TYPE_NAMES = {
    dict: "a JSON object",
    list: "a JSON array",
    str: "a JSON string",
    int: "a JSON number",
    float: "a JSON number",
    bool: "a JSON true/false",
    type(None): "JSON null",
}


def _json_type(value: Any) -> str:
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def _parse_json(path: Path, data: bytes) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogSourceError(
            f"{path} is not UTF-8 text (invalid byte at offset {exc.start})."
        ) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogSourceError(
            f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from exc


class _MeasureRecord(BaseModel):
    measureId: NonEmptyStr
    category: Literal["quality", "ia", "pi", "cost"]
    title: str
    description: str | None = None
    metricType: str | None = None
    allowedPrograms: list[str] | None = None
    isRegistryMeasure: bool | None = None


def measure_tier(
    category: str,
    allowed_programs: Iterable[str] | None,
    is_registry_measure: bool | None,
    mvp_ids: set[str],
) -> int:
    """The search tier of a measure (:data:`desktop_app.catalog.model.TIERS`).

    No ``allowedPrograms`` means MIPS (the DEFAULT of CMS's program-names.json).
    """
    programs = set(allowed_programs) if allowed_programs is not None else {"mips"}
    if "mips" not in programs and not programs & mvp_ids:
        return TIER_OTHER_PROGRAM
    if is_registry_measure:
        return TIER_QCDR
    if category == "cost":
        return TIER_COST
    return TIER_MIPS if "mips" in programs else TIER_MVP_ONLY


class _BenchmarkRecord(BaseModel):
    measureId: NonEmptyStr
    submissionMethod: NonEmptyStr
    benchmarkYear: int | None = None
    isInverse: bool = False
    isToppedOut: bool = False
    isToppedOutByProgram: bool = False
    metricType: str | None = None
    percentiles: dict[int, float] | None = None
    deciles: list[float] | None = None
    averagePerformanceRate: float | None = None


class _MeasureRef(BaseModel):
    measureId: NonEmptyStr


class _MvpRecord(BaseModel):
    mvpId: NonEmptyStr
    title: str
    description: str | None = None
    clinicalTopic: str | None = None
    qualityMeasureIds: list[str] | None = None
    iaMeasureIds: list[str] | None = None
    costMeasureIds: list[str] | None = None
    foundationPiMeasureIds: list[str] | None = None
    foundationQualityMeasureIds: list[str] | None = None
    administrativeClaimsMeasureIds: list[str] | None = None
    # The "enriched" MVP format lists measure objects instead of ids.
    qualityMeasures: list[_MeasureRef] | None = None
    iaMeasures: list[_MeasureRef] | None = None
    costMeasures: list[_MeasureRef] | None = None
    foundationPiMeasures: list[_MeasureRef] | None = None
    foundationQualityMeasures: list[_MeasureRef] | None = None
    administrativeClaimsMeasures: list[_MeasureRef] | None = None


_RECORD_MODELS: dict[FileKind, tuple[type[BaseModel], str, str]] = {
    # kind -> (model, id field, what the array holds)
    "measures": (_MeasureRecord, "measureId", "measures"),
    "benchmarks": (_BenchmarkRecord, "measureId", "benchmarks"),
    "mvps": (_MvpRecord, "mvpId", "MVPs"),
}


def _describe_validation(exc: ValidationError) -> str:
    problems: list[str] = []
    for err in exc.errors()[:3]:
        loc = ".".join(str(part) for part in err["loc"])
        if err["type"] == "missing":
            problems.append(f"the field '{loc}' is missing")
        else:
            found = json.dumps(err.get("input"), default=str)
            if len(found) > 60:
                found = found[:57] + "..."
            problems.append(f"the field '{loc}' is wrong ({err['msg']}; found {found})")
    more = len(exc.errors()) - len(problems)
    if more > 0:
        problems.append(f"and {more} more problem(s)")
    return "; ".join(problems)


def _check_records(path: Path, kind: FileKind, value: Any) -> list[tuple[dict[str, Any], Any]]:
    """Validate the array in one file; return (raw record, parsed model) pairs."""
    model, id_field, holds = _RECORD_MODELS[kind]
    if not isinstance(value, list):
        raise CatalogSourceError(
            f"{path}: expected a JSON array of {holds} at the top level, found {_json_type(value)}."
        )
    checked: list[tuple[dict[str, Any], Any]] = []
    for index, record in enumerate(value, start=1):
        if not isinstance(record, dict):
            raise CatalogSourceError(
                f"{path}: entry {index} is {_json_type(record)}; expected a JSON object."
            )
        try:
            parsed = model.model_validate(record)
        except ValidationError as exc:
            ident = record.get(id_field)
            named = f" ({id_field} {json.dumps(ident)})" if isinstance(ident, str) else ""
            raise CatalogSourceError(
                f"{path}: entry {index}{named} is invalid: {_describe_validation(exc)}."
            ) from exc
        checked.append((record, parsed))
    return checked


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _opt_str(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _mvp_ids(rec: _MvpRecord, ids_field: str, objects_field: str) -> list[str]:
    ids: list[str] | None = getattr(rec, ids_field)
    if ids is not None:
        return ids
    objects: list[_MeasureRef] | None = getattr(rec, objects_field)
    return [m.measureId for m in objects] if objects is not None else []


class _Rows:
    """Rows to insert, gathered from every file before anything is written."""

    def __init__(self) -> None:
        self.measures: list[tuple[Any, ...]] = []
        self._programs: list[tuple[str, list[str] | None, bool | None]] = []
        self._mvp_ids: dict[int, set[str]] = {}
        self.fts: list[tuple[Any, ...]] = []
        self.benchmarks: list[tuple[Any, ...]] = []
        self.mvps: list[tuple[Any, ...]] = []
        self._seen: set[tuple[str, int, tuple[str, ...]]] = set()

    def _unique(self, path: Path, kind: str, year: int, key: tuple[str, ...], what: str) -> None:
        marker = (kind, year, key)
        if marker in self._seen:
            raise CatalogSourceError(f"{path}: {what} appears more than once.")
        self._seen.add(marker)

    def add(self, path: Path, kind: FileKind, year: int, value: Any) -> None:
        for record, parsed in _check_records(path, kind, value):
            if kind == "measures":
                self._add_measure(path, year, record, parsed)
            elif kind == "benchmarks":
                self._add_benchmark(path, year, record, parsed)
            else:
                self._add_mvp(path, year, record, parsed)

    def _add_measure(
        self, path: Path, year: int, record: dict[str, Any], rec: _MeasureRecord
    ) -> None:
        self._unique(path, "m", year, (rec.measureId,), f"measureId {rec.measureId!r}")
        row_id = len(self.measures) + 1
        emeasure_id = _opt_str(record, "eMeasureId")
        other_ids = " ".join(
            v
            for v in (emeasure_id, _opt_str(record, "nqfId"), _opt_str(record, "nqfEMeasureId"))
            if v
        )
        title = clean_text(rec.title)
        description = clean_text(rec.description or "")
        if title != rec.title or description != (rec.description or ""):
            record = {**record, "title": title}
            if "description" in record:
                record["description"] = description
        self.measures.append(
            (
                row_id,
                year,
                rec.measureId,
                rec.category,
                TIER_MIPS,  # set by finish() once the year's MVP ids are known
                title,
                description,
                rec.metricType or "",
                emeasure_id,
                _opt_str(record, "eMeasureUuid"),
                _dumps(record),
            )
        )
        self._programs.append((rec.category, rec.allowedPrograms, rec.isRegistryMeasure))
        self.fts.append((row_id, rec.measureId, title, description, other_ids))

    def finish(self) -> None:
        """Set each measure's search tier (needs every file of the year read)."""
        for index, (category, programs, registry) in enumerate(self._programs):
            row = self.measures[index]
            tier = measure_tier(category, programs, registry, self._mvp_ids.get(row[1], set()))
            self.measures[index] = (*row[:4], tier, *row[5:])

    def _add_benchmark(
        self, path: Path, year: int, record: dict[str, Any], rec: _BenchmarkRecord
    ) -> None:
        self._unique(
            path,
            "b",
            year,
            (rec.measureId, rec.submissionMethod),
            f"the benchmark for measureId {rec.measureId!r} and submissionMethod "
            f"{rec.submissionMethod!r}",
        )
        self.benchmarks.append(
            (
                year,
                rec.measureId,
                rec.submissionMethod,
                rec.benchmarkYear,
                int(rec.isInverse),
                int(rec.isToppedOut),
                int(rec.isToppedOutByProgram),
                rec.metricType,
                _dumps({str(k): v for k, v in rec.percentiles.items()})
                if rec.percentiles is not None
                else None,
                _dumps(rec.deciles) if rec.deciles is not None else None,
                rec.averagePerformanceRate,
                _dumps(record),
            )
        )

    def _add_mvp(self, path: Path, year: int, record: dict[str, Any], rec: _MvpRecord) -> None:
        self._unique(path, "v", year, (rec.mvpId,), f"mvpId {rec.mvpId!r}")
        stored = dict(record)
        # Keep the measure id lists in one shape whichever format the file used.
        for ids_field, objects_field in _MVP_ID_FIELDS:
            stored[ids_field] = _mvp_ids(rec, ids_field, objects_field)
        self._mvp_ids.setdefault(year, set()).add(rec.mvpId)
        self.mvps.append((year, rec.mvpId, rec.title, _dumps(stored)))


_MVP_ID_FIELDS: tuple[tuple[str, str], ...] = (
    ("qualityMeasureIds", "qualityMeasures"),
    ("iaMeasureIds", "iaMeasures"),
    ("costMeasureIds", "costMeasures"),
    ("foundationPiMeasureIds", "foundationPiMeasures"),
    ("foundationQualityMeasureIds", "foundationQualityMeasures"),
    ("administrativeClaimsMeasureIds", "administrativeClaimsMeasures"),
)


# --- writing ----------------------------------------------------------------------------


def _write(conn: sqlite3.Connection, info: SourceInfo, rows: _Rows) -> None:
    conn.execute("PRAGMA journal_mode=OFF")  # a private temporary file: no journal needed
    conn.execute("PRAGMA synchronous=OFF")  # fsync'd once, before the rename
    conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
    conn.executescript(DDL)
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('schema_version', ?), ('text_fixes', ?)",
        (str(SCHEMA_VERSION), str(TEXT_FIXES_VERSION)),
    )
    conn.execute(
        "INSERT INTO source (path, version, content_hash, built_at, years) VALUES (?, ?, ?, ?, ?)",
        (info.path, info.version, info.content_hash, info.built_at, _dumps(info.years)),
    )
    conn.executemany("INSERT INTO measures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows.measures)
    conn.executemany(
        "INSERT INTO measures_fts (rowid, measure_id, title, description, other_ids) "
        "VALUES (?, ?, ?, ?, ?)",
        rows.fts,
    )
    conn.executemany(
        "INSERT INTO benchmarks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows.benchmarks
    )
    conn.executemany("INSERT INTO mvps VALUES (?, ?, ?, ?)", rows.mvps)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    conn.execute("COMMIT")
    conn.execute("INSERT INTO measures_fts (measures_fts) VALUES ('optimize')")


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


STALE_SECONDS = 24 * 3600
"""Temporary files older than this are left over from a crash and are removed."""


def remove_stale(folder: Path, pattern: str) -> None:
    """Remove files or folders matching ``pattern`` in ``folder`` older than a day."""
    cutoff = time.time() - STALE_SECONDS
    with contextlib.suppress(OSError):
        for path in folder.glob(pattern):
            with contextlib.suppress(OSError):
                if path.lstat().st_mtime < cutoff:
                    if path.is_dir() and not path.is_symlink():
                        shutil.rmtree(path, ignore_errors=True)
                    else:
                        path.unlink()


def _write_catalog_file(dest: Path, info: SourceInfo, rows: _Rows) -> None:
    remove_stale(dest.parent, f".{dest.name}.*.building")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{dest.name}.", suffix=".building", dir=dest.parent
        )
        os.close(fd)
    except OSError as exc:
        raise CatalogError(
            f"Could not write the catalog in {dest.parent}: {exc.strerror or exc}."
        ) from exc
    tmp = Path(tmp_name)
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            _write(conn, info, rows)
        finally:
            conn.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, dest)
        _fsync_dir(dest.parent)
    except (OSError, sqlite3.Error) as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        detail = getattr(exc, "strerror", None) or str(exc)
        raise CatalogError(
            f"Could not write the catalog {dest}: {detail}. The previous catalog, if any, "
            "is unchanged."
        ) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def build_catalog(source: Path, dest: Path, progress: Progress | None = None) -> SourceInfo:
    """Read every year in ``source`` and write the SQLite catalog ``dest`` (mode 0600).

    Raises CatalogSourceError (naming the file and the problem) if the source is
    missing, incomplete or malformed, and CatalogError if ``dest`` can't be written.
    In both cases a catalog already at ``dest`` is left untouched.
    """
    plan = scan_source(Path(source))
    steps = len(plan.files) + 1
    if progress:
        progress(0, steps, _BUILDING)
    hasher = _Hasher()
    rows = _Rows()
    version: str | None = None
    for done, f in enumerate(plan.files, start=1):
        data = _read_bytes(plan.root, f.rel)
        if f.kind == "meta":
            version = version or _release_version(f.rel, data)
        else:
            assert f.year is not None
            hasher.add(f.rel, data)
            path = plan.root / f.rel
            rows.add(path, f.kind, f.year, _parse_json(path, data))
        if progress:
            progress(done, steps, _BUILDING)
    rows.finish()
    info = SourceInfo(
        path=str(plan.root.resolve()),
        version=version,
        content_hash=hasher.hexdigest(),
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        years=plan.years,
    )
    _write_catalog_file(Path(dest), info, rows)
    if progress:
        progress(steps, steps, _BUILDING)
    return info


def data_file_paths(years: Sequence[int]) -> list[str]:
    """The data files the catalog reads for ``years`` (measures, benchmarks, MVPs)."""
    return [rel for y in years for rel in (_measures_rel(y), _benchmarks_rel(y), _mvp_rel(y))]
