"""Previewing an import against a workspace, and applying it in one transaction.

:func:`preview_import` compares what the file holds with what the workspace has for
the same reporting entity and year and lists:

- what will be **created** when the workspace doesn't know them yet: the practice
  (a fresh workspace), the clinician (individual files), the reporting entity;
- the **changes**: measures added, unchanged, or replaced;
- the **conflicts**: a measure the workspace already has with other values, or set
  details (CEHRT ID, performance period) that differ; and Promoting Interoperability
  data already entered through another submission method, which CMS would score 0;
- anything that **blocks** the import: the file belongs to another practice (TIN), or
  the entity's data entry is locked until an election is confirmed.

:func:`apply_import` writes everything in ONE workspace transaction (all or nothing),
after checking that the workspace has not changed since the preview.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from desktop_app.importing import ecqm_ids
from desktop_app.importing.reader import CATEGORY_LABELS, ImportedFile, value_json
from desktop_app.models.practice import Clinician, Practice, ReportingEntity
from desktop_app.quality.store import prepare_workspace
from desktop_app.reporting import (
    EntityKey,
    build_submission,
    delete_value,
    save_set_fields,
    save_value,
    stored_values,
)

if TYPE_CHECKING:
    from desktop_app.store import Workspace

Resolution = Literal["keep", "replace"]
PI_CONFLICT_WARNING = (
    "CMS scores the Promoting Interoperability category 0 when it receives conflicting PI "
    "data (the same entity's PI reported by more than one submission method). Keep only "
    "one source of PI data."
)
PI_CONSENT_FOR_IMPORT = (
    "Importing this file's Promoting Interoperability data includes PI in the final "
    "score instead, and that can't be undone: agree to that first, or import a file "
    "without PI data."
)
IMPORT_AUDIT_TABLE = "imports"
EHR = "electronicHealthRecord"


class ImportApplyError(ValueError):
    """The import can't be applied as asked (blocked, undecided conflicts, stale preview)."""


@dataclass(frozen=True)
class Creation:
    kind: Literal["practice", "clinician", "reporting_entity"]
    description: str


@dataclass(frozen=True)
class Change:
    action: Literal["add", "unchanged", "replace"]
    category: str
    submission_method: str
    program_name: str
    measure_id: str
    title: str
    detail: str
    value: Any

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "category": self.category,
            "submissionMethod": self.submission_method,
            "programName": self.program_name,
            "measureId": self.measure_id,
            "title": self.title,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Conflict:
    """Imported and existing data disagree; the user chooses 'keep' or 'replace'."""

    key: str
    kind: Literal["value", "set", "pi_method"]
    category: str
    measure_id: str | None
    submission_method: str
    program_name: str
    message: str
    current: Any
    imported: Any
    warning: str | None = None
    """For PI: CMS scores conflicting PI data 0."""
    keep_label: str = "Keep what the workspace has"
    replace_label: str = "Use the file's data"

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "category": self.category,
            "measureId": self.measure_id,
            "submissionMethod": self.submission_method,
            "programName": self.program_name,
            "message": self.message,
            "current": self.current,
            "imported": self.imported,
            "warning": self.warning,
            "choices": {"keep": self.keep_label, "replace": self.replace_label},
        }


