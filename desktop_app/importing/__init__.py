"""Importing QPP JSON and QRDA III files into a practice workspace (core, no Qt).

Three steps, the same for the command line and the GUI::

    imported = read_import_file(path, catalog)     # ImportRefused: problems + where
    preview = preview_import(ws, imported)         # creations, changes, conflicts
    result = apply_import(ws, preview, resolutions)  # ONE transaction

Nothing is written before :func:`apply_import`, and it writes all or nothing.
"""

from desktop_app.importing.plan import (
    PI_CONFLICT_WARNING,
    ApplyResult,
    Change,
    Conflict,
    Creation,
    ImportApplyError,
    ImportPreview,
    Resolution,
    apply_import,
    preview_import,
)
from desktop_app.importing.reader import (
    ImportedFile,
    ImportProblem,
    ImportRefused,
    MeasureSummary,
    read_import_bytes,
    read_import_file,
)

__all__ = [
    "PI_CONFLICT_WARNING",
    "ApplyResult",
    "Change",
    "Conflict",
    "Creation",
    "ImportApplyError",
    "ImportPreview",
    "ImportProblem",
    "ImportRefused",
    "ImportedFile",
    "MeasureSummary",
    "Resolution",
    "apply_import",
    "preview_import",
    "read_import_bytes",
    "read_import_file",
]
