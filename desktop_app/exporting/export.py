"""Writing a practice's data as QPP JSON or QRDA III files.

One entity: :func:`render_entity` runs the pre-export check, builds the QPP JSON
:class:`~desktop_app.formats.qpp_json.Submission` from the stored data (the one
format model), turns it into file content (QPP JSON, or QRDA III through the QRDA
writer, which lists the measures it leaves out), and validates that content with
:mod:`desktop_app.formats.validate`; :func:`export_entity` then writes it atomically.

Every entity of the practice: :func:`export_all` checks and renders every entity
first (any check error: nothing is written), then writes all files and a manifest
(SHA-256 of each file) into a hidden staging folder beside the target and moves
them into place, so a failure mid-way (a full disk) leaves no partial file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from desktop_app import __version__
from desktop_app.exporting.check import CheckReport, StepKey, check_entity, entity_text
from desktop_app.exporting.entities import export_choices
from desktop_app.formats.qpp_json import Submission, dump_submission
from desktop_app.reporting import EntityKey
from desktop_app.store.errors import WorkspaceError
from desktop_app.util import files as _files
from desktop_app.util.files import WriteError

if TYPE_CHECKING:
    from desktop_app.catalog import Catalog
    from desktop_app.formats.qrda3.model import EcqmIds, PopulationSetCounts, SupplementalCount
    from desktop_app.formats.validate import ValidationReport
    from desktop_app.store import Workspace

ExportFormat = Literal["qpp-json", "qrda3"]
FORMATS: tuple[ExportFormat, ...] = ("qpp-json", "qrda3")
FORMAT_LABELS: dict[str, str] = {"qpp-json": "QPP JSON", "qrda3": "QRDA III (XML)"}
_EXTENSIONS = {"qpp-json": "json", "qrda3": "xml"}
Progress = Callable[[int, int, str], None]


class ExportError(Exception):
    """The file(s) could not be produced or written; nothing half-written is left."""


class ExportBlocked(ExportError):
    """The pre-export check found errors; ``reports`` hold them (one per entity)."""

    def __init__(self, reports: list[CheckReport]) -> None:
        self.reports = reports
        lines = [
            f"{entity_text(r.entity)}: {p.message} (fix on: {p.step_title})"
            for r in reports
            for p in r.errors
        ]
        count = len(lines)
        super().__init__(
            f"The pre-export check found {count} error{'s' if count != 1 else ''}; nothing "
            "was exported:\n" + "\n".join(f"  - {line}" for line in lines)
        )


class NotWritable(ExportError):
    """The entity's data can't be written in the chosen format at all (QRDA III with only
    MIPS CQM measures, a year without a QRDA III guide, ...); the message says why."""


@dataclass(frozen=True)
class LeftOutMeasure:
    """A measure the file does not carry, and why (QRDA III only)."""

    category: str
    measure_id: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"category": self.category, "measureId": self.measure_id, "reason": self.reason}


LEFT_OUT_CODES = frozenset({"QRDA_LEFT_OUT", "QRDA_LEFT_OUT_DATA"})
"""Check problem codes of measures a QRDA III file leaves out."""

# Reasons of the QRDA writer for leaving a measure out that are by design (the format
# or the ids CMS publishes can't carry it); any other reason is a data problem the user
# fixes. Matched on the writer's wording (desktop_app/formats/qrda3/writer.py).
_BY_DESIGN_REASONS = (
    "MIPS CQM measures are submitted as QPP JSON",
    "quality measures are not submitted in QRDA III",
    "gives no version-specific eCQM id",
    "is known but not its population criteria ids",
    "but QPP JSON holds only their totals",
    "the measure's population ids lack",
)
_LEFT_OUT_STEPS: dict[str, StepKey] = {"quality": "quality", "pi": "pi", "ia": "ia"}


def left_out_by_design(measure: LeftOutMeasure) -> bool:
    """True when QRDA III can't carry the measure by design (a MIPS CQM, an eCQM whose
    ids CMS hasn't published); False when its data must be fixed (counts that don't add
    up, a value of the wrong kind, a missing CEHRT ID, ...)."""
    return any(text in measure.reason for text in _BY_DESIGN_REASONS)


def add_left_out_problems(report: CheckReport, left_out: list[LeftOutMeasure]) -> None:
    """One problem per measure the QRDA III file leaves out: a warning when that is by
    design (submit the measure as QPP JSON), an error when its data must be fixed."""
    for m in left_out:
        step = _LEFT_OUT_STEPS.get(m.category, "quality")
        if left_out_by_design(m):
            report.add(
                "warning",
                "QRDA_LEFT_OUT",
                f"{m.measure_id} is left out of the QRDA III file: {m.reason}."
                + (
                    ""
                    if "QPP JSON" in m.reason
                    else " Submit it as QPP JSON so that CMS receives it."
                ),
                step,
                m.measure_id,
            )
        else:
            report.add(
                "error",
                "QRDA_LEFT_OUT_DATA",
                f"{m.measure_id} can't be written in the QRDA III file: {m.reason}. Correct "
                "its data, then export again (or export QPP JSON).",
                step,
                m.measure_id,
            )


def check_qrda3(
    ws: Workspace, entity: EntityKey, catalog: Catalog, report: CheckReport, *, batch: bool = False
) -> list[LeftOutMeasure]:
    """Run the QRDA III writer on the checked data and add to ``report`` every measure it
    would leave out (see :func:`add_left_out_problems`); when nothing can be written, an
    error (``batch``: a warning, as :func:`export_all` then skips the entity)."""
    if report.submission is None:
        return []
    submission = prepare_submission(report.submission)
    try:
        _data, left_out = _render_entity_qrda3(ws, entity, submission, catalog)
    except NotWritable as exc:
        report.add(
            "warning" if batch else "error",
            "QRDA_NOTHING_WRITABLE",
            f"No QRDA III file can be made for {entity_text(entity)}: {exc} "
            + (
                "It will be skipped; export it as QPP JSON."
                if batch
                else "Export it as QPP JSON instead."
            ),
            "quality",
        )
        return []
    add_left_out_problems(report, left_out)
    return left_out


@dataclass
class RenderedFile:
    """One entity's file content, ready to write."""

    entity: EntityKey
    format: ExportFormat
    file_name: str
    data: bytes
    submission: Submission
    """What the file was made from (the entity's data as QPP JSON)."""
    check: CheckReport
    left_out: list[LeftOutMeasure] = field(default_factory=list)
    validation: ValidationReport | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def categories(self) -> list[str]:
        """The categories the file carries: those with a measure that was written (a
        category whose every measure was left out of a QRDA III file is not in it)."""
        left = {(m.category, m.measure_id) for m in self.left_out}
        return sorted(
            {
                s.category
                for s in self.submission.measurement_sets
                for m in s.measurements
                if (s.category, m.measure_id) not in left
            }
        )

    @property
    def warnings(self) -> list[str]:
        """The check's and the validation's warnings (left-out measures are listed apart,
        in :attr:`left_out`)."""
        out = [p.message for p in self.check.warnings if p.code not in LEFT_OUT_CODES]
        if self.validation is not None:
            out += [p.message for p in self.validation.problems if p.severity != "error"]
        return out

    def manifest_entry(self) -> dict[str, Any]:
        return {
            "file": self.file_name,
            "entity": entity_text(self.entity),
            "entityType": "group" if self.entity.npi is None else "individual",
            "taxpayerIdentificationNumber": self.entity.tin,
            "nationalProviderIdentifier": self.entity.npi,
            "performanceYear": self.entity.year,
            "categories": self.categories,
            "bytes": len(self.data),
            "sha256": self.sha256,
            "leftOut": [m.as_dict() for m in self.left_out],
            "warnings": self.warnings,
        }