@dataclass
class ImportPreview:
    file: ImportedFile
    entity: EntityKey
    creations: list[Creation] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    blocked: str | None = None
    warnings: list[str] = field(default_factory=list)
    pi_consent_required: str | None = None
    """Set when PI is reweighted to 0% for the entity and nobody has agreed yet that PI
    will be scored: importing the file's PI data needs that agreement (as entering it
    by hand does), and says why."""

    @property
    def can_apply(self) -> bool:
        return self.blocked is None

    def writes_pi(self, resolutions: dict[str, Resolution] | None = None) -> bool:
        """Whether applying writes PI data: with ``resolutions``, as chosen so far (a
        conflict without a choice writes nothing yet); without, whether it may."""
        chosen = resolutions or {}
        if any(c.kind == "pi_method" and chosen.get(c.key) == "keep" for c in self.conflicts):
            return False  # the file's PI is left out altogether
        if any(c.category == "pi" and c.action != "unchanged" for c in self.changes):
            return True
        return any(
            c.category == "pi" and (resolutions is None or chosen.get(c.key) == "replace")
            for c in self.conflicts
        )

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)

    def adds_depending_on_choices(self) -> int:
        """Measures counted as added that are written only for one choice: the file's PI
        measures, when PI data from another submission method is a conflict ("Keep"
        leaves the file's PI out)."""
        if not any(c.kind == "pi_method" for c in self.conflicts):
            return 0
        return sum(1 for c in self.changes if c.action == "add" and c.category == "pi")

    def counts_text(self) -> str:
        """What will be added, the same and to decide, true whatever the user chooses."""
        added, depending = self.count("add"), self.adds_depending_on_choices()
        if depending:
            head = (
                f"Up to {added} measure(s) will be added ({depending} of them only if you use "
                "the file's Promoting Interoperability data)"
            )
        else:
            head = f"{added} measure(s) will be added"
        return (
            f"{head}, {self.count('unchanged')} are already the same, "
            f"{len(self.conflicts)} conflict(s) need your choice."
        )

    def signature(self) -> tuple[Any, ...]:
        """What the workspace looked like at preview time (to detect a stale preview)."""
        return (
            tuple(c.description for c in self.creations),
            tuple((c.action, c.category, c.submission_method, c.measure_id) for c in self.changes),
            tuple((c.key, repr(c.current)) for c in self.conflicts),
            self.blocked,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file.summary(),
            "entity": {
                "year": self.entity.year,
                "tin": self.entity.tin,
                "npi": self.entity.npi,
                "label": self.entity.label,
            },
            "canApply": self.can_apply,
            "blocked": self.blocked,
            "creates": [{"kind": c.kind, "description": c.description} for c in self.creations],
            "changes": [c.as_dict() for c in self.changes],
            "counts": {
                "add": self.count("add"),
                "addDependsOnChoices": self.adds_depending_on_choices(),
                "replace": self.count("replace"),
                "unchanged": self.count("unchanged"),
                "conflicts": len(self.conflicts),
            },
            "conflicts": [c.as_dict() for c in self.conflicts],
            "warnings": self.warnings,
            "piConsentRequired": self.pi_consent_required,
        }

    def summary_lines(self) -> list[str]:
        lines = list(self.file.summary_lines())
        lines.append("")
        if self.blocked:
            lines.append(f"Can't import: {self.blocked}")
            return lines
        lines.append("What would change in the workspace:")
        for c in self.creations:
            lines.append(f"  Create {c.description}")
        lines.append(f"  {self.counts_text()}")
        for ch in self.changes:
            if ch.action == "add":
                lines.append(f"  + {CATEGORY_LABELS[ch.category]} {ch.measure_id}: {ch.detail}")
        for cf in self.conflicts:
            lines.append(f"  ! {cf.message}")
            if cf.warning:
                lines.append(f"    Warning: {cf.warning}")
        for w in self.warnings:
            lines.append(f"  Note: {w}")
        if self.pi_consent_required:
            lines.append(f"  Agreement needed: {self.pi_consent_required}")
        return lines


def _describe_value(category: str, value: Any) -> str:
    if isinstance(value, bool):
        if category == "ia":
            return "performed" if value else "not performed"
        return "yes" if value else "no"
    if isinstance(value, dict):
        if "strata" in value:
            return "; ".join(
                f"{s.get('stratum')}: met {s.get('performanceMet')} of "
                f"{s.get('eligiblePopulation')}"
                for s in value["strata"]
            )
        if "eligiblePopulation" in value:
            return (
                f"eligible population {value.get('eligiblePopulation')}, met "
                f"{value.get('performanceMet')}, not met {value.get('performanceNotMet', 0)}, "
                f"exclusions {value.get('eligiblePopulationExclusion', 0)}, exceptions "
                f"{value.get('eligiblePopulationException', 0)}"
            )
        if "numerator" in value:
            return f"numerator {value.get('numerator')} / denominator {value.get('denominator')}"
    return str(value)


