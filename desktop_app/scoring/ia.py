"""Improvement Activities category score (2024 weights; 2025+ activity counts)."""

from __future__ import annotations

from desktop_app.formats.qpp_json import MeasurementSet
from desktop_app.models.practice import SpecialStatus
from desktop_app.rules.model import ProgramRules
from desktop_app.scoring.lookup import MeasureLookup
from desktop_app.scoring.result import CategoryScore, EstimateLog, MeasureScore, ScoringOptions


def _r(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def status_label(code: str) -> str:
    """'small_practice' -> 'small practice', as the reasons show it."""
    try:
        return (
            SpecialStatus(code).label.lower().replace("(hpsa)", "(HPSA)").replace("(asc)", "(ASC)")
        )
    except ValueError:
        return code.replace("_", " ")


def _score_set(
    mset: MeasurementSet,
    rules: ProgramRules,
    lookup: MeasureLookup,
    options: ScoringOptions,
) -> tuple[float, str, list[MeasureScore]]:
    year = rules.performance_year
    ia = rules.ia
    statuses = [
        status_label(code) for code in sorted(options.statuses & set(ia.special_statuses.value))
    ]
    special = bool(statuses)
    pcmh = ia.pcmh_measure_id.value
    rows: list[MeasureScore] = []
    weighted = ia.method.value == "weighted"
    total = 0.0
    count = 0
    pcmh_done = False
    if weighted:
        assert ia.high_points and ia.medium_points and ia.max_points
        factor = 2.0 if special else 1.0
        cap = ia.max_points.value
    else:
        assert ia.activities_required and ia.activities_required_special
        need = ia.activities_required_special.value if special else ia.activities_required.value
        cap = 100.0
    for m in mset.measurements:
        mid = m.measure_id
        info = lookup.measure(year, mid)
        title = info.title if info else None

        def row(
            points: float | None,
            reason: str,
            counted: bool,
            maximum: float | None,
            *,
            _mid: str = mid,
            _title: str | None = title,
        ) -> MeasureScore:
            return MeasureScore(
                measure_id=_mid,
                category="ia",
                collection_type=mset.submission_method,
                points=points,
                max_points=maximum,
                counted=counted,
                reason=reason,
                title=_title,
            )

        if m.value is not True:
            rows.append(row(0.0, "Not attested (No): no credit.", False, None))
            continue
        if mid == pcmh:
            pcmh_done = True
            rows.append(
                row(
                    cap,
                    "Patient-Centered Medical Home (or comparable specialty practice) "
                    "attestation: full credit for the category.",
                    True,
                    cap,
                )
            )
            continue
        if info is None or info.category != "ia":
            rows.append(
                row(0.0, f"{mid} is not a {year} improvement activity: no credit.", False, None)
            )
            continue
        if weighted:
            assert ia.high_points and ia.medium_points
            weight = str(info.data.get("weight") or "")
            if weight not in ("high", "medium"):
                rows.append(
                    row(0.0, f"{mid} has no high/medium weight in {year}: no credit.", False, None)
                )
                continue
            base = ia.high_points.value if weight == "high" else ia.medium_points.value
            pts = base * factor
            total += pts
            rows.append(
                row(
                    pts,
                    f"{weight.capitalize()}-weighted activity: {_r(base)} points"
                    + (f", doubled to {_r(pts)} for {', '.join(statuses)}" if special else "")
                    + ".",
                    True,
                    pts,
                )
            )
        else:
            count += 1
            share = 100.0 / need
            rows.append(
                row(
                    share,
                    f"Activity attested: {need} activit{'y' if need == 1 else 'ies'} "
                    f"give{'s' if need == 1 else ''} full credit"
                    + (f" ({', '.join(statuses)})" if special else "")
                    + f", so each is worth {_r(share)}% of the category.",
                    True,
                    share,
                )
            )
    if pcmh_done:
        return 100.0, "Medical home attestation gives full credit: 100%.", rows
    if weighted:
        capped = min(total, cap)
        score = 100.0 * capped / cap
        text = (
            f"{_r(total)} activity points"
            + (f", capped at {_r(cap)}" if total > cap else "")
            + f" / {_r(cap)} = {_r(score)}%."
        )
    else:
        score = min(1.0, count / need) * 100.0
        text = (
            f"{count} activit{'y' if count == 1 else 'ies'} attested of {need} needed"
            + (f" ({', '.join(statuses)})" if special else "")
            + f" = {_r(score)}%."
            + (" More activities add nothing." if count > need else "")
        )
    return score, text, rows


def score_ia(
    sets: list[MeasurementSet],
    rules: ProgramRules,
    lookup: MeasureLookup,
    options: ScoringOptions,
    log: EstimateLog,
) -> tuple[CategoryScore, list[MeasureScore]]:
    ia = rules.ia
    apm = ia.apm_credit_percent.value if options.apm_participant else 0.0
    if not sets:
        if apm:
            return (
                CategoryScore(
                    category="ia",
                    score=apm,
                    weight=0.0,
                    points=None,
                    reason=f"No activities reported; MIPS APM participation gives {_r(apm)}%.",
                    submitted=False,
                ),
                [],
            )
        return (
            CategoryScore(
                category="ia",
                score=0.0,
                weight=0.0,
                points=None,
                reason="No improvement activities reported: 0%.",
                submitted=False,
            ),
            [],
        )
    scored = [_score_set(s, rules, lookup, options) for s in sets]
    best_index = max(range(len(scored)), key=lambda i: scored[i][0])
    rows: list[MeasureScore] = []
    for i, (_, _, set_rows) in enumerate(scored):
        if i == best_index:
            rows.extend(set_rows)
        else:
            rows.extend(
                r.model_copy(
                    update={
                        "counted": False,
                        "reason": r.reason + " Not counted: another IA set scores higher.",
                    }
                )
                for r in set_rows
            )
    score, text, _ = scored[best_index]
    if apm and score < 100:
        # QPP awards the APM credit first (20 of 40 points in 2024) and adds the
        # activities on top of it, up to full credit (seed 003, Manual Entry).
        total = min(100.0, apm + score)
        text += (
            f" MIPS APM participation adds {_r(apm)}%: {_r(apm)} + {_r(score)} = {_r(total)}%"
            + (" (capped at 100%)." if apm + score > 100 else ".")
        )
        score = total
    return (
        CategoryScore(
            category="ia",
            score=round(score, 4),
            weight=0.0,
            points=None,
            reason=text,
            submitted=True,
        ),
        rows,
    )
