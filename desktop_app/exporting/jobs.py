"""Export and validation as self-contained jobs, for worker threads.

SQLite connections belong to the thread that opened them, so a job opens its own
workspace and catalog connections from their paths and closes them when done.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.exporting.export import (
    BatchResult,
    ExportFormat,
    ExportResult,
    Progress,
    export_all,
    export_entity,
)
from desktop_app.reporting import EntityKey

if TYPE_CHECKING:
    from desktop_app.catalog import Catalog
    from desktop_app.formats.qrda3.model import EcqmIds
    from desktop_app.formats.validate import ValidationReport


def _open_catalog(catalog_path: Path | None) -> Catalog | None:
    if catalog_path is None:
        return None
    from desktop_app.catalog import Catalog, CatalogError

    try:
        return Catalog.open(catalog_path)
    except CatalogError:
        return None


def export_job(
    workspace_path: Path,
    user: str,
    catalog_path: Path | None,
    fmt: ExportFormat,
    out: Path,
    *,
    year: int,
    entity: EntityKey | None = None,
    progress: Progress | None = None,
) -> ExportResult | BatchResult:
    """Export one entity (``entity``) or every entity of the practice (``entity`` None)
    with connections of the calling thread; raises what export_entity/export_all raise."""
    from desktop_app.store import Workspace

    catalog = _open_catalog(catalog_path)
    try:
        with Workspace.open(workspace_path, user=user) as ws:
            if entity is None:
                return export_all(ws, year, fmt, catalog, out, progress=progress)
            if progress is not None:
                progress(0, 2, "Checking and building the file")
            result = export_entity(ws, entity, fmt, catalog, out)
            if progress is not None:
                progress(2, 2, "Done")
            return result
    finally:
        if catalog is not None:
            catalog.close()


def validate_job(
    path: Path,
    catalog_path: Path | None,
    year: int | None = None,
    *,
    workspace_path: Path | None = None,
    user: str | None = None,
) -> ValidationReport:
    """Validate a QPP JSON or QRDA III file (see desktop_app.formats.validate).

    With ``workspace_path``, the eCQM ids that workspace knows for the file's year (an
    imported QRDA III file, the supplied eCQI list) identify eCQMs the measures data
    has no id for."""
    from desktop_app.formats.validate import validate_file

    catalog = _open_catalog(catalog_path)
    try:
        known = None
        if workspace_path is not None and workspace_path.exists():
            known = workspace_known_ids(path, workspace_path, user, year)
        return validate_file(path, year=year, catalog=catalog, known_ids=known)
    finally:
        if catalog is not None:
            catalog.close()


def workspace_known_ids(
    path: Path, workspace_path: Path, user: str | None = None, year: int | None = None
) -> dict[str, EcqmIds] | None:
    """The eCQM ids a workspace knows for the performance year of the file at ``path``
    (or ``year``); None when the file can't be read (validation then says why)."""
    from desktop_app.formats.qrda3.safe_xml import MAX_BYTES, UnsafeXmlError, read_limited
    from desktop_app.importing.ecqm_ids import known_ecqm_ids
    from desktop_app.importing.reader import known_ids_for_file
    from desktop_app.store import Workspace

    try:
        data = read_limited(path, MAX_BYTES)
    except (OSError, UnsafeXmlError):
        return None
    with Workspace.open(workspace_path, user=user) as ws:
        if year is not None:
            return known_ecqm_ids(ws, year)
        found = known_ids_for_file(data, lambda y: known_ecqm_ids(ws, y))
        return dict(found) if found is not None else None