@dataclass
class ExportResult:
    """One written file."""

    path: Path
    rendered: RenderedFile


@dataclass
class BatchResult:
    """Every file written by :func:`export_all`, the manifest, and what was skipped."""

    folder: Path
    manifest_path: Path
    files: list[ExportResult]
    skipped: list[tuple[str, str]]
    """(entity, reason) of each entity not exported."""


# --------------------------------------------------------------------------- naming
def file_name(entity: EntityKey, fmt: ExportFormat) -> str:
    """``123456789_1234567893_2025.json`` for a clinician, ``123456789_group_2025.xml``
    for the group."""
    who = entity.npi or "group"
    return f"{entity.tin}_{who}_{entity.year}.{_EXTENSIONS[fmt]}"


def manifest_name(year: int, fmt: ExportFormat) -> str:
    return f"manifest_{year}_{fmt}.json"


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- content
def prepare_submission(submission: Submission) -> Submission:
    """The submission as it is exported: sets without measurements dropped; quality and
    improvement activity sets without a performance period get the whole calendar year
    (the quality performance period is the full year; QPP needs the dates in every set)."""
    year = submission.performance_year
    sets = []
    for mset in submission.measurement_sets:
        if not mset.measurements:
            continue
        if mset.category in ("quality", "ia"):
            update: dict[str, Any] = {}
            if mset.performance_start is None:
                update["performance_start"] = date(year, 1, 1)
            if mset.performance_end is None:
                update["performance_end"] = date(year, 12, 31)
            if update:
                mset = mset.model_copy(update=update)
        sets.append(mset)
    return submission.model_copy(update={"measurement_sets": sets})


