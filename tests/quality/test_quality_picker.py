"""The measure picker: search, filters, benchmarks per collection type, suggested set of 6."""

from __future__ import annotations

import pytest

from desktop_app.quality import MeasureFilter, MeasurePicker, suggest_measures

YEAR = 2025


@pytest.fixture(scope="module")
def picker(catalog):  # type: ignore[no-untyped-def]
    return MeasurePicker(catalog, YEAR)


def test_picker_lists_every_quality_measure_of_the_year(picker, catalog) -> None:  # type: ignore[no-untyped-def]
    ids = {r.measure_id for r in picker.rows}
    assert ids == {m.measure_id for m in catalog.measures(YEAR, "quality")}
    assert picker.row("236").title == "Controlling High Blood Pressure"


def test_full_text_search_finds_measures_by_words_and_ecqm_id(picker) -> None:  # type: ignore[no-untyped-def]
    hits = picker.filter(MeasureFilter(text="blood pressure"))
    assert "236" in [r.measure_id for r in hits]
    assert all("blood" in (r.title + r.description).lower() for r in hits[:3])
    by_ecqm = picker.filter(MeasureFilter(text="CMS165v13"))
    assert by_ecqm[0].measure_id == "236"


def test_collection_type_filter_keeps_only_measures_reportable_that_way(picker) -> None:  # type: ignore[no-untyped-def]
    ecqms = picker.filter(MeasureFilter(collection_type="electronicHealthRecord"))
    assert ecqms
    assert all("electronicHealthRecord" in r.submission_methods for r in ecqms)
    assert len(ecqms) < len(picker.rows)
    diabetes = picker.filter(
        MeasureFilter(text="diabetes", collection_type="electronicHealthRecord")
    )
    assert "001" in [r.measure_id for r in diabetes]


def test_outcome_and_high_priority_filters(picker) -> None:  # type: ignore[no-untyped-def]
    outcomes = picker.filter(MeasureFilter(outcome_only=True))
    assert outcomes and all(r.is_outcome for r in outcomes)
    assert {r.measure_type for r in outcomes} <= {
        "outcome",
        "intermediateOutcome",
        "patientReportedOutcome",
    }
    high = picker.filter(MeasureFilter(high_priority_only=True))
    assert {r.measure_id for r in outcomes} <= {r.measure_id for r in high}
    assert "130" in {r.measure_id for r in high}  # high priority process measure


def test_specialty_and_mvp_filters(picker, catalog) -> None:  # type: ignore[no-untyped-def]
    derm = picker.filter(MeasureFilter(specialty="dermatology"))
    assert derm and all("dermatology" in r.measure_sets for r in derm)
    assert ("dermatology", "Dermatology") in picker.specialties()
    mvp = catalog.mvps(YEAR)[0]
    rows = picker.filter(MeasureFilter(mvp=mvp.mvp_id))
    wanted = set(mvp.quality_measure_ids) | set(mvp.foundation_quality_measure_ids)
    assert rows
    assert {r.measure_id for r in rows} == wanted & {r.measure_id for r in picker.rows}
    assert all(mvp.mvp_id in r.mvps for r in rows)


def test_each_measure_shows_its_benchmark_per_collection_type(picker) -> None:  # type: ignore[no-untyped-def]
    row = picker.row("236")
    methods = [b.submission_method for b in row.benchmarks]
    assert {"registry", "electronicHealthRecord", "claims"} <= set(methods)
    ehr = row.benchmark("electronicHealthRecord")
    assert ehr is not None and ehr.has_benchmark and ehr.percentiles
    assert ehr.label == "eCQM"
    assert row.benchmark("registry").label == "MIPS CQM"


def test_topped_out_measures_show_the_seven_point_cap_unless_cms_removed_it(
    picker, catalog
) -> None:  # type: ignore[no-untyped-def]
    capped = picker.row("005").benchmark("registry")
    assert capped is not None and capped.topped_out_by_program and capped.capped
    assert "capped at 7 points" in capped.describe()
    assert "Capped at 7 points" in picker.row("005").flags()
    m406 = catalog.measure(YEAR, "406")
    removed = m406.data["sevenPointCapRemoved"]
    for view in picker.row("406").benchmarks:
        if view.topped_out_by_program:
            assert view.capped == (view.submission_method not in removed)


def test_inverse_measures_are_flagged(picker) -> None:  # type: ignore[no-untyped-def]
    assert picker.row("001").is_inverse
    assert "Inverse (lower is better)" in picker.row("001").flags()
    assert not picker.row("236").is_inverse


def test_suggested_set_has_six_measures_led_by_an_outcome_measure(picker) -> None:  # type: ignore[no-untyped-def]
    s = suggest_measures(picker, "familyMedicine", "registry")
    assert len(s.measures) == 6
    assert s.measures[0].is_outcome
    assert "outcome" in s.note
    ids = [r.measure_id for r in s.measures]
    assert len(set(ids)) == 6
    for r in s.measures:
        assert "familyMedicine" in r.measure_sets
        assert "registry" in r.submission_methods
        assert r.in_traditional_mips  # no APP-only measures
        assert s.reasons[r.measure_id]


def test_suggestion_uses_a_high_priority_measure_when_no_outcome_applies(picker) -> None:  # type: ignore[no-untyped-def]
    s = picker.suggest("dermatology", "electronicHealthRecord")
    pool = picker.filter(
        MeasureFilter(specialty="dermatology", collection_type="electronicHealthRecord")
    )
    assert not any(r.is_outcome for r in pool)
    assert s.measures[0].is_high_priority
    assert "high priority" in s.note
    # fewer than 6 in the set: all of them, and the note says it completes the set
    assert len(s.measures) == len(pool) < 6
    assert "completes the specialty set" in s.note


def test_suggestion_for_an_empty_pool_says_so(picker) -> None:  # type: ignore[no-untyped-def]
    s = picker.suggest("no-such-specialty")
    assert s.measures == []
    assert "no measures" in s.note


def test_measures_of_other_programs_are_hidden_unless_asked_for(picker) -> None:  # type: ignore[no-untyped-def]
    # 001SSP is the Shared Savings Program's copy of 001 (allowedPrograms ["appPlus"]).
    shown = [r.measure_id for r in picker.filter(MeasureFilter(text="001SSP"))]
    assert "001SSP" not in shown
    assert "001SSP" not in [r.measure_id for r in picker.filter(MeasureFilter())]
    everything = picker.filter(MeasureFilter(text="001SSP", other_programs=True))
    assert "001SSP" in [r.measure_id for r in everything]
    assert "Other programs only" in picker.row("001SSP").flags()
    # a measure of an MVP but not of traditional MIPS is listed when that MVP is chosen
    mvp_only = next(r for r in picker.rows if not r.in_traditional_mips and r.mvps)
    assert mvp_only not in picker.filter(MeasureFilter())
    assert mvp_only in picker.filter(MeasureFilter(mvp=mvp_only.mvps[0]))


def test_adding_a_measure_of_other_programs_is_refused_with_the_mips_measure_named(picker) -> None:  # type: ignore[no-untyped-def]
    text = picker.refusal("001SSP")
    assert text is not None
    assert "001SSP" in text and "APP Plus" in text and "not to traditional MIPS" in text
    assert text.endswith("Add measure 001 instead.")
    assert picker.refusal("001") is None
    assert picker.refusal("236") is None
