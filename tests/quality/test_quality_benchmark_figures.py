"""The benchmark figures the picker shows are the ones the scoring engine scores with:
where each decile starts, the rate for 10 points (or for the cap), inverse measures."""

from __future__ import annotations

import pytest

from desktop_app.quality import MeasurePicker
from desktop_app.rules import load_rules
from desktop_app.scoring.deciles import achievement_points


@pytest.fixture(scope="module")
def picker(catalog):  # type: ignore[no-untyped-def]
    return MeasurePicker(catalog, 2025)


def _distinct_starts(view):  # type: ignore[no-untyped-def]
    """Decile starts that aren't tied with the next one (ties are skipped upwards)."""
    starts = view.decile_starts()
    return [s for i, s in enumerate(starts) if i == 9 or starts[i + 1].rate != s.rate]


@pytest.mark.parametrize(
    ("measure_id", "method"),
    [
        ("236", "electronicHealthRecord"),
        ("236", "registry"),
        ("001", "electronicHealthRecord"),  # inverse
        ("001", "registry"),  # inverse, flat benchmark
        ("047", "registry"),  # topped out, capped
    ],
)
def test_each_decile_start_earns_that_decile_and_just_beyond_earns_less(
    picker, measure_id: str, method: str
) -> None:  # type: ignore[no-untyped-def]
    view = picker.row(measure_id).benchmark(method)
    assert view is not None and view.percentiles
    assert [s.decile for s in view.decile_starts()] == list(range(1, 11))
    step = 0.001
    for start in _distinct_starts(view):
        if start.decile == 1:
            continue
        at = achievement_points(start.rate, view.percentiles, inverse=view.is_inverse)
        assert at.decile == start.decile and at.points >= start.decile
        worse = start.rate + step if view.is_inverse else start.rate - step
        below = achievement_points(worse, view.percentiles, inverse=view.is_inverse)
        assert below.points < start.decile


def test_normal_and_inverse_measures_show_the_rate_for_ten_points(picker, catalog) -> None:  # type: ignore[no-untyped-def]
    p = catalog.benchmark(2025, "236", "electronicHealthRecord").percentiles
    ecqm = picker.row("236").benchmark("electronicHealthRecord")
    assert ecqm.short_text() == f"10 at ≥ {p[90]:g}%"
    assert f"10 points at a rate ≥ {p[90]:g}%" in ecqm.describe()
    inv = catalog.benchmark(2025, "001", "electronicHealthRecord").percentiles
    inverse = picker.row("001").benchmark("electronicHealthRecord")
    assert inverse.is_inverse
    assert inverse.short_text() == f"10 at ≤ {inv[10]:g}%"
    assert "inverse (lower is better)" in inverse.describe()
    assert inverse.decile_starts()[0].text == f"> {inv[90]:g}%"


def test_a_capped_measure_shows_the_rate_where_it_reaches_the_cap(picker, catalog) -> None:  # type: ignore[no-untyped-def]
    cap = load_rules(2025).quality.topped_out_cap.value
    p = catalog.benchmark(2025, "047", "registry").percentiles
    view = picker.row("047").benchmark("registry")
    assert view.capped and view.cap_points == cap
    # cap points are reached where decile <cap> starts (the 60th percentile for 7)
    reached = p[10 * (int(cap) - 1)]
    assert view.short_text() == f"Max {cap:g} at ≥ {reached:g}%"
    assert achievement_points(reached, p, inverse=False).points >= cap
    assert f"capped at {cap:g} points (reached at a rate ≥ {reached:g}%)" in view.describe()


def test_percentiles_keep_their_published_precision(picker, catalog) -> None:  # type: ignore[no-untyped-def]
    p = catalog.benchmark(2025, "047", "registry").percentiles
    view = picker.row("047").benchmark("registry")
    assert f"≥ {p[40]:g}%" in [s.text for s in view.decile_starts()]  # e.g. 94.955, not 94.95