def render_qpp_json(submission: Submission) -> bytes:
    """QPP JSON text of the submission (UTF-8, 2-space indent, no computed rates)."""
    return dump_submission(submission).encode("utf-8")


def render_qrda3(
    submission: Submission,
    catalog: Catalog,
    *,
    ecqm_ids: Mapping[str, EcqmIds] | None = None,
    supplemental: Mapping[str, list[SupplementalCount]] | None = None,
    created: datetime | None = None,
    document_seed: str | None = None,
    organization_name: str | None = None,
    population_sets: Mapping[str, list[PopulationSetCounts]] | None = None,
) -> tuple[bytes, list[LeftOutMeasure]]:
    """QRDA III content through the QRDA writer, and the measures it left out.

    ``population_sets``: per-population-set counts of summed single-rate eCQMs (kept
    from an imported QRDA III file), written set by set while they add up.

    Raises ExportError when nothing in the submission can be written as QRDA III."""
    from desktop_app.formats.qrda3.writer import Qrda3WriteError, write_qrda3

    try:
        result = write_qrda3(
            submission,
            catalog,
            ecqm_ids=ecqm_ids,
            supplemental=supplemental,
            created=created,
            document_seed=document_seed,
            organization_name=organization_name,
            population_sets=population_sets,
        )
    except Qrda3WriteError as exc:
        raise NotWritable(str(exc)) from exc
    left = []
    for x in result.left_out:
        reason = x.reason
        known = (ecqm_ids or {}).get(x.measure_id)
        if x.category == "quality" and known is not None and not known.populations:
            reason = (
                f"its version-specific id ({known.measure_uuid}) is known but not its "
                "population criteria ids, which QRDA III needs; add them to the workspace's "
                "eCQM id list (mipsdesk ecqm-ids import, columns IPOP, DENOM, NUMER, DENEX, "
                "DENEXCEP) or import the EHR's QRDA III file for this measure, or submit it "
                "as QPP JSON"
            )
        left.append(LeftOutMeasure(x.category, x.measure_id, reason))
    return result.xml, left


def workspace_ecqm_ids(
    ws: Workspace,
    year: int,
    given: Mapping[str, EcqmIds] | None = None,
    catalog: Catalog | None = None,
) -> dict[str, EcqmIds]:
    """The eCQM ids the workspace knows for ``year`` (imported QRDA III files, the
    supplied eCQI list) for the measures whose ids the catalog's measures data lacks
    (with ``catalog``; the measures data stays the reference where it has them), with
    ``given`` (the caller's) taking precedence."""
    from desktop_app.importing.ecqm_ids import known_ecqm_ids

    ids = known_ecqm_ids(ws, year)
    if catalog is not None:
        for measure_id in list(ids):
            info = catalog.measure(year, measure_id)
            if info is not None and info.data.get("eMeasureUuid"):
                del ids[measure_id]
    ids.update(given or {})
    return ids


def _entity_supplemental(
    ws: Workspace, entity: EntityKey, submission: Submission
) -> dict[str, list[SupplementalCount]]:
    """Supplemental data counts kept from the entity's imported QRDA III files, for the
    eCQMs whose counts are still those of the file."""
    from desktop_app.importing.ecqm_ids import stored_supplemental

    return stored_supplemental(ws, entity, _ecqm_values(submission))


def _ecqm_values(submission: Submission) -> dict[str, Any]:
    """measureId -> QPP JSON value of the submission's eCQMs."""
    from desktop_app.importing.reader import value_json

    return {
        m.measure_id: value_json(m.value)
        for s in submission.sets("quality")
        if s.submission_method == "electronicHealthRecord"
        for m in s.measurements
    }


def _entity_population_sets(
    ws: Workspace, entity: EntityKey, submission: Submission
) -> dict[str, list[PopulationSetCounts]]:
    """Per-population-set counts kept from the entity's imported QRDA III files, for the
    summed single-rate eCQMs whose counts are still those of the file."""
    from desktop_app.importing.ecqm_ids import stored_population_sets

    return stored_population_sets(ws, entity, _ecqm_values(submission))


