"""Improvement Activities category score (2024 weights; 2025+ activity counts)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from desktop_app.formats.qpp_json import MeasurementSet
from desktop_app.models.practice import SpecialStatus
from desktop_app.rules.model import Fact, ProgramRules
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


def _add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (the month's last day if shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_first = date(year + (month == 12), month % 12 + 1, 1)
    last = (next_first - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def activity_period_problem(
    measure_id: str, mset: MeasurementSet, rules: ProgramRules
) -> tuple[str, Fact[Any]] | None:
    """Why the set's performance period is too short for this activity, and the rule
    (fact) that says so; None when it is long enough.

    The set's period spans every activity it reports, so an activity can't have been
    performed for its minimum (the year's default continuous days, or its own period)
    in a shorter one. A set without dates is not checked; IA_PCMH has no period.
    """
    ia = rules.ia
    start, end = mset.performance_start, mset.performance_end
    if start is None or end is None or measure_id == ia.pcmh_measure_id.value:
        return None
    days = (end - start).days + 1
    own = next((p for p in ia.activity_periods.value if p.measure_id == measure_id), None)
    fact: Fact[Any] = ia.activity_periods if own is not None else ia.minimum_period_days
    if own is not None and own.min_months is not None:
        earliest = _add_months(start, own.min_months) - timedelta(days=1)
        if end >= earliest:
            return None
        need = (
            f"{own.min_months} continuous months ({own.note}), so it would end {earliest} or later"
        )
    else:
        minimum = own.min_days if own is not None and own.min_days else ia.minimum_period_days.value
        if days >= minimum:
            return None
        need = f"{minimum} continuous days" + (f" ({own.note})" if own is not None else "")
    return (
        f"The IA performance period {start} – {end} is {days} day{'s' if days != 1 else ''}; "
        f"{measure_id} must be performed for at least {need}",
        fact,
    )


def _score_set(
    mset: MeasurementSet,
    rules: ProgramRules,
    lookup: MeasureLookup,
    options: ScoringOptions,
    log: EstimateLog,
    apm_credit: float = 0.0,
) -> tuple[float, str, list[MeasureScore]]:
    """The set's activity score (before the APM credit), its reason and its rows.

    2025+: once the activities needed are counted (or, with the APM credit, the
    shares reach 100% minus that credit), further activities get no share.
    """
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
    short_periods = 0
    pcmh_done = False
    if weighted:
        assert ia.high_points and ia.medium_points and ia.max_points
        factor = 2.0 if special else 1.0
        cap = ia.max_points.value
    else:
        assert ia.activities_required and ia.activities_required_special
        need = ia.activities_required_special.value if special else ia.activities_required.value
        cap = 100.0
        room = max(0.0, 100.0 - apm_credit)  # what the activities' shares can add up to
        given = 0.0
        credited = 0
    # 2024 rows carry activity points; 2025+ rows have no points of their own, only
    # the share of the IA score they give (credit_percent).
    for m in mset.measurements:
        mid = m.measure_id
        info = lookup.measure(year, mid)
        title = info.title if info else None
        caveat = ""  # an unconfirmed minimum period the dates fall short of
        too_short: str | None = None
        short = activity_period_problem(mid, mset, rules) if m.value is True else None
        if short is not None:
            text, fact = short
            if fact.confirmed:
                too_short = f"{text}: no credit. Report the dates the activity was performed."
            else:
                # CMS has not confirmed this minimum: the credit is kept, as an estimate.
                log.use(
                    f"ia.period.{mid}",
                    fact,
                    f"{mid}'s minimum period is not confirmed; its credit is kept.",
                )
                caveat = f" Check: {text}; that minimum is not confirmed, so the credit is kept."

        def row(
            credit: float,
            reason: str,
            summary: str,
            counted: bool,
            maximum: float | None,
            *,
            _mid: str = mid,
            _title: str | None = title,
            _caveat: str = caveat,
        ) -> MeasureScore:
            """``credit``: activity points (2024) or percent of the IA score (2025+)."""
            if _caveat and counted:
                reason += _caveat
                summary += " (estimate: short period)"
            return MeasureScore(
                measure_id=_mid,
                category="ia",
                collection_type=mset.submission_method,
                points=credit if weighted else None,
                max_points=maximum if weighted else None,
                credit_percent=None if weighted else credit,
                counted=counted,
                reason=reason,
                summary=summary,
                title=_title,
                estimate=bool(_caveat) and counted,
            )

        if m.value is not True:
            rows.append(
                row(0.0, "Not attested (No): no credit.", "not attested: no credit", False, None)
            )
            continue
        if too_short is not None:
            short_periods += 1
            rows.append(row(0.0, too_short, "period too short: no credit", False, None))
            continue
        if mid == pcmh:
            pcmh_done = True
            rows.append(
                row(
                    cap,
                    "Patient-Centered Medical Home (or comparable specialty practice) "
                    "attestation: full credit for the category.",
                    "medical home: full IA credit",
                    True,
                    cap,
                )
            )
            continue
        if info is None or info.category != "ia":
            rows.append(
                row(
                    0.0,
                    f"{mid} is not a {year} improvement activity: no credit.",
                    f"not a {year} activity: no credit",
                    False,
                    None,
                )
            )
            continue
        if weighted:
            assert ia.high_points and ia.medium_points
            weight = str(info.data.get("weight") or "")
            if weight not in ("high", "medium"):
                rows.append(
                    row(
                        0.0,
                        f"{mid} has no high/medium weight in {year}: no credit.",
                        "no weight: no credit",
                        False,
                        None,
                    )
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
                    f"{weight}-weighted: {_r(pts)} pts" + (" (doubled)" if special else ""),
                    True,
                    pts,
                )
            )
        else:
            count += 1
            share = 100.0 / need
            credit = min(share, room - given)
            if credit <= 1e-9:
                full = (
                    f"{need} of {need} already"
                    if not apm_credit
                    else f"APM credit {_r(apm_credit)}% + {credited} of {need} already"
                )
                rows.append(
                    row(
                        0.0,
                        "Activity attested, but the IA score is already full "
                        f"({full}): it adds nothing.",
                        f"adds nothing ({full})",
                        False,
                        share,
                    )
                )
                continue
            given += credit
            credited += 1
            rows.append(
                row(
                    credit,
                    f"Activity attested: {need} activit{'y' if need == 1 else 'ies'} "
                    f"give{'s' if need == 1 else ''} full credit"
                    + (f" ({', '.join(statuses)})" if special else "")
                    + f", so each gives {_r(share)}% of the IA score"
                    + (
                        f"; with the MIPS APM credit of {_r(apm_credit)}% this one adds "
                        f"{_r(credit)}% to reach 100%."
                        if credit < share
                        else "."
                    ),
                    f"{_r(credit)}% of the IA score ({credited} of {need})",
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
    if short_periods:
        text += (
            f" {short_periods} activit{'y' if short_periods == 1 else 'ies'} got no credit: "
            f"the performance period {mset.performance_start} – {mset.performance_end} is "
            f"shorter than {'its' if short_periods == 1 else 'their'} minimum period."
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
    scored = [_score_set(s, rules, lookup, options, log, apm) for s in sets]
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
            estimate=any(r.estimate and r.counted for r in rows),
        ),
        rows,
    )
