"""PI and IA imported from a file are the entity's entry: shown, edited in place,
exported without a second source, and scored live as ``mipsdesk preview`` scores them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from export_data import CEHRT, add_individual_data, full_pi

from desktop_app import attestation as att
from desktop_app.catalog import Catalog
from desktop_app.cli import main
from desktop_app.exporting import check_entity, export_entity
from desktop_app.formats.qpp_json import dump_submission
from desktop_app.importing import apply_import, preview_import, read_import_file
from desktop_app.reporting import EntityKey, save_set_fields, save_value
from desktop_app.store import Workspace

D = dt.date
EHR = ("electronicHealthRecord", "mips")


def _import(path: Path, target: Path, catalog: Catalog) -> Workspace:
    ws = Workspace.open(target, user="bob")
    preview = preview_import(ws, read_import_file(path, catalog))
    assert preview.can_apply, preview.blocked
    apply_import(ws, preview, default="replace", agree_pi_scoring=True)
    return ws


def _scores(data: dict) -> dict:  # type: ignore[type-arg]
    return {
        "pi": (data["categories"]["pi"]["score"], data["categories"]["pi"]["points"]),
        "ia": (data["categories"]["ia"]["score"], data["categories"]["ia"]["points"]),
        "measures": sorted(
            (m["measure_id"], m["points"], m["counted"])
            for m in data["measures"]
            if m["category"] in ("pi", "ia")
        ),
    }


@pytest.fixture
def imported(ws: Workspace, catalog: Catalog, tmp_path: Path) -> tuple[Workspace, EntityKey]:
    """The clinician's data exported to QRDA III, imported into a fresh workspace."""
    entity = add_individual_data(ws)
    result = export_entity(ws, entity, "qrda3", catalog, tmp_path / "out.xml")
    other = _import(result.path, tmp_path / "other.mipsdesk", catalog)
    yield other, entity
    other.close()


def test_pi_imported_from_an_ehr_qrda3_is_the_entity_entry(
    imported: tuple[Workspace, EntityKey], catalog: Catalog
) -> None:
    ws, entity = imported
    entry = att.pi_entry(ws, entity)
    assert entry.values == full_pi()
    assert (entry.cehrt_id, entry.start, entry.end) == (CEHRT, D(2025, 4, 1), D(2025, 12, 31))
    assert att.category_sets(ws, entity, "pi") == [EHR]
    assert entry.source == EHR and not entry.mixed and entry.sources_text == ""
    progress = att.pi_progress(entry, entity.year, lookup=catalog)
    assert progress.done == progress.total and progress.missing == []


