"""Evidence files (security risk analysis, SAFER Guide self-assessment, EHR report
screenshots, activity documentation) attached to a PI measure or an activity.

Files are kept inside the practice workspace as BLOBs, so the workspace stays one
file per practice and its backups carry the evidence. Each file is capped at
:data:`MAX_EVIDENCE_BYTES`; its SHA-256 is stored and checked on every read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app import paths
from desktop_app.attestation.errors import EvidenceError
from desktop_app.attestation.tables import EVIDENCE_TABLE, ensure_tables
from desktop_app.reporting import EntityKey, stored_values
from desktop_app.rules import RulesError, load_rules

if TYPE_CHECKING:
    from desktop_app.catalog import Catalog
    from desktop_app.store import Workspace

MAX_EVIDENCE_BYTES = 25 * 1024 * 1024
"""25 MB per file: keeps the workspace quick to open and back up."""


@dataclass(frozen=True)
class Evidence:
    id: int
    entity: EntityKey
    category: str
    measure_id: str
    file_name: str
    size: int
    sha256: str
    added_at: str
    added_by: str

    @property
    def size_text(self) -> str:
        if self.size < 1024:
            return f"{self.size} bytes"
        if self.size < 1024 * 1024:
            return f"{self.size / 1024:.0f} KB"
        return f"{self.size / 1024 / 1024:.1f} MB"


_COLUMNS = "id, category, measure_id, file_name, size, sha256, added_at, added_by"


def _row(entity: EntityKey, r: tuple[object, ...]) -> Evidence:
    return Evidence(
        int(r[0]),  # type: ignore[call-overload]
        entity,
        str(r[1]),
        str(r[2]),
        str(r[3]),
        int(r[4]),  # type: ignore[call-overload]
        str(r[5]),
        str(r[6]),
        str(r[7]),
    )


def _safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name.strip()
    cleaned = "".join(c if c.isprintable() and c not in '<>:"/\\|?*' else "_" for c in base)
    return cleaned or "evidence"


def _pi_ids(year: int) -> set[str]:
    """The year's PI measures, their exclusions and active engagement levels, and the
    required attestations."""
    pi = load_rules(year).pi
    ids = {a.measure_id for a in pi.required_attestations.value}
    for objective in pi.objectives.value:
        for option in objective.options:
            for rule in option:
                ids.add(rule.measure_id)
                ids.update(rule.exclusions)
                ids.update(rule.active_engagement)
    return ids


def _is_activity(catalog: Catalog, year: int, measure_id: str) -> bool:
    info = catalog.measure(year, measure_id)
    return info is not None and info.category == "ia"


def _known_activity(
    ws: Workspace, entity: EntityKey, measure_id: str, catalog: Catalog | None
) -> bool | None:
    """Whether ``measure_id`` is one of the year's activities; None when nothing can tell
    (no catalog, and the activity is not recorded for the entity)."""
    if catalog is not None:
        return _is_activity(catalog, entity.year, measure_id)
    path = paths.catalog_path()
    if path.is_file():
        from desktop_app.catalog import Catalog, CatalogError

        try:
            with Catalog.open(path) as user_catalog:
                return _is_activity(user_catalog, entity.year, measure_id)
        except CatalogError:
            pass
    if measure_id == load_rules(entity.year).ia.pcmh_measure_id.value:
        return True
    if any(v.measure_id == measure_id for v in stored_values(ws, entity, "ia")):
        return True
    return None


def check_evidence_target(
    ws: Workspace,
    entity: EntityKey,
    category: str,
    measure_id: str,
    catalog: Catalog | None = None,
) -> None:
    """Refuse evidence for anything but one of the year's PI measures or activities.

    PI measures come from the year's program rules; activities from ``catalog``, else
    the user's built catalog, else the activities recorded for the entity.
    """
    if category not in ("pi", "ia"):
        raise EvidenceError(f"Evidence is kept for PI measures and activities, not '{category}'.")
    try:
        if category == "pi":
            if measure_id not in _pi_ids(entity.year):
                raise EvidenceError(
                    f"{measure_id} is not a {entity.year} Promoting Interoperability measure: "
                    "attach evidence to one of the year's measures (for example PI_PPHI_1, the "
                    "security risk analysis)."
                )
            return
        known = _known_activity(ws, entity, measure_id, catalog)
    except RulesError as exc:
        raise EvidenceError(f"Can't check {measure_id}: {exc}") from exc
    if known is None:
        raise EvidenceError(
            f"Can't check that {measure_id} is a {entity.year} improvement activity: the "
            "measures catalog is not built. Build it (Help menu, or `mipsdesk catalog build`) "
            "and attach the file again, or mark the activity Completed first."
        )
    if not known:
        raise EvidenceError(
            f"{measure_id} is not a {entity.year} improvement activity: attach evidence to one "
            f"of the year's activities (search them on the Improvement Activities page)."
        )


def add_evidence_bytes(
    ws: Workspace,
    entity: EntityKey,
    category: str,
    measure_id: str,
    file_name: str,
    content: bytes,
    *,
    added_at: str | None = None,
    added_by: str | None = None,
    catalog: Catalog | None = None,
) -> Evidence:
    """Keep ``content`` as evidence for one of the year's PI measures or activities
    (checked: see :func:`check_evidence_target`); audited."""
    ensure_tables(ws)
    check_evidence_target(ws, entity, category, measure_id, catalog)
    if len(content) > MAX_EVIDENCE_BYTES:
        raise EvidenceError(
            f"{file_name} is {len(content) / 1024 / 1024:.1f} MB; evidence files can be at most "
            f"{MAX_EVIDENCE_BYTES // 1024 // 1024} MB each. Save a smaller copy (for example a "
            "PDF of only the pages that matter, or a compressed screenshot) and attach that."
        )
    if not content:
        raise EvidenceError(f"{file_name} is empty: attach the file that holds the evidence.")
    name = _safe_name(file_name)
    digest = hashlib.sha256(content).hexdigest()
    at = added_at or dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    by = added_by or ws.user
    with ws.write(EVIDENCE_TABLE) as db:
        cur = db.execute(
            f"INSERT INTO {EVIDENCE_TABLE} (year, tin, npi, category, measure_id, file_name, "  # noqa: S608
            "size, sha256, added_at, added_by, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                entity.year,
                entity.tin,
                entity.npi or "",
                category,
                measure_id,
                name,
                len(content),
                digest,
                at,
                by,
                content,
            ],
        )
        new_id = int(cur.lastrowid or 0)
        ws.audit(
            EVIDENCE_TABLE,
            f"{entity.year}/{entity.tin}/{entity.npi or '-'}/{category}/{measure_id}/{new_id}",
            "insert",
            None,
            {"file_name": name, "size": len(content), "sha256": digest},
        )
    return Evidence(new_id, entity, category, measure_id, name, len(content), digest, at, by)


def add_evidence(
    ws: Workspace,
    entity: EntityKey,
    category: str,
    measure_id: str,
    path: Path,
    *,
    catalog: Catalog | None = None,
) -> Evidence:
    """Attach the file at ``path`` (read fully; the original is not needed afterwards)."""
    ensure_tables(ws)
    check_evidence_target(ws, entity, category, measure_id, catalog)
    try:
        size = path.stat().st_size
        if size > MAX_EVIDENCE_BYTES:
            raise EvidenceError(
                f"{path.name} is {size / 1024 / 1024:.1f} MB; evidence files can be at most "
                f"{MAX_EVIDENCE_BYTES // 1024 // 1024} MB each. Save a smaller copy (for example "
                "a PDF of only the pages that matter) and attach that."
            )
        content = path.read_bytes()
    except OSError as exc:
        raise EvidenceError(f"Can't read {path}: {exc.strerror or exc}.") from exc
    return add_evidence_bytes(ws, entity, category, measure_id, path.name, content, catalog=catalog)


def list_evidence(
    ws: Workspace,
    entity: EntityKey,
    category: str | None = None,
    measure_id: str | None = None,
) -> list[Evidence]:
    ensure_tables(ws)
    sql = f"SELECT {_COLUMNS} FROM {EVIDENCE_TABLE} WHERE year = ? AND tin = ? AND npi = ?"  # noqa: S608
    params: list[object] = [entity.year, entity.tin, entity.npi or ""]
    if category is not None:
        sql += " AND category = ?"
        params.append(category)
    if measure_id is not None:
        sql += " AND measure_id = ?"
        params.append(measure_id)
    rows = ws.db.execute(sql + " ORDER BY category, measure_id, id", params).fetchall()
    return [_row(entity, r) for r in rows]


def evidence_content(ws: Workspace, evidence: Evidence) -> bytes:
    """The file's bytes, after checking them against the stored SHA-256."""
    ensure_tables(ws)
    row = ws.db.execute(
        f"SELECT content, sha256 FROM {EVIDENCE_TABLE} WHERE id = ?",  # noqa: S608
        [evidence.id],
    ).fetchone()
    if row is None:
        raise EvidenceError(f"{evidence.file_name} is no longer attached.")
    content = bytes(row[0])
    if hashlib.sha256(content).hexdigest() != row[1]:
        raise EvidenceError(
            f"{evidence.file_name} does not match its recorded SHA-256: the workspace copy is "
            "damaged. Restore the workspace from a backup or attach the file again."
        )
    return content


def remove_evidence(ws: Workspace, evidence: Evidence) -> bytes:
    """Detach a file (audited); returns its content so the removal can be undone."""
    content = evidence_content(ws, evidence)
    with ws.write(EVIDENCE_TABLE) as db:
        db.execute(f"DELETE FROM {EVIDENCE_TABLE} WHERE id = ?", [evidence.id])  # noqa: S608
        ws.audit(
            EVIDENCE_TABLE,
            f"{evidence.entity.year}/{evidence.entity.tin}/{evidence.entity.npi or '-'}/"
            f"{evidence.category}/{evidence.measure_id}/{evidence.id}",
            "delete",
            {"file_name": evidence.file_name, "size": evidence.size, "sha256": evidence.sha256},
            None,
        )
    return content
