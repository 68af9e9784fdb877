"""An imported QRDA III file's per-population-set counts (a single-rate eCQM reported with
several population sets, held summed in QPP JSON) are kept per entity, in the import's
transaction, and given back only while the measure's counts are still the file's."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from desktop_app.catalog import Catalog
from desktop_app.importing import apply_import, preview_import, read_import_file
from desktop_app.importing.ecqm_ids import POPULATION_SETS_TABLE, stored_population_sets
from desktop_app.importing.plan import IMPORT_AUDIT_TABLE
from desktop_app.importing.reader import value_json
from desktop_app.store import Workspace

SAMPLE = "sample-files__2025__MultiStrata_SinglePerformanceRate-sample.xml"


def _values(imported: Any) -> dict[str, Any]:
    return {
        m.measure_id: value_json(m.value)
        for s in imported.submission.sets("quality")
        for m in s.measurements
    }


def test_the_sets_are_kept_for_the_entity_while_its_counts_are_the_files(
    ws: Workspace, samples: Path, catalog: Catalog
) -> None:
    imported = read_import_file(samples / "valid" / SAMPLE, catalog)
    assert len(imported.population_sets["007"]) == 2
    preview = preview_import(ws, imported)
    apply_import(ws, preview)
    entity = preview.entity
    values = _values(imported)
    assert stored_population_sets(ws, entity, values) == imported.population_sets
    edited = {"007": {**values["007"], "performanceMet": values["007"]["performanceMet"] - 1}}
    assert stored_population_sets(ws, entity, edited) == {}
    other = dataclasses.replace(entity, npi=None)
    assert stored_population_sets(ws, other, values) == {}
    entries = ws.audit_log(table=POPULATION_SETS_TABLE)
    assert [e.record_key for e in entries] == [f"{entity.label}/007"]


def test_the_sets_are_kept_in_the_same_transaction_as_the_import(
    ws: Workspace, samples: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported = read_import_file(samples / "valid" / SAMPLE, catalog)
    preview = preview_import(ws, imported)
    real_audit = ws.audit

    def failing_audit(table: str, *args: object) -> None:
        if table == IMPORT_AUDIT_TABLE:
            raise OSError("disk full")
        real_audit(table, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(ws, "audit", failing_audit)
    with pytest.raises(OSError):
        apply_import(ws, preview)
    monkeypatch.undo()
    assert stored_population_sets(ws, preview.entity, _values(imported)) == {}