def _render_entity_qrda3(
    ws: Workspace,
    entity: EntityKey,
    submission: Submission,
    catalog: Catalog,
    *,
    ecqm_ids: Mapping[str, EcqmIds] | None = None,
    created: datetime | None = None,
    document_seed: str | None = None,
) -> tuple[bytes, list[LeftOutMeasure]]:
    """The entity's QRDA III content with the workspace's eCQM ids, supplemental data and
    population sets (``ecqm_ids`` None: the workspace's for the year)."""
    if ecqm_ids is None:
        ecqm_ids = workspace_ecqm_ids(ws, entity.year, None, catalog)
    practice = ws.practice()
    return render_qrda3(
        submission,
        catalog,
        ecqm_ids=ecqm_ids,
        supplemental=_entity_supplemental(ws, entity, submission),
        population_sets=_entity_population_sets(ws, entity, submission),
        created=created,
        document_seed=document_seed,
        organization_name=practice.name if practice is not None else None,
    )


def render_entity(
    ws: Workspace,
    entity: EntityKey,
    fmt: ExportFormat,
    catalog: Catalog | None,
    *,
    ecqm_ids: Mapping[str, EcqmIds] | None = None,
    validate: bool = True,
    created: datetime | None = None,
    document_seed: str | None = None,
    eligibility_cache: dict[int, Any] | None = None,
) -> RenderedFile:
    """Check, build and (by default) validate one entity's file; nothing is written.

    ``ecqm_ids`` adds to (and overrides) the eCQM ids the workspace knows for the year
    (:func:`workspace_ecqm_ids`), which QRDA III writing and validation use.

    Raises ExportBlocked when the check finds errors (for QRDA III also: a measure the
    writer leaves out because its data must be fixed, see :func:`add_left_out_problems`),
    ExportError when the file can't be made (QRDA III with nothing it can carry) or
    fails validation."""
    if fmt not in FORMATS:
        raise ExportError(f"Unknown format '{fmt}': use qpp-json or qrda3.")
    report = check_entity(ws, entity, catalog, eligibility_cache=eligibility_cache)
    if not report.ok or report.submission is None:
        if fmt == "qrda3" and catalog is not None and entity.year in catalog.years():
            check_qrda3(ws, entity, catalog, report)  # all the problems at once
        raise ExportBlocked([report])
    submission = prepare_submission(report.submission)
    name = file_name(entity, fmt)
    left_out: list[LeftOutMeasure] = []
    ecqm_ids = workspace_ecqm_ids(ws, entity.year, ecqm_ids, catalog)
    if fmt == "qpp-json":
        data = render_qpp_json(submission)
    else:
        if catalog is None:
            raise ExportError(
                "QRDA III export needs the measures catalog (to identify each eCQM). "
                "Update the measures data first, or export QPP JSON."
            )
        data, left_out = _render_entity_qrda3(
            ws,
            entity,
            submission,
            catalog,
            ecqm_ids=ecqm_ids,
            created=created,
            document_seed=document_seed,
        )
        # Every measure left out is listed; one left out for a data problem blocks.
        add_left_out_problems(report, left_out)
        if not report.ok:
            raise ExportBlocked([report])
    rendered = RenderedFile(entity, fmt, name, data, submission, report, left_out)
    if validate:
        from desktop_app.formats.validate import validate_bytes

        rendered.validation = validate_bytes(
            data, name, year=entity.year, catalog=catalog, known_ids=ecqm_ids
        )
        if not rendered.validation.valid:
            problems = "\n".join(f"  - {p.describe()}" for p in rendered.validation.errors[:20])
            raise ExportError(
                f"The {FORMAT_LABELS[fmt]} file for {entity_text(entity)} did not pass "
                f"validation, so it was not written:\n{problems}"
            )
    return rendered