def _same(a: Any, b: Any) -> bool:
    """Equal values; a missing optional count equals 0 and isEndToEndReported is ignored."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = (set(a) | set(b)) - {"isEndToEndReported"}
        for k in keys:
            x, y = a.get(k), b.get(k)
            if k == "strata":
                if not isinstance(x, list) or not isinstance(y, list) or len(x) != len(y):
                    return False
                xs = {str(s.get("stratum")): s for s in x}
                ys = {str(s.get("stratum")): s for s in y}
                if set(xs) != set(ys) or not all(_same(xs[n], ys[n]) for n in xs):
                    return False
            elif (x or 0) != (y or 0):
                return False
        return True
    return bool(a == b)


def _entity_of(imported: ImportedFile) -> EntityKey:
    return EntityKey(imported.year, imported.tin, imported.npi)


def _reporting_option(program_name: str) -> str | None:
    """The reporting option a file's programName implies, if ReportingEntity accepts it."""
    if program_name == "mips":
        return "traditional"
    try:
        return ReportingEntity(
            year=2025, tin="000000000", reporting_option=program_name
        ).reporting_option
    except ValueError:
        return None


def preview_import(ws: Workspace, imported: ImportedFile) -> ImportPreview:
    """What applying ``imported`` to ``ws`` would do (nothing is written)."""
    from desktop_app.elections import data_entry_allowed

    prepare_workspace(ws)

    entity = _entity_of(imported)
    preview = ImportPreview(file=imported, entity=entity)
    practice = ws.practice()
    if practice is None:
        preview.creations.append(
            Creation("practice", f"the practice with TIN {imported.tin} (name to be filled in)")
        )
    elif practice.tin != imported.tin:
        preview.blocked = (
            f"The file is for TIN {imported.tin}, but this workspace is for {practice.name} "
            f"(TIN {practice.tin}). Import it into that practice's workspace (one workspace per "
            "practice)."
        )
        return preview
    if imported.npi is not None and ws.clinician(imported.npi) is None:
        preview.creations.append(
            Creation("clinician", f"the clinician with NPI {imported.npi} (name to be filled in)")
        )
    entities = ws.reporting_entities(imported.year)
    existing = next((e for e in entities if e.tin == imported.tin and e.npi == imported.npi), None)
    held = stored_values(ws, entity)
    if existing is None and held:
        # Data was entered for the entity without a stored reporting entity row: it
        # exists already, as traditional MIPS (what exporting assumes without a row).
        existing = ReportingEntity(year=imported.year, tin=imported.tin, npi=imported.npi)
    programs = {s.program_name for s in imported.submission.measurement_sets}
    if existing is None:
        option = next((p for p in programs if p != "mips"), "mips")
        shown = _reporting_option(option)
        who = f"TIN {entity.tin}" + (f" / NPI {entity.npi}" if entity.npi else " (group)")
        how = "traditional MIPS" if shown in (None, "traditional") else f"MVP {shown}"
        preview.creations.append(
            Creation("reporting_entity", f"the reporting entity {who} for {imported.year} ({how})")
        )
        if shown is None:
            preview.warnings.append(
                f"The file reports under program {option}; the reporting entity is created "
                "as traditional MIPS and the measures keep the file's program name."
            )
    else:
        for p in programs:
            if p != "mips" and existing.reporting_option != (_reporting_option(p) or p):
                preview.warnings.append(
                    f"The file reports under {p}, but {entity.label} is set to "
                    f"{existing.reporting_option}; the measures are stored under {p}."
                )
    allowed, reason = data_entry_allowed(ws, entity, imported.year)
    if not allowed:
        preview.blocked = reason
        return preview
    current = {
        (v.category, v.submission_method, v.program_name, v.measure_id): v.value for v in held
    }
    titles = {(m.category, m.measure_id): m.title for m in imported.measures}
    file_pi_methods = {s.submission_method for s in imported.submission.sets("pi")}
    for s in imported.submission.measurement_sets:
        for m in s.measurements:
            new = value_json(m.value)
            key = (s.category, s.submission_method, s.program_name, m.measure_id)
            title = titles.get((s.category, m.measure_id), m.measure_id)
            detail = _describe_value(s.category, new)
            if key not in current or _same(current[key], new):
                action: Literal["add", "unchanged"] = "add" if key not in current else "unchanged"
                preview.changes.append(
                    Change(
                        action,
                        s.category,
                        s.submission_method,
                        s.program_name,
                        m.measure_id,
                        title,
                        detail,
                        new,
                    )
                )
            else:
                preview.conflicts.append(
                    Conflict(
                        key="value:" + "/".join(key),
                        kind="value",
                        category=s.category,
                        measure_id=m.measure_id,
                        submission_method=s.submission_method,
                        program_name=s.program_name,
                        message=(
                            f"{CATEGORY_LABELS[s.category]} {m.measure_id} ({title}): the "
                            f"workspace has {_describe_value(s.category, current[key])}; the "
                            f"file has {detail}."
                        ),
                        current=current[key],
                        imported=new,
                        warning=PI_CONFLICT_WARNING if s.category == "pi" else None,
                    )
                )
    # PI entered through another submission method: CMS scores conflicting PI data 0.
    if file_pi_methods:
        others = sorted(
            {(k[1], k[2]) for k in current if k[0] == "pi" and k[1] not in file_pi_methods}
        )
        for method, program in others:
            ids = sorted(
                k[3] for k in current if k[0] == "pi" and k[1] == method and k[2] == program
            )
            preview.conflicts.append(
                Conflict(
                    key=f"pi_method:{method}/{program}",
                    kind="pi_method",
                    category="pi",
                    measure_id=None,
                    submission_method=method,
                    program_name=program,
                    message=(
                        f"The workspace already has Promoting Interoperability data entered as "
                        f"{method} ({', '.join(ids)}); the file brings PI data as "
                        f"{', '.join(sorted(file_pi_methods))}."
                    ),
                    current={"measures": ids},
                    imported={"submissionMethods": sorted(file_pi_methods)},
                    warning=PI_CONFLICT_WARNING,
                    keep_label="Keep the workspace's PI data (don't import the file's PI)",
                    replace_label="Use the file's PI data (remove the other PI entries)",
                )
            )
    # Set details (CEHRT ID, performance period) that differ.
    existing_sets = {
        (s.category, s.submission_method, s.program_name): s
        for s in build_submission(ws, entity).measurement_sets
    }
    for s in imported.submission.measurement_sets:
        cur = existing_sets.get((s.category, s.submission_method, s.program_name))
        if cur is None:
            continue
        diffs = []
        for label, a, b in (
            ("CEHRT ID", cur.cehrt_id, s.cehrt_id),
            ("performance start", cur.performance_start, s.performance_start),
            ("performance end", cur.performance_end, s.performance_end),
        ):
            if a is not None and b is not None and a != b:
                diffs.append(f"{label} {a} in the workspace, {b} in the file")
        if diffs:
            preview.conflicts.append(
                Conflict(
                    key=f"set:{s.category}/{s.submission_method}/{s.program_name}",
                    kind="set",
                    category=s.category,
                    measure_id=None,
                    submission_method=s.submission_method,
                    program_name=s.program_name,
                    message=f"{CATEGORY_LABELS[s.category]} ({s.submission_method}): "
                    + "; ".join(diffs)
                    + ".",
                    current={
                        "cehrtId": cur.cehrt_id,
                        "performanceStart": str(cur.performance_start)
                        if cur.performance_start
                        else None,
                        "performanceEnd": str(cur.performance_end) if cur.performance_end else None,
                    },
                    imported={
                        "cehrtId": s.cehrt_id,
                        "performanceStart": str(s.performance_start)
                        if s.performance_start
                        else None,
                        "performanceEnd": str(s.performance_end) if s.performance_end else None,
                    },
                    warning=PI_CONFLICT_WARNING if s.category == "pi" else None,
                )
            )
    if preview.writes_pi():
        reweighted = _pi_consent_needed(ws, preview)
        if reweighted is not None:
            preview.pi_consent_required = f"{reweighted} {PI_CONSENT_FOR_IMPORT}"
    return preview


