"""The pre-export check reports every reason the PI category would score 0.

The check calls the PI scorer, so whatever makes ``mipsdesk preview`` show PI 0 is in
the check too: an error when the data is incomplete (a measure missing, Yes without an
active engagement option), a warning when a true answer CMS accepts is No.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from export_data import NPI_A, TIN, add_individual_data, full_pi

from desktop_app.catalog import Catalog
from desktop_app.cli import main
from desktop_app.exporting import ExportBlocked, check_entity, render_entity
from desktop_app.formats.qpp_json import read_submission
from desktop_app.reporting import EntityKey, delete_value, save_set_fields, save_value
from desktop_app.scoring import score_submission
from desktop_app.store import Workspace

ADA = EntityKey(2025, TIN, NPI_A)


def pi_problems(report: Any) -> list[Any]:
    return [p for p in report.problems if p.step == "pi"]


def test_yes_without_active_engagement_is_an_error_naming_the_options(
    ws: Workspace, catalog: Catalog
) -> None:
    add_individual_data(ws)
    delete_value(ws, ADA, "pi", "PI_PHCDRR_1_PROD")
    report = check_entity(ws, ADA, catalog)
    assert not report.ok
    problem = next(p for p in report.errors if p.code == "PI_ACTIVE_ENGAGEMENT_MISSING")
    assert (problem.step, problem.measure_id) == ("pi", "PI_PHCDRR_1")
    assert "PI_PHCDRR_1_PRE or PI_PHCDRR_1_PROD" in problem.message
    assert "score will be 0" in problem.message
    with pytest.raises(ExportBlocked):
        render_entity(ws, ADA, "qpp-json", catalog)


def test_required_measure_answered_no_warns_that_pi_scores_zero(
    ws: Workspace, catalog: Catalog
) -> None:
    add_individual_data(ws)
    save_value(ws, ADA, "pi", "PI_EP_2", False)
    save_value(ws, ADA, "pi", "PI_PHCDRR_1", False)
    report = check_entity(ws, ADA, catalog)
    no = {p.measure_id: p for p in report.problems if p.code == "PI_REQUIRED_NO"}
    assert set(no) == {"PI_EP_2", "PI_PHCDRR_1"}
    for p in no.values():
        assert (p.severity, p.step) == ("warning", "pi")
        assert "score will be 0" in p.message
        assert "CMS accepts" in p.message  # why it is a warning, said in the message
    # the exclusion, the true answer: a warning only, the file can still be sent
    assert report.ok


def test_cli_prints_the_pi_zero_warnings(
    ws: Workspace, catalog: Catalog, user_catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_individual_data(ws)
    save_value(ws, ADA, "pi", "PI_EP_2", False)
    out = ws.path.parent / "ada.json"
    path = str(ws.path)
    ws.close()
    args = ["--workspace", path, "--entity", f"{TIN}/{NPI_A}", "--year", "2025"]
    code = main(["export", *args, "-o", str(out)])
    assert code == 0
    err = capsys.readouterr().err
    assert "PI_EP_2" in err and "Promoting Interoperability score will be 0" in err
    assert read_submission(out).national_provider_identifier == NPI_A


def _mutations() -> list[tuple[str, dict[str, Any], list[str]]]:
    """(name, values to set, measures to delete) that each make PI score 0."""
    out: list[tuple[str, dict[str, Any], list[str]]] = []
    for mid, value in full_pi().items():
        if mid.endswith(("_PRE", "_PROD")):
            out.append((f"drop {mid}", {}, [mid]))
        elif value is True:
            out.append((f"{mid} No", {mid: False}, []))
            out.append((f"drop {mid}", {}, [mid]))
        else:
            out.append((f"{mid} numerator 0", {mid: {"numerator": 0, "denominator": 10}}, []))
            out.append((f"drop {mid}", {}, [mid]))
    return out


@pytest.mark.parametrize(("name", "values", "deleted"), _mutations(), ids=lambda x: str(x))
def test_every_reason_the_scorer_gives_pi_zero_is_in_the_check(
    ws: Workspace, catalog: Catalog, name: str, values: dict[str, Any], deleted: list[str]
) -> None:
    add_individual_data(ws)
    for mid, value in values.items():
        save_value(ws, ADA, "pi", mid, value)
    for mid in deleted:
        delete_value(ws, ADA, "pi", mid)
    report = check_entity(ws, ADA, catalog)
    assert report.submission is not None
    pi = score_submission(report.submission, catalog).categories["pi"]
    problems = pi_problems(report)
    if pi.score != 0:
        assert not [p for p in problems if "score will be 0" in p.message], name
        return
    assert pi.reasons, name
    for reason in pi.reasons:
        ids = set(re.findall(r"PI_[A-Z0-9_]+", reason))
        assert any(
            reason in p.message or (p.measure_id in ids) or ids & set(p.message.split())
            for p in problems
        ), f"{name}: the check misses '{reason}'"
    # each problem says the score will be 0 and points to the PI page
    assert all(p.step == "pi" for p in problems if "score will be 0" in p.message)
    assert any("score will be 0" in p.message for p in problems), name


def test_bad_cehrt_id_and_short_period_are_reported_once(ws: Workspace, catalog: Catalog) -> None:
    add_individual_data(ws)
    save_set_fields(
        ws,
        ADA,
        "pi",
        submission_method="registry",
        cehrt_id="0015E",
        performance_start=dt.date(2025, 11, 1),
        performance_end=dt.date(2025, 12, 31),
    )
    report = check_entity(ws, ADA, catalog)
    pi_codes = [p.code for p in pi_problems(report)]
    assert pi_codes.count("PI_CEHRT_ID") == 1 and pi_codes.count("PI_PERIOD") == 1
    assert "PI_SCORES_ZERO" not in pi_codes  # the scorer's same reasons, not repeated


def test_hie_answered_no_by_its_only_reported_option_is_a_warning(
    ws: Workspace, catalog: Catalog
) -> None:
    add_individual_data(ws)
    save_value(ws, ADA, "pi", "PI_HIE_5", False)
    report = check_entity(ws, ADA, catalog)
    hie = [p for p in pi_problems(report) if "Health Information Exchange" in p.message]
    assert [(p.severity, p.code) for p in hie] == [("warning", "PI_REQUIRED_NO")]