# --------------------------------------------------------------------------- writing
def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` atomically (never half a file); ExportError says why it failed."""
    try:
        _files.atomic_write_bytes(path, data)
    except WriteError as exc:
        raise ExportError(str(exc)) from exc


def _require_parent(path: Path) -> None:
    """Refuse a target whose folder doesn't exist (a typo in the path), rather than
    silently creating folders."""
    parent = path.parent
    if not parent.is_dir():
        what = "is a file, not a folder" if parent.exists() else "does not exist"
        raise ExportError(
            f"Can't write {path}: the folder {parent} {what}. Choose an existing folder "
            "(create it first if it is new)."
        )


def export_entity(
    ws: Workspace,
    entity: EntityKey,
    fmt: ExportFormat,
    catalog: Catalog | None,
    out: Path,
    **kwargs: Any,
) -> ExportResult:
    """Check, render, validate and atomically write one entity's file to ``out``."""
    if not out.is_dir():
        _require_parent(out)
    rendered = render_entity(ws, entity, fmt, catalog, **kwargs)
    if out.is_dir():
        out = out / rendered.file_name
    write_file(out, rendered.data)
    return ExportResult(out, rendered)


def export_all(
    ws: Workspace,
    year: int,
    fmt: ExportFormat,
    catalog: Catalog | None,
    folder: Path,
    *,
    progress: Progress | None = None,
    ecqm_ids: Mapping[str, EcqmIds] | None = None,
    validate: bool = True,
    created: datetime | None = None,
) -> BatchResult:
    """One file per entity of the practice with data for ``year``, plus a manifest.

    eCQM ids: the workspace's for the year, plus ``ecqm_ids`` (see :func:`render_entity`).

    All or nothing: every entity is checked and rendered before anything is written;
    a check error in any entity raises ExportBlocked (listing all of them), and a write
    failure leaves the folder as it was (no partial file, no manifest)."""
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} is a file; give a folder for --all.")
    if not folder.exists():
        _require_parent(folder)  # the named folder is created, not its parents
    choices = export_choices(ws, year)
    if ws.practice() is None:
        raise ExportError("No practice is set up in this workspace: nothing to export.")
    todo = [c for c in choices if c.has_data]
    skipped: list[tuple[str, str]] = [
        (c.text_key, "no quality, PI or improvement activity data")
        for c in choices
        if not c.has_data
    ]
    if not todo:
        raise ExportError(f"No entity of the practice has data for {year}: nothing to export.")
    rendered: list[RenderedFile] = []
    blocked: list[CheckReport] = []
    cache: dict[int, Any] = {}
    total = len(todo) + 1
    for index, choice in enumerate(todo):
        if progress is not None:
            progress(index, total, f"Checking and building {choice.label}")
        try:
            rendered.append(
                render_entity(
                    ws,
                    choice.key,
                    fmt,
                    catalog,
                    ecqm_ids=ecqm_ids,
                    validate=validate,
                    created=created,
                    eligibility_cache=cache,
                )
            )
        except ExportBlocked as exc:
            blocked.extend(exc.reports)
        except WorkspaceError as exc:  # stored data the check didn't read
            report = CheckReport(choice.key)
            report.add(
                "error",
                "STORED_DATA_UNREADABLE",
                f"The stored data of {choice.label} can't be read: {exc}",
                "practice",
            )
            blocked.append(report)
        except NotWritable as exc:
            skipped.append((choice.text_key, str(exc)))
    if blocked:
        raise ExportBlocked(blocked)
    if not rendered:
        raise ExportError(
            "Nothing could be exported:\n" + "\n".join(f"  - {e}: {r}" for e, r in skipped)
        )
    manifest = {
        "software": f"MIPS Desk {__version__}",
        "createdAt": (created or datetime.now(UTC)).isoformat(timespec="seconds"),
        "performanceYear": year,
        "format": fmt,
        "files": [r.manifest_entry() for r in rendered],
        "skipped": [{"entity": e, "reason": r} for e, r in skipped],
    }
    manifest_bytes = (json.dumps(manifest, indent=2) + "\n").encode("utf-8")
    if progress is not None:
        progress(len(todo), total, "Writing the files")
    written = _write_batch(
        folder,
        [(r.file_name, r.data) for r in rendered] + [(manifest_name(year, fmt), manifest_bytes)],
    )
    if progress is not None:
        progress(total, total, "Done")
    return BatchResult(
        folder=folder,
        manifest_path=written[-1],
        files=[ExportResult(p, r) for p, r in zip(written, rendered, strict=False)],
        skipped=skipped,
    )


def _write_batch(folder: Path, items: list[tuple[str, bytes]]) -> list[Path]:
    """Write every file into a staging folder inside ``folder``, then move them in."""
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise ExportError(f"Could not create the folder {folder}: {exc.strerror or exc}") from exc
    staging = folder / f".mipsdesk-export-{uuid.uuid4().hex}"
    try:
        staging.mkdir()
        for name, data in items:
            _files.atomic_write_bytes(staging / name, data)
    except (WriteError, OSError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise ExportError(
            f"The files could not be written to {folder} ({exc}); nothing was exported."
        ) from exc
    targets: list[Path] = []
    try:
        for name, _data in items:
            os.replace(staging / name, folder / name)
            targets.append(folder / name)
    except OSError as exc:
        done = ", ".join(t.name for t in targets) or "none"
        raise ExportError(
            f"Moving the files into {folder} failed ({exc.strerror or exc}); complete files "
            f"moved: {done}. Export again to replace them all."
        ) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return targets
