"""Final score: category weights (with reweighting), cost, bonus, threshold, adjustment."""

from __future__ import annotations

from desktop_app.rules.model import CATEGORIES, Category, ProgramRules, WeightCase
from desktop_app.scoring.ia import status_label
from desktop_app.scoring.result import EstimateLog, PaymentAdjustment, ScoringOptions


def _r(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def choose_weights(
    rules: ProgramRules,
    options: ScoringOptions,
    *,
    pi_submitted: bool,
    log: EstimateLog,
) -> tuple[WeightCase, str]:
    """The weight table row that applies, and why."""
    zeroed: set[Category] = set()
    why: list[str] = []
    triggers = [
        status_label(code)
        for code in sorted(options.statuses & set(rules.pi_reweighting_statuses.value))
    ]
    if options.pi_hardship:
        triggers.append("approved PI hardship exception")
    if triggers:
        if pi_submitted:
            why.append(
                f"Special status ({', '.join(triggers)}) would reweight Promoting "
                "Interoperability to 0%, but PI data is present, so PI is scored."
            )
        else:
            zeroed.add("pi")
            why.append(
                f"Promoting Interoperability is reweighted to 0% automatically "
                f"({', '.join(triggers)}) because no PI data is present."
            )
    if options.cost_reweighted:
        zeroed.add("cost")
        why.append("Cost is reweighted to 0% (as you stated).")
    small = options.is_small_practice
    matches = [
        w
        for w in rules.weights
        if set(w.zeroed) == zeroed and (w.small_practice is None or w.small_practice == small)
    ]
    if not matches:
        raise ValueError(
            f"the {rules.performance_year} rules have no weight table for "
            f"{'a small practice with ' if small else ''}"
            f"{' and '.join(sorted(zeroed)) or 'no'} reweighting"
        )
    # A row written for this practice size wins over one for either size.
    case = sorted(matches, key=lambda w: w.small_practice is None)[0]
    if not case.confirmed:
        log.add(
            f"weights.{case.case}",
            case.weights,
            case.source,
            f"The weights for '{case.label}' are not confirmed by CMS text.",
        )
    weights = ", ".join(f"{c} {_r(case.weights[c])}%" for c in CATEGORIES)
    why.append(f"Weights ({case.label}): {weights}.")
    return case, " ".join(why)


def payment_adjustment(
    score_low: float, score_high: float, rules: ProgramRules
) -> PaymentAdjustment:
    """The payment adjustment band for a final score (or a range of them)."""
    f = rules.final
    threshold = f.performance_threshold.value
    floor = f.floor_score.value
    worst = f.max_negative_adjustment_percent.value
    best = f.max_positive_adjustment_percent.value
    pay_year = rules.performance_year + f.payment_year_offset.value

    def one(score: float) -> tuple[str, float | None, float]:
        if score <= floor:
            return "negative", worst, worst
        if score < threshold:
            pct = worst * (threshold - score) / (threshold - floor)
            return "negative", pct, pct
        if score == threshold:
            return "neutral", 0.0, 0.0
        return "positive", None, best * (score - threshold) / (100.0 - threshold)

    band_lo, pct_lo, raw_lo = one(score_low)
    band_hi, _, raw_hi = one(score_high)
    if score_low == score_high:
        score = score_low
        if band_lo == "negative":
            reason = (
                f"Final score {_r(score)} is below the performance threshold {_r(threshold)}: "
                + (
                    f"at or below {_r(floor)} points the adjustment is the maximum {_r(worst)}%."
                    if score <= floor
                    else f"{_r(worst)}% × ({_r(threshold)} − {_r(score)}) / ({_r(threshold)} − "
                    f"{_r(floor)}) = {pct_lo:.2f}% on {pay_year} Medicare Part B payments."
                )
            )
        elif band_lo == "neutral":
            reason = f"Final score equals the performance threshold {_r(threshold)}: no adjustment."
        else:
            reason = (
                f"Final score {_r(score)} is above the threshold {_r(threshold)}: a positive "
                f"adjustment in {pay_year}, up to {raw_lo:.2f}% before CMS scales all positive "
                "adjustments for budget neutrality (the scaling factor is not known in advance)."
            )
        return PaymentAdjustment(
            band=band_lo,
            percent=round(pct_lo, 4) if pct_lo is not None else None,
            percent_before_scaling=round(raw_lo, 4),
            percent_range=(round(raw_lo, 4), round(raw_lo, 4)),
            payment_year=pay_year,
            reason=reason,
        )
    same = band_lo == band_hi
    reason = (
        f"With cost unknown the final score is between {_r(score_low)} and {_r(score_high)}: "
        f"the {pay_year} adjustment is between {raw_lo:.2f}% and {raw_hi:.2f}%"
        + (" (positive ones before budget-neutral scaling)." if band_hi == "positive" else ".")
    )
    return PaymentAdjustment(
        band=band_lo if same else "unknown",
        percent=None,
        percent_before_scaling=None,
        percent_range=(round(raw_lo, 4), round(raw_hi, 4)),
        payment_year=pay_year,
        reason=reason,
    )
