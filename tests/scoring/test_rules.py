"""The per-year rules files: complete, sourced, flagged, and validated on load."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest

from desktop_app.rules import RulesError, available_years, load_rules, parse_rules


def _facts(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    found = []
    if isinstance(node, dict):
        if {"value", "source", "confirmed"} <= set(node):
            return [(path, node)]
        for key, value in node.items():
            found += _facts(value, f"{path}.{key}" if path else key)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _facts(value, f"{path}[{i}]")
    return found


def _raw(year: int) -> dict[str, Any]:
    text = resources.files("desktop_app.rules").joinpath(f"data/{year}.json").read_text()
    data: dict[str, Any] = json.loads(text)
    return data


def test_years_2024_to_2026_available() -> None:
    assert available_years()[:3] == [2024, 2025, 2026]


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_key_values_of_each_year(year: int) -> None:
    r = load_rules(year)
    assert r.eligibility.lvt_allowed_charges.value == 90000
    assert r.eligibility.lvt_beneficiaries.value == 200
    assert r.eligibility.lvt_services.value == 200
    assert r.final.performance_threshold.value == 75
    assert r.final.max_negative_adjustment_percent.value == -9
    assert r.final.floor_score.value == 18.75
    assert r.quality.data_completeness_percent.value == 75
    assert r.quality.case_minimum.value == 20
    assert r.quality.small_practice_bonus.value == 6
    assert r.quality.small_practice_floor.value == 3
    assert r.quality.topped_out_cap.value == 7
    assert r.pi.minimum_period_days.value == 180
    assert r.weight_case("default").weights == {"quality": 30, "cost": 30, "ia": 15, "pi": 25}
    assert r.weight_case("small_pi_cost_reweighted").weights == {
        "quality": 50,
        "cost": 0,
        "ia": 50,
        "pi": 0,
    }
    assert r.ia.pcmh_measure_id.value == "IA_PCMH"
    required = {a.measure_id for a in r.pi.required_attestations.value}
    assert required == {"PI_PPHI_1", "PI_PPHI_2", "PI_ONCDIR_1", "PI_INFBLO_1"}


def test_ia_method_by_year() -> None:
    r24 = load_rules(2024).ia
    assert r24.method.value == "weighted"
    assert (r24.high_points.value, r24.medium_points.value, r24.max_points.value) == (20, 10, 40)  # type: ignore[union-attr]
    for year in (2025, 2026):
        ia = load_rules(year).ia
        assert ia.method.value == "count"
        assert (ia.activities_required.value, ia.activities_required_special.value) == (2, 1)  # type: ignore[union-attr]


def test_phcdrr_6_bonus_from_2026() -> None:
    def bonus_ids(year: int) -> set[str]:
        objective = next(o for o in load_rules(year).pi.objectives.value if o.key == "bonus")
        return {m.measure_id for m in objective.options[0]}

    assert "PI_PHCDRR_6" not in bonus_ids(2025)
    assert "PI_PHCDRR_6" in bonus_ids(2026)


def test_phcdrr_6_has_the_cms_title(measures_source) -> None:  # type: ignore[no-untyped-def]
    # The label users see is CMS's title (without the trademark signs), not a placeholder.
    data = json.loads((measures_source / "measures" / "2026" / "measures-data.json").read_text())
    title = next(m["title"] for m in data if m["measureId"] == "PI_PHCDRR_6")
    objective = next(o for o in load_rules(2026).pi.objectives.value if o.key == "bonus")
    label = next(m.label for m in objective.options[0] if m.measure_id == "PI_PHCDRR_6")
    assert label == title.replace("TM", "")
    assert label == (
        "Public Health Reporting Using Trusted Exchange Framework and Common Agreement (TEFCA)"
    )


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_every_value_has_a_source(year: int) -> None:
    facts = _facts(_raw(year))
    assert len(facts) > 30
    for path, fact in facts:
        assert fact["source"].strip(), path
        assert isinstance(fact["confirmed"], bool), path
    for case in _raw(year)["weights"]:
        assert case["source"].strip() and isinstance(case["confirmed"], bool)


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_unconfirmed_values_flagged_as_in_mips_rules(year: int) -> None:
    r = load_rules(year)
    # (u) in mips-rules.md: exclusion redistribution, the "other combinations" weights,
    # 2026 low-volume threshold
    assert r.pi.exclusion_redistribution.confirmed is False
    assert r.weight_case("quality_reweighted").confirmed is False
    assert r.weight_case("ia_reweighted").confirmed is False
    assert r.weight_case("default").confirmed is True
    assert r.eligibility.lvt_allowed_charges.confirmed is (year != 2026)


def test_new_year_is_a_data_file() -> None:
    raw = _raw(2026)
    raw["performance_year"] = 2027
    raw["final"]["performance_threshold"] = {"value": 80, "source": "test", "confirmed": False}
    rules = parse_rules(json.dumps(raw))
    assert rules.performance_year == 2027
    assert rules.final.performance_threshold.value == 80


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["weights"][0]["weights"].update(quality=31), "adds up to 101"),
        (lambda r: r["quality"].pop("case_minimum"), "quality.case_minimum"),
        (lambda r: r["quality"]["case_minimum"].pop("source"), "source"),
        (lambda r: r["pi"]["cehrt_id_patterns"].update(value=["(unclosed"]), "not a valid regex"),
        (lambda r: r["pi_reweighting_statuses"].update(value=["martian"]), "unknown special"),
        (lambda r: r["ia"].pop("activities_required"), "needs activities_required"),
    ],
)
def test_invalid_rules_file_rejected(change, message: str) -> None:  # type: ignore[no-untyped-def]
    raw = _raw(2025)
    change(raw)
    with pytest.raises(RulesError, match=message):
        parse_rules(json.dumps(raw))


def test_year_without_rules() -> None:
    with pytest.raises(RulesError, match="no program rules for performance year 2017"):
        load_rules(2017)


def test_the_rules_files_know_exactly_the_statuses_scoring_applies() -> None:
    """rules (layer 0) validates statuses with its own tuple; scoring's Literal must match."""
    from desktop_app.rules import SPECIAL_STATUSES
    from desktop_app.scoring.result import SCORING_STATUSES

    assert set(SPECIAL_STATUSES) == SCORING_STATUSES
