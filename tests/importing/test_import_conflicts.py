"""Imported vs manual data: conflicts with a choice, PI warning, one transaction, blocking."""

from __future__ import annotations

from pathlib import Path

import pytest
from import_data import NPI, TIN, counts, quality_set, submission, write_json

import desktop_app.elections
from desktop_app.importing import (
    PI_CONFLICT_WARNING,
    ImportApplyError,
    apply_import,
    preview_import,
    read_import_file,
)
from desktop_app.models.practice import Practice
from desktop_app.reporting import EntityKey, save_set_fields, save_value, stored_values
from desktop_app.store import Workspace

ENTITY = EntityKey(2025, TIN, NPI)


def imported_file(tmp_path: Path, catalog, *sets):  # type: ignore[no-untyped-def]
    return read_import_file(write_json(tmp_path / "s.json", submission(*sets)), catalog)


def pi_set(num: int, den: int, method: str = "electronicHealthRecord") -> dict:  # type: ignore[type-arg]
    return {
        "category": "pi",
        "submissionMethod": method,
        "measurements": [{"measureId": "PI_EP_1", "value": {"numerator": num, "denominator": den}}],
    }


def quality_values(ws: Workspace) -> dict[str, object]:
    return {v.measure_id: v.value for v in stored_values(ws, ENTITY, "quality")}


def test_a_differing_manual_value_is_a_conflict_with_a_choice(
    tmp_path: Path, ws: Workspace, catalog
) -> None:  # type: ignore[no-untyped-def]
    apply_import(
        ws,
        preview_import(
            ws, imported_file(tmp_path, catalog, quality_set(counts(met=50, not_met=50)))
        ),
    )
    save_value(ws, ENTITY, "quality", "236", counts(met=60, not_met=40))  # typed by hand later
    preview = preview_import(ws, imported_file(tmp_path, catalog, quality_set(counts(met=70))))
    [conflict] = preview.conflicts
    assert conflict.kind == "value" and conflict.measure_id == "236"
    assert "the workspace has" in conflict.message and "met 60" in conflict.message
    assert "met 70" in conflict.message
    assert conflict.current["performanceMet"] == 60 and conflict.imported["performanceMet"] == 70
    assert set(conflict.as_dict()["choices"]) == {"keep", "replace"}
    assert conflict.warning is None  # quality: no PI warning
    with pytest.raises(ImportApplyError, match="Choose what to do"):
        apply_import(ws, preview)
    result = apply_import(ws, preview, {conflict.key: "keep"})
    assert result.kept == 1 and quality_values(ws)["236"]["performanceMet"] == 60  # type: ignore[index]
    preview = preview_import(ws, imported_file(tmp_path, catalog, quality_set(counts(met=70))))
    result = apply_import(ws, preview, {preview.conflicts[0].key: "replace"})
    assert result.replaced == 1 and quality_values(ws)["236"]["performanceMet"] == 70  # type: ignore[index]


def test_pi_conflicts_warn_that_cms_scores_conflicting_pi_data_zero(
    tmp_path: Path, ws: Workspace, catalog
) -> None:  # type: ignore[no-untyped-def]
    apply_import(ws, preview_import(ws, imported_file(tmp_path, catalog, quality_set(counts()))))
    save_value(
        ws, ENTITY, "pi", "PI_EP_1", {"numerator": 10, "denominator": 20}
    )  # manual, registry
    preview = preview_import(ws, imported_file(tmp_path, catalog, pi_set(30, 40)))
    [conflict] = preview.conflicts
    assert conflict.kind == "pi_method"
    assert conflict.warning == PI_CONFLICT_WARNING
    assert "scores the Promoting Interoperability category 0" in conflict.warning
    assert "PI_EP_1" in conflict.message
    assert "Warning: CMS scores" in "\n".join(preview.summary_lines())
    # keep: the file's PI is not imported, the manual PI stays
    apply_import(ws, preview, {conflict.key: "keep"})
    pi = [(v.submission_method, v.value) for v in stored_values(ws, ENTITY, "pi")]
    assert pi == [("registry", {"numerator": 10, "denominator": 20})]
    # replace: the file's PI replaces the other method's PI entirely (PI is reweighted
    # for this small practice, so taking the file's PI needs the user's agreement)
    preview = preview_import(ws, imported_file(tmp_path, catalog, pi_set(30, 40)))
    apply_import(ws, preview, {preview.conflicts[0].key: "replace"}, agree_pi_scoring=True)
    pi = [(v.submission_method, v.value) for v in stored_values(ws, ENTITY, "pi")]
    assert pi == [("electronicHealthRecord", {"numerator": 30, "denominator": 40})]


def test_same_method_pi_value_conflicts_carry_the_warning_too(
    tmp_path: Path, ws: Workspace, catalog
) -> None:  # type: ignore[no-untyped-def]
    apply_import(
        ws,
        preview_import(ws, imported_file(tmp_path, catalog, pi_set(1, 2, "registry"))),
        agree_pi_scoring=True,
    )
    preview = preview_import(ws, imported_file(tmp_path, catalog, pi_set(3, 4, "registry")))
    [conflict] = preview.conflicts
    assert conflict.kind == "value" and conflict.warning == PI_CONFLICT_WARNING


