"""Stored measurement data per reporting entity (quality, PI, IA) and its QPP JSON form."""

from desktop_app.reporting.store import (
    SETS_TABLE,
    VALUES_TABLE,
    EntityKey,
    ReportingError,
    StoredValue,
    build_submission,
    delete_value,
    ensure_tables,
    require_data_entry,
    save_set_fields,
    save_value,
    stored_values,
)

__all__ = [
    "SETS_TABLE",
    "VALUES_TABLE",
    "EntityKey",
    "ReportingError",
    "StoredValue",
    "build_submission",
    "delete_value",
    "ensure_tables",
    "require_data_entry",
    "save_set_fields",
    "save_value",
    "stored_values",
]
