"""Achievement points from a benchmark: deciles with fractional points.

A benchmark gives percentiles of last period's performance rates (keys 1, 10, 20,
..., 90, 99). For a normal (higher is better) measure the lower bounds of deciles
2..10 are the 10th..90th percentiles and decile 1 starts at 0 — the same convention
as the older ``deciles`` lists of qpp-measures-data. The decile holding a rate is the
highest one whose lower bound is at or below the rate, so with ties (several
percentiles equal) the empty deciles are skipped and the rate lands in the highest
decile it reaches. Inside decile d from ``low`` to ``high`` (the next distinct
bound) the points are ``d + (rate − low) / (high − low)``; a rate at or above the
top bound (decile 10) earns 10 points.

Inverse (lower is better) measures are mirrored: decile 10 is ``rate <= p10``,
decile 9 is ``p10 < rate <= p20`` ... decile 1 above ``p90``; the fraction counts
down from the decile's upper rate. The 1st and 99th percentiles are not used.
"""

from __future__ import annotations

from dataclasses import dataclass

PERCENTILE_KEYS = (10, 20, 30, 40, 50, 60, 70, 80, 90)


@dataclass(frozen=True)
class DecilePoints:
    points: float
    decile: int
    low: float
    """The decile's bound the rate counts from (its worst end)."""
    high: float | None
    """The other end (None in decile 10)."""
    explanation: str


def lower_bounds_from_percentiles(percentiles: dict[int, float]) -> list[float]:
    """Lower bounds of deciles 1..10 for a normal measure: [0, p10, p20, ..., p90]."""
    missing = [k for k in PERCENTILE_KEYS if k not in percentiles]
    if missing:
        raise ValueError(f"benchmark lacks percentiles {missing}")
    return [0.0] + [float(percentiles[k]) for k in PERCENTILE_KEYS]


def _fmt(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


def points_from_bounds(rate: float, bounds: list[float]) -> DecilePoints:
    """Points for a higher-is-better ``rate`` given lower bounds of deciles 1..10."""
    if len(bounds) != 10:
        raise ValueError("ten decile lower bounds are needed")
    decile = 1
    for index, bound in enumerate(bounds):
        if rate >= bound:
            decile = index + 1
    low = bounds[decile - 1]
    if decile == 10:
        return DecilePoints(
            10.0,
            10,
            low,
            None,
            f"rate {_fmt(rate)} is at or above the top decile's start {_fmt(low)}: 10 points",
        )
    high = next((b for b in bounds[decile:] if b > low), None)
    if high is None or rate < low:  # rate below decile 1's start (negative rates): 1 point
        return DecilePoints(
            float(decile), decile, low, high, f"rate {_fmt(rate)} in decile {decile}"
        )
    fraction = (rate - low) / (high - low)
    points = decile + fraction
    return DecilePoints(
        points,
        decile,
        low,
        high,
        f"rate {_fmt(rate)} in decile {decile} [{_fmt(low)}, {_fmt(high)}): "
        f"{decile} + ({_fmt(rate)} - {_fmt(low)}) / ({_fmt(high)} - {_fmt(low)}) = "
        f"{points:.2f} points",
    )


def achievement_points(
    rate: float, percentiles: dict[int, float], *, inverse: bool
) -> DecilePoints:
    """Achievement points (1–10) of a performance ``rate`` (percent) against a benchmark."""
    bounds = lower_bounds_from_percentiles(percentiles)
    if not inverse:
        return points_from_bounds(rate, bounds)
    # Mirror: r' = 100 - r; the lower bound of decile d becomes 100 - p(100 - 10(d-1)).
    mirrored = [0.0] + [100.0 - float(percentiles[100 - k]) for k in PERCENTILE_KEYS]
    result = points_from_bounds(100.0 - rate, mirrored)
    best = 100.0 - result.low
    if result.decile == 10:
        text = (
            f"inverse measure (lower is better): rate {_fmt(rate)} is at or below the top "
            f"decile's limit {_fmt(best)}: 10 points"
        )
        return DecilePoints(10.0, 10, best, None, text)
    other = 100.0 - result.high if result.high is not None else None
    if other is None:
        text = f"inverse measure: rate {_fmt(rate)} in decile {result.decile}"
    else:
        text = (
            f"inverse measure (lower is better): rate {_fmt(rate)} in decile {result.decile} "
            f"({_fmt(other)}, {_fmt(best)}]: {result.decile} + ({_fmt(best)} - {_fmt(rate)}) / "
            f"({_fmt(best)} - {_fmt(other)}) = {result.points:.2f} points"
        )
    return DecilePoints(result.points, result.decile, best, other, text)