def _pi_consent_needed(ws: Workspace, preview: ImportPreview) -> str | None:
    """Why writing PI data needs the user's agreement first (PI reweighted to 0% and not
    agreed yet), or None, as the workspace will be once the import has created what it
    creates (a new clinician can make the practice a small one)."""
    from desktop_app.attestation.entity import pi_consent_needed
    from desktop_app.attestation.tables import ensure_tables

    ensure_tables(ws)  # any migration runs before the rehearsal, never inside it
    if not preview.creations:
        return pi_consent_needed(ws, preview.entity)
    with ws.rehearsal():
        _create_records(ws, preview, None, None)
        return pi_consent_needed(ws, preview.entity)


def _create_records(
    ws: Workspace,
    preview: ImportPreview,
    practice_name: str | None,
    clinician_name: tuple[str, str] | None,
) -> list[str]:
    """Create the practice, clinician and reporting entity the preview says are new."""
    imported = preview.file
    created: list[str] = []
    for made in preview.creations:
        if made.kind == "practice":
            ws.save_practice(
                Practice(
                    tin=imported.tin,
                    name=(practice_name or "").strip() or f"Practice TIN {imported.tin}",
                )
            )
        elif made.kind == "clinician":
            assert imported.npi is not None
            first, last = clinician_name or ("", "")
            ws.add_clinician(
                Clinician(
                    npi=imported.npi,
                    first_name=first.strip() or "Imported",
                    last_name=last.strip() or f"NPI {imported.npi}",
                    clinician_type="OTHER",
                )
            )
        else:
            programs = [
                s.program_name
                for s in imported.submission.measurement_sets
                if s.program_name != "mips"
            ]
            option = _reporting_option(programs[0]) if programs else "traditional"
            ws.save_reporting_entity(
                ReportingEntity(
                    year=imported.year,
                    tin=imported.tin,
                    npi=imported.npi,
                    reporting_option=option or "traditional",
                )
            )
        created.append(made.description)
    return created


