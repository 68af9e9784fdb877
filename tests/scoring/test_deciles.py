"""Achievement points from percentiles: hand-computed cases and invariants."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scoring_builders import EVEN, REAL

from desktop_app.scoring.deciles import achievement_points, points_from_bounds


def test_fraction_inside_a_decile() -> None:
    # rate 82.5 in decile 9 [p80 85.0, p90 91.6)? no: 82.5 is in decile 8 [p70 80.1, p80 85.0)
    # 8 + (82.5 - 80.1) / (85.0 - 80.1) = 8 + 2.4 / 4.9 = 8.4898
    result = achievement_points(82.5, REAL, inverse=False)
    assert result.decile == 8
    assert result.points == pytest.approx(8 + 2.4 / 4.9)
    assert "decile 8" in result.explanation


def test_decile_one_starts_at_zero() -> None:
    # rate 30 below p10 45.2: decile 1 [0, 45.2): 1 + 30 / 45.2 = 1.6637
    assert achievement_points(30, REAL, inverse=False).points == pytest.approx(1 + 30 / 45.2)


def test_at_or_above_the_top_decile_is_ten() -> None:
    assert achievement_points(91.6, REAL, inverse=False).points == 10
    assert achievement_points(100, REAL, inverse=False).points == 10


def test_exact_lower_bound_gets_the_whole_decile() -> None:
    # rate 55.0 = p20: decile 3 starts there: 3 + 0 = 3.0
    assert achievement_points(55.0, REAL, inverse=False).points == pytest.approx(3.0)


def test_inverse_measure_reversed() -> None:
    # inverse: decile 3 is (p70, p80] = (70, 80]; rate 75: 3 + (80 - 75) / (80 - 70) = 3.5
    result = achievement_points(75, EVEN, inverse=True)
    assert result.decile == 3
    assert result.points == pytest.approx(3.5)
    # at or below p10 = 10: decile 10, 10 points
    assert achievement_points(10, EVEN, inverse=True).points == 10
    # above p90: decile 1 (90, 100]; rate 95: 1 + (100 - 95) / (100 - 90) = 1.5
    assert achievement_points(95, EVEN, inverse=True).points == pytest.approx(1.5)


def test_tied_percentiles_skip_empty_deciles() -> None:
    # p20..p99 all 100 (topped out): deciles 3..10 start at 100; rate 99 is in decile 2
    # [p10 90, next distinct bound 100): 2 + (99 - 90) / (100 - 90) = 2.9; rate 100 -> 10
    tied = {1: 50.0, 10: 90.0, **{k: 100.0 for k in (20, 30, 40, 50, 60, 70, 80, 90, 99)}}
    assert achievement_points(99, tied, inverse=False).points == pytest.approx(2.9)
    assert achievement_points(100, tied, inverse=False).points == 10


def test_flat_benchmark_every_percentile_equal() -> None:
    flat = dict.fromkeys((1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 99), 100.0)
    assert achievement_points(100, flat, inverse=False).points == 10
    # below the only bound: decile 1 [0, 100): 1 + 80 / 100 = 1.8
    assert achievement_points(80, flat, inverse=False).points == pytest.approx(1.8)


def test_qpp_reference_measure_110() -> None:
    # QPP's scoring-example-output-quality.json, measure 110: rate 82.31, deciles (lower
    # bounds of deciles 2..10) [0, 26.89, 40.49, 50, 57.07, 64.79, 73.08, 82.71, 96.44];
    # QPP reports decileScore 8.9585 = 8 + (82.31 - 73.08) / (82.71 - 73.08).
    bounds = [0, 0, 26.89, 40.49, 50, 57.07, 64.79, 73.08, 82.71, 96.44]
    result = points_from_bounds(82.31, bounds)
    assert result.decile == 8
    assert round(result.points, 4) == 8.9585


def test_missing_percentiles_rejected() -> None:
    with pytest.raises(ValueError, match="lacks percentiles"):
        achievement_points(50, {10: 1.0}, inverse=False)


sorted_percentiles = (
    st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), min_size=11, max_size=11)
    .map(sorted)
    .map(lambda v: dict(zip((1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 99), v, strict=True)))
)
rates = st.floats(min_value=0, max_value=100, allow_nan=False)


@given(sorted_percentiles, rates, st.booleans())
def test_points_within_bounds(p: dict[int, float], r: float, inverse: bool) -> None:
    points = achievement_points(r, p, inverse=inverse).points
    assert 1.0 <= points <= 10.0


@given(sorted_percentiles, rates, rates)
def test_more_performance_never_lowers_points(p: dict[int, float], a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert (
        achievement_points(high, p, inverse=False).points
        >= achievement_points(low, p, inverse=False).points - 1e-9
    )


@given(sorted_percentiles, rates, rates)
def test_inverse_more_performance_never_raises_points(
    p: dict[int, float], a: float, b: float
) -> None:
    low, high = sorted((a, b))
    assert (
        achievement_points(high, p, inverse=True).points
        <= achievement_points(low, p, inverse=True).points + 1e-9
    )