def test_editing_imported_pi_keeps_one_set_and_export_is_not_blocked(
    imported: tuple[Workspace, EntityKey],
    catalog: Catalog,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ws, entity = imported
    if att.pi_consent_needed(ws, entity):
        att.record_pi_consent(ws, entity, agreed=True)
    att.set_pi_answer(ws, entity, "PI_PPHI_1", False)
    att.set_pi_answer(ws, entity, "PI_PPHI_1", True)
    att.set_pi_proportion(ws, entity, "PI_PEA_1", 700, 800)
    att.set_cehrt_id(ws, entity, "0015c9999999999")
    att.set_pi_period(ws, entity, D(2025, 3, 1), D(2025, 12, 31))
    entry = att.pi_entry(ws, entity)
    assert entry.values["PI_PEA_1"] == {"numerator": 700, "denominator": 800}
    assert (entry.cehrt_id, entry.start) == ("0015C9999999999", D(2025, 3, 1))

    report = check_entity(ws, entity, catalog)
    assert report.ok, [p.describe() for p in report.errors]
    assert not {"PI_CONFLICTING_SOURCES", "PI_SOURCES_MERGED"} & {p.code for p in report.problems}
    result = export_entity(ws, entity, "qpp-json", catalog, tmp_path / "again.json")
    sent = json.loads(result.path.read_text())
    assert [s["submissionMethod"] for s in sent["measurementSets"] if s["category"] == "pi"] == [
        "electronicHealthRecord"
    ]
    assert att.category_sets(ws, entity, "pi") == [EHR]

    live = att.live_preview(ws, entity, catalog)
    args = att.preview_cli_args(att.scoring_options(ws, entity))
    assert main(["preview", str(result.path), "--json", *args]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert _scores(cli) == _scores(live.to_json_dict())
    assert live.categories["pi"].score and live.categories["pi"].score > 0


def test_ia_imported_from_an_ehr_qrda3_is_shown_and_edited_in_its_set(
    imported: tuple[Workspace, EntityKey],
) -> None:
    ws, entity = imported
    imported_ia = set(att.ia_entry(ws, entity))
    assert imported_ia  # the clinician's activities came back
    att.set_ia_activity(ws, entity, "IA_BE_4", True, D(2025, 8, 1), D(2025, 11, 30))
    assert set(att.ia_entry(ws, entity)) == imported_ia | {"IA_BE_4"}
    assert att.category_sets(ws, entity, "ia") == [EHR]


def test_pi_from_two_sources_shows_both_and_says_so(ws: Workspace) -> None:
    entity = EntityKey(2025, "123456789", None)
    att.record_pi_consent(ws, entity, agreed=True)
    save_value(ws, entity, "pi", "PI_EP_1", {"numerator": 9, "denominator": 10})
    save_value(ws, entity, "pi", "PI_PPHI_1", True)
    save_value(ws, entity, "pi", "PI_PPHI_1", False, submission_method=EHR[0])
    save_value(ws, entity, "pi", "PI_HIE_5", True, submission_method=EHR[0])
    save_set_fields(ws, entity, "pi", submission_method=EHR[0], cehrt_id=CEHRT)
    entry = att.pi_entry(ws, entity)
    assert entry.mixed and entry.source == ("registry", "mips")
    # every source's measures are present; the manual entry's value shown where both report
    assert entry.values == {
        "PI_EP_1": {"numerator": 9, "denominator": 10},
        "PI_PPHI_1": True,
        "PI_HIE_5": True,
    }
    assert entry.cehrt_id == CEHRT
    assert entry.conflicts == ("PI_PPHI_1",)
    text = entry.sources_text
    assert "2 sources" in text and "file upload from the EHR (QRDA III)" in text
    assert "manual entry (registry)" in text and "PI_PPHI_1" in text
    # edits go to the manual entry set: no third set appears
    att.set_pi_answer(ws, entity, "PI_PPHI_2", True)
    assert att.category_sets(ws, entity, "pi") == [EHR, ("registry", "mips")]
    att.clear_pi_entry(ws, entity)
    assert att.pi_entry(ws, entity).empty
    assert att.category_sets(ws, entity, "pi") == []


def test_activities_imported_without_dates_keep_the_category_period_covering_them(
    ws: Workspace, catalog: Catalog, tmp_path: Path
) -> None:
    """A QPP JSON import gives the IA set's period, not each activity's dates: adding an
    activity later must not shrink the period to the new activity's dates."""
    entity = EntityKey(2025, "123456789", None)
    for mid in ("IA_EPA_3", "IA_CC_10"):
        save_value(ws, entity, "ia", mid, True)
    save_set_fields(
        ws, entity, "ia", performance_start=D(2025, 2, 1), performance_end=D(2025, 5, 31)
    )
    path = tmp_path / "ia.json"  # QPP JSON: the set's period, no dates per activity
    path.write_text(dump_submission(att.build_pi_ia_submission(ws, entity)))
    fresh = _import(path, tmp_path / "fresh.mipsdesk", catalog)
    try:
        done = att.ia_entry(fresh, entity)
        assert {k: (v.start, v.end) for k, v in done.items()} == {
            "IA_EPA_3": (D(2025, 2, 1), D(2025, 5, 31)),
            "IA_CC_10": (D(2025, 2, 1), D(2025, 5, 31)),
        }
        att.set_ia_activity(fresh, entity, "IA_BE_4", True, D(2025, 9, 1), D(2025, 11, 30))
        ia = att.build_pi_ia_submission(fresh, entity).sets("ia")[0]
        assert (ia.performance_start, ia.performance_end) == (D(2025, 2, 1), D(2025, 11, 30))
        # removing the new activity gives back the imported period, not a drifted one
        att.set_ia_activity(fresh, entity, "IA_BE_4", False)
        ia = att.build_pi_ia_submission(fresh, entity).sets("ia")[0]
        assert (ia.performance_start, ia.performance_end) == (D(2025, 2, 1), D(2025, 5, 31))
    finally:
        fresh.close()


def test_undo_of_an_edit_to_imported_pi_and_ia_restores_them_in_their_set(
    imported: tuple[Workspace, EntityKey],
) -> None:
    ws, entity = imported
    if att.pi_consent_needed(ws, entity):
        att.record_pi_consent(ws, entity, agreed=True)
    before = att.take_snapshot(ws, entity)
    att.set_pi_exclusion(ws, entity, "PI_EP_1", "PI_LVPP_1")
    att.set_pi_period(ws, entity, D(2025, 1, 1), D(2025, 12, 31))
    att.set_ia_activity(ws, entity, "IA_BE_4", True, D(2025, 8, 1), D(2025, 11, 30))
    att.restore_snapshot(ws, before)
    assert att.take_snapshot(ws, entity).same_as(before)
    assert att.pi_entry(ws, entity).values == full_pi()
    assert att.category_sets(ws, entity, "pi") == [EHR]
    assert att.category_sets(ws, entity, "ia") == [EHR]