def _agree_to_pi_scoring(ws: Workspace, preview: ImportPreview, agreed: bool) -> None:
    """PI data was written (inside the import's transaction): if PI is reweighted to 0%
    for the entity and nobody has agreed yet, record the agreement or refuse (which
    rolls the whole import back)."""
    from desktop_app.attestation.entity import pi_consent_needed, record_pi_consent

    reweighted = pi_consent_needed(ws, preview.entity)
    if reweighted is None:
        return
    if not agreed:
        raise ImportApplyError(
            preview.pi_consent_required or f"{reweighted} {PI_CONSENT_FOR_IMPORT}"
        )
    record_pi_consent(ws, preview.entity, agreed=True)


def _set_fields_text(conflict: Conflict) -> str:
    """Which set details a set conflict is about: 'CEHRT ID and performance period'."""
    cur, new = conflict.current, conflict.imported
    fields = []
    if cur.get("cehrtId") and new.get("cehrtId") and cur["cehrtId"] != new["cehrtId"]:
        fields.append("CEHRT ID")
    if any(
        cur.get(k) and new.get(k) and cur[k] != new[k]
        for k in ("performanceStart", "performanceEnd")
    ):
        fields.append("performance period")
    return " and ".join(fields) or "set details"


@dataclass(frozen=True)
class ApplyResult:
    created: list[str]
    added: int
    """Measures the workspace didn't have in any form."""
    replaced: int
    """The file's values written over the workspace's: conflicts resolved "replace", and
    the file's PI measures that take the place of the same measures of another PI source."""
    kept: int
    """Conflicting values where the workspace's value was kept."""
    unchanged: int
    removed: int = 0
    """Measures of another PI source removed ("use the file's PI data") that the file
    doesn't report."""
    not_imported: int = 0
    """The file's PI measures left out ("keep the workspace's PI data")."""
    sets_replaced: list[str] = field(default_factory=list)
    """Set-level choices where the file's data was used (a PI source, a CEHRT ID or
    performance period)."""
    sets_kept: list[str] = field(default_factory=list)
    """Set-level choices where the workspace's data was kept."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "added": self.added,
            "replaced": self.replaced,
            "kept": self.kept,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "notImported": self.not_imported,
            "setsReplaced": self.sets_replaced,
            "setsKept": self.sets_kept,
        }

    def summary_text(self) -> str:
        """One line of counts, then one line per set-level choice."""
        parts = [
            f"{self.added} added",
            f"{self.replaced} replaced",
            f"{self.kept} kept as they were",
            f"{self.unchanged} unchanged",
        ]
        if self.removed:
            parts.append(f"{self.removed} removed")
        if self.not_imported:
            parts.append(f"{self.not_imported} of the file's not imported")
        lines = [", ".join(parts) + "."]
        lines += [f"Replaced with the file's: {text}" for text in self.sets_replaced]
        lines += [f"Kept the workspace's: {text}" for text in self.sets_kept]
        return "\n".join(lines)


def apply_import(
    ws: Workspace,
    preview: ImportPreview,
    resolutions: dict[str, Resolution] | None = None,
    *,
    default: Resolution | None = None,
    practice_name: str | None = None,
    clinician_name: tuple[str, str] | None = None,
    agree_pi_scoring: bool = False,
) -> ApplyResult:
    """Write the previewed import in one transaction; nothing is written if anything fails.

    Every conflict needs a resolution ('keep' or 'replace'), from ``resolutions`` (by
    conflict key) or ``default``. ``practice_name`` and ``clinician_name`` (first, last)
    name what the import creates; without them neutral names are used that say where the
    record came from (editable on the Practice page). When the preview says PI data
    needs the user's agreement (``pi_consent_required``), ``agree_pi_scoring`` gives it:
    the agreement is recorded (user, time, audit log) in the same transaction.
    """
    if preview.blocked:
        raise ImportApplyError(preview.blocked)
    resolutions = dict(resolutions or {})
    for c in preview.conflicts:
        if c.key not in resolutions:
            if default is None:
                raise ImportApplyError(f"Choose what to do with this conflict first: {c.message}")
            resolutions[c.key] = default
    imported = preview.file
    entity = preview.entity
    prepare_workspace(ws)
    ecqm_ids.prepare(ws)
    added = replaced = kept = unchanged = not_imported = 0
    sets_replaced: list[str] = []
    sets_kept: list[str] = []
    holds_file_value: dict[str, Any] = {}
    """eCQM measureId -> the file's value, for measures the workspace holds as in the file."""
    with ws.write(IMPORT_AUDIT_TABLE):
        fresh = preview_import(ws, imported)
        if fresh.signature() != preview.signature():
            raise ImportApplyError(
                "The workspace changed since this preview was made; preview the import again."
            )
        created = _create_records(ws, preview, practice_name, clinician_name)
        skip_pi = any(
            c.kind == "pi_method" and resolutions[c.key] == "keep" for c in preview.conflicts
        )
        pi_written = False
        removed_pi: set[str] = set()
        """Measure ids of other PI sources removed: the file's same measures replace them."""
        for c in preview.conflicts:
            if c.kind == "pi_method":
                source = (
                    f"Promoting Interoperability data entered as {c.submission_method}"
                    + (f" for {c.program_name}" if c.program_name != "mips" else "")
                    + f" ({', '.join(c.current['measures'])})"
                )
                if resolutions[c.key] == "keep":
                    sets_kept.append(f"{source}; the file's PI data was not imported.")
                    continue
                sets_replaced.append(f"{source}, removed; the file's PI data used instead.")
                removed_pi.update(c.current["measures"])
                for mid in c.current["measures"]:
                    delete_value(
                        ws,
                        entity,
                        "pi",
                        mid,
                        submission_method=c.submission_method,
                        program_name=c.program_name,
                    )
        conflict_by_key = {c.key: c for c in preview.conflicts}
        for s in imported.submission.measurement_sets:
            if s.category == "pi" and skip_pi:
                not_imported += len(s.measurements)
                continue
            set_conflict = conflict_by_key.get(
                f"set:{s.category}/{s.submission_method}/{s.program_name}"
            )
            for m in s.measurements:
                key = "value:" + "/".join(
                    (s.category, s.submission_method, s.program_name, m.measure_id)
                )
                change = next(
                    (
                        ch
                        for ch in preview.changes
                        if (ch.category, ch.submission_method, ch.program_name, ch.measure_id)
                        == (s.category, s.submission_method, s.program_name, m.measure_id)
                    ),
                    None,
                )
                if key in conflict_by_key:
                    if resolutions[key] == "keep":
                        kept += 1
                        continue
                    replaced += 1
                elif change is not None and change.action == "unchanged":
                    unchanged += 1
                    if s.category == "quality" and s.submission_method == EHR:
                        holds_file_value[m.measure_id] = value_json(m.value)
                    continue
                elif s.category == "pi" and m.measure_id in removed_pi:
                    replaced += 1  # takes the place of the same measure of the other source
                else:
                    added += 1
                pi_written = pi_written or s.category == "pi"
                if s.category == "quality" and s.submission_method == EHR:
                    holds_file_value[m.measure_id] = value_json(m.value)
                save_value(
                    ws,
                    entity,
                    s.category,
                    m.measure_id,
                    value_json(m.value),
                    submission_method=s.submission_method,
                    program_name=s.program_name,
                )
            if set_conflict is not None:
                what = f"{CATEGORY_LABELS[s.category]} ({s.submission_method}) " + _set_fields_text(
                    set_conflict
                )
                if resolutions[set_conflict.key] == "keep":
                    sets_kept.append(what)
                else:
                    sets_replaced.append(what)
            if s.cehrt_id or s.performance_start or s.performance_end:
                if set_conflict is not None and resolutions[set_conflict.key] == "keep":
                    continue
                current = next(
                    (
                        x
                        for x in build_submission(ws, entity).measurement_sets
                        if (x.category, x.submission_method, x.program_name)
                        == (s.category, s.submission_method, s.program_name)
                    ),
                    None,
                )
                pi_written = pi_written or s.category == "pi"
                save_set_fields(
                    ws,
                    entity,
                    s.category,
                    submission_method=s.submission_method,
                    program_name=s.program_name,
                    cehrt_id=s.cehrt_id or (current.cehrt_id if current else None),
                    performance_start=s.performance_start
                    or (current.performance_start if current else None),
                    performance_end=s.performance_end
                    or (current.performance_end if current else None),
                )
        if imported.ecqm_ids:
            # The version-specific ids the file carries (and its supplemental data for the
            # measures now held as in the file), for exporting QRDA III later.
            ecqm_ids.save_imported_ids(
                ws,
                entity,
                imported.ecqm_ids,
                imported.supplemental,
                holds_file_value,
                source=Path(imported.source).name,
                emeasure_ids=imported.emeasure_ids,
                population_sets=imported.population_sets,
            )
        if pi_written:
            _agree_to_pi_scoring(ws, preview, agree_pi_scoring)
        file_pi = {m.measure_id for x in imported.submission.sets("pi") for m in x.measurements}
        result = ApplyResult(
            created,
            added,
            replaced,
            kept,
            unchanged,
            removed=len(removed_pi - file_pi),
            not_imported=not_imported,
            sets_replaced=sets_replaced,
            sets_kept=sets_kept,
        )
        ws.audit(
            IMPORT_AUDIT_TABLE,
            f"{entity.label}",
            "import",
            None,
            {"file": imported.source, "format": imported.format, **result.as_dict()},
        )
    return result