def test_differing_set_details_are_a_conflict(tmp_path: Path, ws: Workspace, catalog) -> None:  # type: ignore[no-untyped-def]
    apply_import(ws, preview_import(ws, imported_file(tmp_path, catalog, quality_set(counts()))))
    import datetime as dt

    save_set_fields(
        ws,
        ENTITY,
        "quality",
        performance_start=dt.date(2025, 3, 1),
        performance_end=dt.date(2025, 12, 31),
    )
    preview = preview_import(ws, imported_file(tmp_path, catalog, quality_set(counts())))
    [conflict] = preview.conflicts
    assert conflict.kind == "set"
    assert (
        "performance start 2025-03-01 in the workspace, 2025-01-01 in the file" in conflict.message
    )
    apply_import(ws, preview, default="keep")
    assert (
        ws.db.execute("SELECT performance_start FROM measurement_sets").fetchone()[0]
        == "2025-03-01"
    )


def test_apply_is_one_transaction_nothing_is_written_if_it_fails(
    tmp_path: Path, ws: Workspace, catalog, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import desktop_app.importing.plan as plan

    file = imported_file(
        tmp_path,
        catalog,
        {
            "category": "ia",
            "submissionMethod": "registry",
            "measurements": [
                {"measureId": "IA_EPA_3", "value": True},
                {"measureId": "IA_CC_10", "value": True},
            ],
        },
    )
    preview = preview_import(ws, file)
    real = plan.save_value
    calls = []

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args)
        if len(calls) == 2:
            raise OSError("disk full")
        real(*args, **kwargs)

    monkeypatch.setattr(plan, "save_value", failing)
    with pytest.raises(OSError, match="disk full"):
        apply_import(ws, preview)
    assert len(calls) == 2
    assert ws.practice() is None and ws.clinicians() == [] and ws.reporting_entities() == []
    assert stored_values(ws, ENTITY) == []
    assert ws.audit_log() == []


def test_apply_records_the_import_in_the_audit_log(tmp_path: Path, ws: Workspace, catalog) -> None:  # type: ignore[no-untyped-def]
    apply_import(
        ws,
        preview_import(ws, imported_file(tmp_path, catalog, quality_set(counts()))),
        practice_name="Maple Family Medicine",
        clinician_name=("Ada", "Quinn"),
    )
    assert ws.practice().name == "Maple Family Medicine"  # type: ignore[union-attr]
    assert ws.clinician(NPI).full_name == "Ada Quinn"  # type: ignore[union-attr]
    entry = next(e for e in ws.audit_log() if e.action == "import")
    assert entry.after["added"] == 1 and entry.after["format"] == "qpp-json"
    assert entry.user == "jane"


def test_a_stale_preview_is_not_applied(tmp_path: Path, ws: Workspace, catalog) -> None:  # type: ignore[no-untyped-def]
    preview = preview_import(ws, imported_file(tmp_path, catalog, quality_set(counts())))
    ws.save_practice(Practice(tin=TIN, name="Maple"))  # changed after the preview
    with pytest.raises(ImportApplyError, match="changed since this preview"):
        apply_import(ws, preview)
    assert stored_values(ws, ENTITY) == []


def test_a_file_of_another_practice_is_blocked(tmp_path: Path, ws: Workspace, catalog) -> None:  # type: ignore[no-untyped-def]
    ws.save_practice(Practice(tin="123456789", name="Other Practice"))
    preview = preview_import(ws, imported_file(tmp_path, catalog, quality_set(counts())))
    assert not preview.can_apply
    assert "TIN 000777777" in (preview.blocked or "") and "Other Practice" in (
        preview.blocked or ""
    )
    with pytest.raises(ImportApplyError):
        apply_import(ws, preview)
    assert stored_values(ws, ENTITY) == []


def test_an_entity_locked_until_its_election_is_blocked(
    tmp_path: Path, ws: Workspace, catalog, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(
        desktop_app.elections,
        "data_entry_allowed",
        lambda ws, entity, year: (False, "Confirm an election to Opt-In first."),
    )
    preview = preview_import(ws, imported_file(tmp_path, catalog, quality_set(counts())))
    assert preview.blocked == "Confirm an election to Opt-In first."


def test_existing_practice_clinician_and_entity_are_reused(
    tmp_path: Path, ws: Workspace, catalog
) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.models.practice import Clinician, ReportingEntity

    ws.save_practice(Practice(tin=TIN, name="Maple"))
    ws.add_clinician(Clinician(npi=NPI, first_name="Ada", last_name="Quinn", clinician_type="MD"))
    ws.save_reporting_entity(ReportingEntity(year=2025, tin=TIN, npi=NPI))
    preview = preview_import(ws, imported_file(tmp_path, catalog, quality_set(counts())))
    assert preview.creations == []
    apply_import(ws, preview)
    assert ws.practice().name == "Maple"  # type: ignore[union-attr]
    assert ws.clinician(NPI).full_name == "Ada Quinn"  # type: ignore[union-attr]
