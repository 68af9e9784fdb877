"""Exporting a practice's data: pre-export check, QPP JSON / QRDA III files, summary.

Public API::

    from desktop_app.exporting import (
        check_entity, CheckReport, ExportProblem,          # the pre-export check
        check_qrda3, add_left_out_problems, left_out_by_design,  # what QRDA III leaves out
        render_entity, export_entity, export_all,          # files
        ExportError, ExportBlocked, NotWritable, RenderedFile, ExportResult, BatchResult,
        export_choices, EntityChoice, parse_entity,        # which entities
        build_summary, summary_html, AttestationSummary,   # the attestation summary
    )
"""

from desktop_app.exporting.check import (
    STEP_TITLES,
    CheckReport,
    ExportProblem,
    check_entity,
    entity_text,
)
from desktop_app.exporting.entities import (
    EntityChoice,
    EntityChoiceError,
    export_choices,
    parse_entity,
)
from desktop_app.exporting.export import (
    FORMAT_LABELS,
    FORMATS,
    LEFT_OUT_CODES,
    BatchResult,
    ExportBlocked,
    ExportError,
    ExportFormat,
    ExportResult,
    LeftOutMeasure,
    NotWritable,
    RenderedFile,
    add_left_out_problems,
    check_qrda3,
    export_all,
    export_entity,
    file_name,
    left_out_by_design,
    manifest_name,
    prepare_submission,
    render_entity,
    render_qpp_json,
    render_qrda3,
    sha256_file,
    workspace_ecqm_ids,
)
from desktop_app.exporting.summary import (
    STATEMENT,
    AttestationSummary,
    build_summary,
    summary_html,
    summary_text,
)

__all__ = [
    "FORMATS",
    "FORMAT_LABELS",
    "LEFT_OUT_CODES",
    "STATEMENT",
    "STEP_TITLES",
    "AttestationSummary",
    "BatchResult",
    "CheckReport",
    "EntityChoice",
    "EntityChoiceError",
    "ExportBlocked",
    "ExportError",
    "ExportFormat",
    "ExportProblem",
    "ExportResult",
    "LeftOutMeasure",
    "NotWritable",
    "RenderedFile",
    "add_left_out_problems",
    "build_summary",
    "check_entity",
    "check_qrda3",
    "entity_text",
    "export_all",
    "export_choices",
    "export_entity",
    "file_name",
    "left_out_by_design",
    "manifest_name",
    "parse_entity",
    "prepare_submission",
    "render_entity",
    "render_qpp_json",
    "render_qrda3",
    "sha256_file",
    "summary_html",
    "summary_text",
    "workspace_ecqm_ids",
]
