"""Snapshots for undo/redo, and the QPP JSON round trip through `mipsdesk preview`."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from attestation_data import TIN, make_workspace

from desktop_app import attestation as att
from desktop_app import paths
from desktop_app.catalog import Catalog
from desktop_app.cli import main
from desktop_app.formats.qpp_json import dump_submission
from desktop_app.reporting import EntityKey
from desktop_app.store import Workspace


def test_restore_snapshot_undoes_and_redoes(ws: Workspace, group: EntityKey) -> None:
    att.set_pi_proportion(ws, group, "PI_EP_1", 1, 2)
    att.set_ia_activity(ws, group, "IA_AHE_1", True, dt.date(2025, 1, 1), dt.date(2025, 4, 30))
    before = att.take_snapshot(ws, group)
    att.set_pi_exclusion(ws, group, "PI_EP_1", "PI_LVPP_1")
    att.set_cehrt_id(ws, group, "0015C1234567890")
    att.set_ia_activity(ws, group, "IA_AHE_1", True, dt.date(2025, 3, 1), dt.date(2025, 6, 30))
    att.set_ia_activity(ws, group, "IA_BE_4", True, dt.date(2025, 5, 1), dt.date(2025, 8, 31))
    after = att.take_snapshot(ws, group)
    assert not before.same_as(after)
    att.restore_snapshot(ws, before)
    assert att.take_snapshot(ws, group).same_as(before)
    assert att.pi_entry(ws, group).values == {"PI_EP_1": {"numerator": 1, "denominator": 2}}
    iaset = att.build_pi_ia_submission(ws, group).sets("ia")[0]
    assert (iaset.performance_start, iaset.performance_end) == (
        dt.date(2025, 1, 1),
        dt.date(2025, 4, 30),
    )
    att.restore_snapshot(ws, after)
    assert att.take_snapshot(ws, group).same_as(after)
    assert any(a.action == "restore" for a in ws.audit_log(20))


@pytest.fixture
def with_catalog(catalog_file: Path) -> Path:
    dest = paths.catalog_path()
    shutil.copy(catalog_file, dest)
    return dest


def _enter(ws: Workspace, e: EntityKey) -> None:
    y = e.year
    att.set_pi_period(ws, e, dt.date(y, 1, 1), dt.date(y, 12, 31))
    att.set_cehrt_id(ws, e, "0015C1234567890")
    for mid in ("PI_PPHI_1", "PI_PPHI_2", "PI_ONCDIR_1", "PI_INFBLO_1"):
        att.set_pi_answer(ws, e, mid, True)
    att.set_pi_proportion(ws, e, "PI_EP_1", 73, 120)
    att.set_pi_exclusion(ws, e, "PI_EP_2", "PI_EP_2_EX_2")
    att.set_pi_proportion(ws, e, "PI_HIE_1", 40, 90)
    att.set_pi_proportion(ws, e, "PI_HIE_4", 17, 25)
    att.set_pi_proportion(ws, e, "PI_PEA_1", 950, 1000)
    att.set_pi_answer(ws, e, "PI_PHCDRR_1", True)
    att.set_pi_engagement(ws, e, "PI_PHCDRR_1", "PI_PHCDRR_1_PRE")
    att.set_pi_exclusion(ws, e, "PI_PHCDRR_3", "PI_PHCDRR_3_EX_1")
    att.set_pi_answer(ws, e, "PI_PHCDRR_2", True)
    att.set_pi_engagement(ws, e, "PI_PHCDRR_2", "PI_PHCDRR_2_PROD")
    att.set_ia_activity(ws, e, "IA_BE_4", True, dt.date(y, 2, 1), dt.date(y, 5, 31))


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


@pytest.mark.parametrize("year", [2024, 2025, 2026])
@pytest.mark.parametrize("small", [False, True])
def test_cli_preview_of_the_built_submission_matches_the_live_score(
    tmp_path: Path,
    catalog: Catalog,
    with_catalog: Path,
    capsys: pytest.CaptureFixture[str],
    year: int,
    small: bool,
) -> None:
    ws = make_workspace(tmp_path / "p.mipsdesk", size=4 if small else 20)
    e = EntityKey(year, TIN)
    if small:
        att.record_pi_consent(ws, e, agreed=True)
        att.set_entity_flags(ws, e, apm_participant=True)
    _enter(ws, e)
    live = att.live_preview(ws, e, catalog)
    submission = att.build_pi_ia_submission(ws, e)
    assert {s.category for s in submission.measurement_sets} == {"pi", "ia"}
    pi_set = submission.sets("pi")[0]
    assert pi_set.cehrt_id == "0015C1234567890"
    assert not pi_set.measurement("PI_EP_2")  # the exclusion stands for it
    path = tmp_path / "submission.json"
    path.write_text(dump_submission(submission))
    args = att.preview_cli_args(att.scoring_options(ws, e))
    assert main(["preview", str(path), "--json", *args]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert _scores(cli) == _scores(live.to_json_dict())
    assert live.categories["pi"].score and live.categories["pi"].score > 0
    assert live.categories["ia"].score and live.categories["ia"].score > 0
    ws.close()
