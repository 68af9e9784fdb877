"""The whole score preview of one reporting entity."""

from __future__ import annotations

import re

from desktop_app.formats.qpp_json import Submission
from desktop_app.rules import ProgramRules, load_rules
from desktop_app.rules.model import CATEGORIES, Category
from desktop_app.scoring.final import choose_weights, payment_adjustment
from desktop_app.scoring.ia import score_ia
from desktop_app.scoring.lookup import MeasureLookup
from desktop_app.scoring.pi import score_pi
from desktop_app.scoring.quality import other_program_problem, score_quality
from desktop_app.scoring.result import (
    CategoryScore,
    EstimateLog,
    MeasureScore,
    PreviewResult,
    ScoringOptions,
)


class ScoringError(ValueError):
    """The submission can't be scored as asked (year mismatch, no rules, bad option)."""


def _r(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


_MVP_ID = re.compile(r"^M\d{4}$", re.IGNORECASE)


def program_warning(program_name: str) -> str | None:
    """Why a set of this programName is not scored the way CMS scores it, or None (mips).

    The preview models traditional MIPS only; MVP (M0001...) and APP (app1, app_plus)
    sets are scored as traditional MIPS, and the result is marked an estimate.
    """
    name = program_name.strip()
    if name.lower() == "mips":
        return None
    if _MVP_ID.match(name):
        what = (
            f"MVP {name.upper()}: scored as traditional MIPS; MVP scoring — 4 quality measures "
            "chosen from the MVP's list, the MVP's improvement activities, the population "
            "health measure CMS calculates from claims, and the MVP's own benchmarks — is not "
            "modelled"
        )
    elif name.lower().startswith("app"):
        what = (
            f"APM Performance Pathway ({name}): scored as traditional MIPS; APP scoring — the "
            "APP quality measure set, Improvement Activities credit for APM participants and "
            "the APP's own category weights (cost 0%) — is not modelled"
        )
    else:
        what = (
            f"Program '{name}': scored as traditional MIPS; that program's scoring is not modelled"
        )
    return what + ". Treat this score as an estimate."


def score_submission(
    submission: Submission,
    lookup: MeasureLookup,
    options: ScoringOptions | None = None,
    *,
    year: int | None = None,
    rules: ProgramRules | None = None,
) -> PreviewResult:
    """Score a QPP submission of one entity under the rules of its performance year.

    ``year`` defaults to the submission's performanceYear; a different year is an error.
    """
    options = options or ScoringOptions()
    if year is not None and year != submission.performance_year:
        raise ScoringError(
            f"the file is for performance year {submission.performance_year}, not {year}"
        )
    year = submission.performance_year
    if rules is None:
        from desktop_app.rules import RulesError

        try:
            rules = load_rules(year)
        except RulesError as exc:
            raise ScoringError(str(exc)) from exc
    log = EstimateLog()
    warnings: list[str] = []
    for s in submission.measurement_sets:
        if s.performance_start and s.performance_start.year != year:
            warnings.append(
                f"The {s.category} set's performanceStart {s.performance_start} is not in {year}."
            )
    ia_rules = rules.ia
    for s in submission.sets("ia"):
        if s.performance_start is not None and s.performance_end is not None:
            continue
        dated = [
            m.measure_id
            for m in s.measurements
            if m.value is True and m.measure_id != ia_rules.pcmh_measure_id.value
        ]
        if dated:
            missing = " and ".join(
                name
                for name, value in (
                    ("performanceStart", s.performance_start),
                    ("performanceEnd", s.performance_end),
                )
                if value is None
            )
            warnings.append(
                "The improvement activities have no performance period dates: the "
                f"activities' periods (at least {ia_rules.minimum_period_days.value} "
                "continuous days, some activities longer) can't be checked without dates, so "
                f"their credit assumes each was performed long enough ({', '.join(dated)}). "
                "Add the dates the activities were performed (on the Improvement Activities "
                f"page, or {missing} in the file)."
            )
    program_warnings: list[str] = []
    for s in submission.measurement_sets:
        text = program_warning(s.program_name)
        if text is not None and text not in program_warnings:
            program_warnings.append(text)
            log.add(
                f"program.{s.program_name.strip()}",
                s.program_name.strip(),
                "MIPS Desk (the preview models traditional MIPS scoring only)",
                text,
            )
    warnings.extend(program_warnings)
    for s in submission.sets("quality"):
        for m in s.measurements:
            info = lookup.measure(year, m.measure_id)
            problem = (
                other_program_problem(info, s.program_name)
                if info is not None and info.category == "quality"
                else None
            )
            if problem is not None:
                warnings.append(
                    f"{problem}: it earns 0 points. Remove it from the {s.submission_method} "
                    "set or report a measure of that program."
                )
    small_only = rules.quality.small_practice_only_methods.value
    if not options.is_small_practice:
        for method in dict.fromkeys(
            s.submission_method
            for s in submission.sets("quality")
            if s.submission_method in small_only
        ):
            warnings.append(
                f"Quality measures sent as {method} earn 0 points: Medicare Part B {method} "
                "measures are for small practices (15 or fewer clinicians) only. Report them "
                "through a registry or EHR, or mark the practice small if it is."
            )
    try:
        quality, q_rows = score_quality(
            submission.sets("quality"), year, rules, lookup, options, log
        )
    except ValueError as exc:
        raise ScoringError(str(exc)) from exc
    pi, pi_rows = score_pi(submission.sets("pi"), rules, lookup, log)
    ia, ia_rows = score_ia(submission.sets("ia"), rules, lookup, options, log)
    try:
        case, weights_reason = choose_weights(rules, options, pi_submitted=pi.submitted, log=log)
    except ValueError as exc:
        raise ScoringError(str(exc)) from exc
    w = case.weights
    final_rules = rules.final
    cpb_max = final_rules.complex_patient_bonus_max.value
    cpb = 0.0
    if options.complex_patient_bonus is not None:
        cpb = min(options.complex_patient_bonus, cpb_max)
        if options.complex_patient_bonus > cpb_max:
            warnings.append(
                f"The complex patient bonus is at most {_r(cpb_max)} points; "
                f"{_r(options.complex_patient_bonus)} was reduced to {_r(cpb)}."
            )

    def weighted(cat: CategoryScore, weight: float, note: str = "") -> CategoryScore:
        score = cat.score
        if weight == 0 and cat.category == "pi" and not cat.submitted:
            return cat.model_copy(
                update={
                    "score": None,
                    "weight": 0.0,
                    "points": 0.0,
                    "reason": "Reweighted to 0%: " + weights_reason,
                }
            )
        pts = None if score is None else round(score * weight / 100.0, 4)
        return cat.model_copy(
            update={
                "weight": weight,
                "points": pts,
                "reason": cat.reason
                + note
                + (
                    f" Weight {_r(weight)}%: {_r(score or 0)} × {_r(weight)} / 100 = "
                    f"{_r(pts or 0)} points."
                    if score is not None
                    else ""
                ),
            }
        )

    categories: dict[Category, CategoryScore] = {
        "quality": weighted(quality, w["quality"]),
        "pi": weighted(pi, w["pi"]),
        "ia": weighted(ia, w["ia"]),
    }
    if w["cost"] == 0:
        cost = CategoryScore(
            category="cost",
            score=None,
            weight=0.0,
            points=0.0,
            reason="Cost is reweighted to 0%.",
        )
    elif options.cost_score is None:
        cost = CategoryScore(
            category="cost",
            score=None,
            weight=w["cost"],
            points=None,
            reason=(
                "CMS computes the cost score from claims after the year; it is unknown here, "
                "so the final score is shown as a range over cost 0–100% "
                f"(weight {_r(w['cost'])}%)."
            ),
        )
    else:
        pts = round(options.cost_score * w["cost"] / 100.0, 4)
        cost = CategoryScore(
            category="cost",
            score=options.cost_score,
            weight=w["cost"],
            points=pts,
            reason=(
                f"Expected cost score {_r(options.cost_score)}% as you entered it; weight "
                f"{_r(w['cost'])}%: {_r(pts)} points."
            ),
            submitted=True,
        )
    categories["cost"] = cost
    known = sum(c.points or 0.0 for k, c in categories.items() if k != "cost")
    cap = 100.0
    if cost.points is not None:
        low = high = min(cap, known + cost.points + cpb)
        final: float | None = round(low, 4)
        final_reason = (
            " + ".join(f"{k} {_r(categories[k].points or 0)}" for k in CATEGORIES)
            + (f" + complex patient bonus {_r(cpb)}" if cpb else "")
            + f" = {_r(known + cost.points + cpb)}"
            + (" (capped at 100)" if known + cost.points + cpb > cap else "")
            + " points."
        )
    else:
        low = min(cap, known + cpb)
        high = min(cap, known + w["cost"] + cpb)
        final = None
        final_reason = (
            f"Cost unknown: {_r(known)} points from quality, PI and IA"
            + (f" + {_r(cpb)} complex patient bonus" if cpb else "")
            + f", plus 0 to {_r(w['cost'])} from cost = {_r(low)} to {_r(high)} points."
        )
    low, high = round(low, 4), round(high, 4)
    threshold = final_rules.performance_threshold
    log.use(
        "final.performance_threshold",
        threshold,
        "The performance threshold is not confirmed for this year.",
    )
    adjustment = payment_adjustment(low, high, rules)
    measures: list[MeasureScore] = [*q_rows, *pi_rows, *ia_rows]
    estimates = log.items
    entity = {
        "entity_type": submission.entity_type,
        "tin": submission.taxpayer_identification_number,
        "npi": submission.national_provider_identifier,
    }
    return PreviewResult(
        performance_year=year,
        entity=entity,
        final_score=final,
        final_score_range=(low, high),
        final_score_reason=final_reason,
        threshold=threshold.value,
        threshold_reason=(
            f"Performance threshold for {year}: {_r(threshold.value)} points. "
            + threshold.describe()
        ),
        categories=categories,
        weights_case=case.case,
        weights_reason=weights_reason,
        measures=measures,
        complex_patient_bonus=cpb,
        payment_adjustment=adjustment,
        estimates=estimates,
        is_estimate=bool(estimates)
        or bool(program_warnings)
        or any(c.estimate for c in categories.values()),
        warnings=warnings,
    )
