"""Quality category: per-measure achievement points and the category score."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.catalog.model import MeasureInfo
from desktop_app.formats.qpp_json import (
    MeasurementSet,
    MultiPerformanceRate,
    NonProportion,
    SinglePerformanceRate,
    Stratum,
    collection_type_label,
)
from desktop_app.rules.model import ProgramRules
from desktop_app.scoring.deciles import achievement_points
from desktop_app.scoring.lookup import MeasureLookup
from desktop_app.scoring.result import CategoryScore, EstimateLog, MeasureScore, ScoringOptions


def _r(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class RateFigures:
    """What the rules need from a measurement: rate, completeness, population."""

    performance_rate: float | None
    data_completeness: float | None
    eligible_population: int
    explanation: str
    estimate: bool = False


def _single(counts: SinglePerformanceRate | Stratum) -> RateFigures:
    den = counts.performance_denominator
    rate = counts.performance_rate
    dc = counts.reporting_rate
    text = (
        f"performance rate = met {counts.performance_met} / (met {counts.performance_met}"
        f" + not met {counts.not_met} = {den})"
        + (f" = {_r(rate)}%" if rate is not None else " (nothing met or not met: no rate)")
    )
    return RateFigures(rate, dc, counts.eligible_population, text)


def combine_strata(value: MultiPerformanceRate, measure: MeasureInfo | None) -> RateFigures:
    """One performance rate from strata, by the measure's overallAlgorithm.

    - simpleAverage: the mean of the strata's rates (strata with no denominator skipped);
    - weightedAverage: every stratum weighted by its performance denominator
      (= total met / total denominator);
    - sumNumerators: total met over the largest stratum's denominator (the strata share
      one denominator), at most 100%;
    - overallStratumOnly: the stratum named "overall";
    - split (measures 226, 431): the last stratum the catalog lists (the combined rate).
    Data completeness is total reported / total eligible population over the strata used;
    the case minimum uses the largest stratum's eligible population.
    """
    algorithm = str(measure.data.get("overallAlgorithm") or "") if measure else ""
    strata = list(value.strata)
    by_name = {s.stratum.lower(): s for s in strata}
    if algorithm in ("overallStratumOnly", "split"):
        if algorithm == "overallStratumOnly":
            wanted = "overall"
        else:
            names = [str(s.get("name", "")) for s in (measure.data.get("strata") or [])]  # type: ignore[union-attr]
            wanted = names[-1].lower() if names else ""
        chosen = by_name.get(wanted)
        if chosen is None:
            return RateFigures(
                None,
                None,
                max(s.eligible_population for s in strata),
                f"{algorithm}: the stratum '{wanted}' that gives this measure's rate is missing",
            )
        fig = _single(chosen)
        return RateFigures(
            fig.performance_rate,
            fig.data_completeness,
            fig.eligible_population,
            f"{algorithm}: stratum '{chosen.stratum}' gives the rate; " + fig.explanation,
            estimate=algorithm == "split",
        )
    population = max(s.eligible_population for s in strata)
    total_pop = sum(s.eligible_population for s in strata)
    dc = 100.0 * sum(s.reported for s in strata) / total_pop if total_pop else None
    dens = [s.performance_denominator for s in strata]
    mets = [s.performance_met for s in strata]
    if algorithm == "simpleAverage":
        rates = [s.performance_rate for s in strata if s.performance_rate is not None]
        rate = sum(rates) / len(rates) if rates else None
        text = "simple average of the strata rates " + ", ".join(_r(x) for x in rates)
    elif algorithm == "sumNumerators":
        den = max(dens) if dens else 0
        rate = min(100.0, 100.0 * sum(mets) / den) if den > 0 else None
        text = f"sum of numerators {sum(mets)} / shared denominator {den}"
    else:
        den = sum(dens)
        rate = 100.0 * sum(mets) / den if den > 0 else None
        label = (
            "weighted average"
            if algorithm == "weightedAverage"
            else ("no overallAlgorithm in the catalog: weighted average")
        )
        text = f"{label}: total met {sum(mets)} / total denominator {den}"
    if rate is not None:
        text += f" = {_r(rate)}%"
    return RateFigures(
        rate,
        dc,
        population,
        text,
        estimate=algorithm not in ("simpleAverage", "weightedAverage", "sumNumerators"),
    )


def _seven_point_cap_removed(measure: MeasureInfo | None, method: str) -> bool:
    if measure is None:
        return False
    removed = measure.data.get("sevenPointCapRemoved") or []
    return bool(measure.data.get("isSevenPointCapRemoved")) and (not removed or method in removed)


def program_label(program_name: str) -> str:
    """'mips' -> 'MIPS', 'M0002' -> 'MVP M0002', 'appPlus' -> 'appPlus'."""
    name = program_name.strip()
    if name.lower() == "mips":
        return "MIPS"
    if len(name) == 5 and name[0] in "mM" and name[1:].isdigit():
        return f"MVP {name.upper()}"
    return name


def other_program_problem(measure: MeasureInfo, program_name: str) -> str | None:
    """Why CMS won't score ``measure`` in a set of ``program_name``, or None if it will.

    A measure's ``allowedPrograms`` (measures-data.json) lists the programs it can be
    reported in: the ACO measures 001SSP, 236SSP, for example, only in appPlus. A
    record without the field is not checked (CMS's default is MIPS, but an MVP set
    can't be checked against it).
    """
    allowed = measure.data.get("allowedPrograms")
    if not isinstance(allowed, list):
        return None
    programs = [str(p) for p in allowed]
    if program_name.strip().lower() in {p.lower() for p in programs}:
        return None
    label = program_label(program_name)
    what = "a MIPS measure" if label == "MIPS" else f"a measure of {label}"
    article = "an" if label.startswith("MVP") or label[:1].lower() in "aeiou" else "a"
    return (
        f"{measure.measure_id} is not {what} (only for {', '.join(programs) or 'no program'}); "
        f"CMS won't score it in {article} {label} submission"
    )


def score_quality_measure(
    measure_id: str,
    value: object,
    submission_method: str,
    year: int,
    rules: ProgramRules,
    lookup: MeasureLookup,
    options: ScoringOptions,
    log: EstimateLog,
    program_name: str = "mips",
) -> MeasureScore:
    """Achievement points of one quality measurement for one collection type."""
    q = rules.quality
    small = options.is_small_practice
    floor = q.small_practice_floor.value if small else q.unscorable_points.value
    floor_text = f"{_r(floor)} points (small-practice floor)" if small else f"{_r(floor)} points"
    floor_short = f"{_r(floor)} pts" + (" (small-practice floor)" if small else "")
    measure = lookup.measure(year, measure_id)
    title = measure.title if measure else None
    ctype = collection_type_label(submission_method)  # 'eCQM', as CMS names it to users
    # The most this measure can earn as this collection type: the topped-out cap when
    # the benchmark is topped out by program and CMS did not remove the cap for it
    # (desktop_app.quality.entry.max_points says the same on the Quality page).
    bench = lookup.benchmark(year, measure_id, submission_method) if measure else None
    cap = q.topped_out_cap.value
    capped = (
        bench is not None
        and bench.is_topped_out_by_program
        and not _seven_point_cap_removed(measure, submission_method)
    )
    most = min(q.max_points_per_measure.value, cap) if capped else q.max_points_per_measure.value

    def result(
        points: float,
        reason: str,
        fig: RateFigures | None = None,
        *,
        decile: int | None = None,
        estimate: bool = False,
        summary: str = "",
    ) -> MeasureScore:
        return MeasureScore(
            measure_id=measure_id,
            category="quality",
            collection_type=submission_method,
            points=round(points, 4),
            max_points=most,
            counted=True,
            reason=reason,
            summary=summary,
            title=title,
            performance_rate=round(fig.performance_rate, 4)
            if fig and fig.performance_rate is not None
            else None,
            data_completeness=round(fig.data_completeness, 4)
            if fig and fig.data_completeness is not None
            else None,
            eligible_population=fig.eligible_population if fig else None,
            decile=decile,
            estimate=estimate or bool(fig and fig.estimate),
        )

    if measure is None or measure.category != "quality":
        return result(
            0.0,
            f"Measure {measure_id} is not a {year} quality measure in the catalog: 0 points.",
            summary=f"not a {year} quality measure: 0 pts",
        )
    other_program = other_program_problem(measure, program_name)
    if other_program is not None:
        return result(
            0.0,
            f"{other_program}: 0 points. Report a measure of the {program_label(program_name)} "
            "program instead.",
            summary=f"not a {program_label(program_name)} measure: 0 pts",
        )
    if submission_method in q.small_practice_only_methods.value and not small:
        return result(
            0.0,
            f"{ctype} measures may be reported by small practices "
            "(15 or fewer clinicians) only, and this practice is not marked small: 0 points. "
            "Report the measure through a registry or EHR, or mark the practice small if it is.",
            summary=f"{ctype}: small practices only, 0 pts",
        )
    if isinstance(value, SinglePerformanceRate):
        fig = _single(value)
    elif isinstance(value, MultiPerformanceRate):
        fig = combine_strata(value, measure)
    elif isinstance(value, NonProportion):
        log.add(
            f"quality.non_proportion.{measure_id}",
            None,
            "MIPS Desk",
            f"Measure {measure_id} is a non-proportion measure; the preview does not score "
            "those and shows the points of an unscorable measure.",
        )
        return result(
            floor,
            f"Non-proportion measure: the preview cannot score it, so it shows {floor_text} "
            "(estimate).",
            estimate=True,
            summary=f"non-proportion, not scored: {_r(floor)} pts (estimate)",
        )
    else:
        return result(
            0.0,
            "The value is not a performance-rate object (performanceMet, eligiblePopulation, "
            "...): 0 points.",
            summary="not a performance rate: 0 pts",
        )

    dc_min = q.data_completeness_percent.value
    case_min = q.case_minimum.value
    first_year = measure.data.get("firstPerformanceYear")
    new_floor = 0.0
    if isinstance(first_year, int) and year - first_year in (0, 1):
        new_floor = (
            q.new_measure_floor_year1.value
            if year == first_year
            else q.new_measure_floor_year2.value
        )
    if fig.data_completeness is None or fig.data_completeness < dc_min:
        shown = _r(fig.data_completeness) + "%" if fig.data_completeness is not None else "none"
        return result(
            floor,
            f"Data completeness {shown} is below the required {_r(dc_min)}% of eligible "
            f"instances: {floor_text}.",
            fig,
            summary=f"data completeness {shown} < {_r(dc_min)}%: {floor_short}",
        )
    if fig.eligible_population < case_min:
        return result(
            floor,
            f"Eligible population {fig.eligible_population} is below the case minimum of "
            f"{case_min}: {floor_text}.",
            fig,
            summary=f"{fig.eligible_population} cases < {case_min}: {floor_short}",
        )
    if fig.performance_rate is None:
        return result(
            floor, f"{fig.explanation}: {floor_text}.", fig, summary=f"no rate: {floor_short}"
        )
    if bench is None or not bench.percentiles:
        points = max(floor, new_floor)
        why = f"No {year} benchmark for this measure as {ctype}" + (
            f": new-measure floor of {_r(new_floor)} points."
            if new_floor > floor
            else f": {floor_text}."
        )
        short = (
            f"new-measure floor {_r(points)} pts"
            if new_floor > floor
            else f"no {ctype} benchmark: {floor_short}"
        )
        return result(
            points,
            f"{fig.explanation}. {why}",
            fig,
            summary=f"rate {_r(fig.performance_rate)}% · {short}",
        )
    inverse = bench.is_inverse or measure.is_inverse
    dp = achievement_points(fig.performance_rate, bench.percentiles, inverse=inverse)
    points = dp.points
    text = f"{fig.explanation}. Benchmark ({ctype}): {dp.explanation}."
    extra = ""
    if capped:
        extra = f" · topped out: max {_r(most)}"
        if points > most:
            points = most
            text += f" Topped out by program: capped at {_r(most)} points."
        else:
            text += f" Topped out by program: at most {_r(most)} points."
    elif bench.is_topped_out_by_program and points > cap:
        text += f" Topped out, but CMS removed the {_r(cap)}-point cap for this measure."
        extra = " · topped out, no cap"
    if new_floor > points:
        points = new_floor
        text += f" New measure: floor of {_r(new_floor)} points."
        extra += f" · new-measure floor {_r(new_floor)}"
    short = (
        f"rate {_r(fig.performance_rate)}%"
        + (" (inverse)" if inverse else "")
        + f" · decile {dp.decile} · {_r(points)} pts"
        + extra
    )
    return result(points, text, fig, decile=dp.decile, summary=short)


def _priority(m: MeasureInfo | None) -> tuple[bool, bool]:
    if m is None:
        return (False, False)
    return (m.is_outcome, m.is_high_priority)


def score_quality(
    sets: list[MeasurementSet],
    year: int,
    rules: ProgramRules,
    lookup: MeasureLookup,
    options: ScoringOptions,
    log: EstimateLog,
) -> tuple[CategoryScore, list[MeasureScore]]:
    """The quality category score and every measurement's points (counted or not)."""
    q = rules.quality
    all_scores: list[MeasureScore] = []
    other_program: list[MeasureScore] = []  # CMS won't score these: never counted
    for s in sets:
        for m in s.measurements:
            info = lookup.measure(year, m.measure_id)
            target = (
                other_program
                if info is not None
                and info.category == "quality"
                and other_program_problem(info, s.program_name) is not None
                else all_scores
            )
            target.append(
                score_quality_measure(
                    m.measure_id,
                    m.value,
                    s.submission_method,
                    year,
                    rules,
                    lookup,
                    options,
                    log,
                    s.program_name,
                )
            )
    required = q.required_measures.value
    reduction = options.denominator_reduction
    if reduction >= required:
        raise ValueError(
            f"a denominator reduction of {reduction} measures leaves nothing to score "
            f"(at most {required - 1})"
        )
    denominator = 10.0 * (required - reduction)
    slots = required - reduction
    excluded = [ms.model_copy(update={"counted": False}) for ms in other_program]
    if not all_scores:
        return (
            CategoryScore(
                category="quality",
                score=0.0,
                weight=0.0,
                points=0.0,
                reason=(
                    "No MIPS quality data: the quality category scores 0%."
                    if excluded
                    else "No quality data: the quality category scores 0%."
                ),
                submitted=False,
            ),
            excluded,
        )
    # One collection type per measure: the one with the most points.
    best: dict[str, MeasureScore] = {}
    for ms in all_scores:
        cur = best.get(ms.measure_id)
        if cur is None or (ms.points or 0) > (cur.points or 0):
            best[ms.measure_id] = ms
    results: list[MeasureScore] = []
    for ms in all_scores:
        if best[ms.measure_id] is not ms:
            results.append(
                ms.model_copy(
                    update={
                        "counted": False,
                        "reason": ms.reason
                        + f" Not counted: the {best[ms.measure_id].collection_type} "
                        "collection of this measure earns more points.",
                    }
                )
            )
    candidates = sorted(best.values(), key=lambda x: (-(x.points or 0), x.measure_id))
    infos = {mid: lookup.measure(year, mid) for mid in best}
    outcome = [c for c in candidates if _priority(infos[c.measure_id])[0]]
    high = [c for c in candidates if _priority(infos[c.measure_id])[1]]
    required_pick = outcome[0] if outcome else (high[0] if high else None)
    notes: list[str] = []
    if required_pick is not None:
        kind = "outcome" if outcome else "high-priority"
        picked = [required_pick, *[c for c in candidates if c is not required_pick][: slots - 1]]
        notes.append(f"Measure {required_pick.measure_id} fills the required {kind} measure slot.")
    else:
        picked = candidates[: slots - 1]
        notes.append(
            "No outcome or high-priority measure was reported: the required slot scores 0 "
            f"and at most {slots - 1} other measures count."
        )
    picked_ids = {p.measure_id for p in picked}
    for c in candidates:
        if c.measure_id in picked_ids:
            reason = c.reason
            if c is required_pick:
                reason += " Counts as the required outcome/high-priority measure."
            results.append(c.model_copy(update={"counted": True, "reason": reason}))
        else:
            results.append(
                c.model_copy(
                    update={
                        "counted": False,
                        "reason": c.reason + f" Not counted: only the best {slots} measures count.",
                    }
                )
            )
    results.extend(excluded)
    achievement = sum(p.points or 0 for p in picked)
    bonus = q.small_practice_bonus.value if options.is_small_practice else 0.0
    achievement_pct = 100.0 * achievement / denominator
    improvement = 0.0
    improvement_text = "No prior-year quality score given: no improvement score."
    if options.prior_quality_score is not None:
        prior = options.prior_quality_score
        base = prior
        floor_pct = q.improvement_prior_floor_percent.value
        if prior <= floor_pct:
            base = floor_pct
            log.use(
                "quality.improvement_prior_floor_percent",
                q.improvement_prior_floor_percent,
                f"Prior-year quality scores at or below {_r(floor_pct)}% are compared "
                f"against {_r(floor_pct)}%.",
            )
        gain = achievement_pct - base
        if gain > 0:
            improvement = min(q.improvement_max_percent.value, gain / base * 10.0)
            improvement_text = (
                f"Improvement score: ({_r(achievement_pct)}% − {_r(base)}%) / {_r(base)}% × 10 "
                f"= {_r(improvement)} points (at most {_r(q.improvement_max_percent.value)})."
            )
        else:
            improvement_text = (
                f"Achievement {_r(achievement_pct)}% is not above the prior year's "
                f"{_r(base)}%: no improvement score."
            )
    raw = 100.0 * (achievement + bonus) / denominator + improvement
    score = min(100.0, raw)
    reason = (
        f"({_r(achievement)} achievement points"
        + (f" + {_r(bonus)} small-practice bonus" if bonus else "")
        + f") / {_r(denominator)}"
        + (f" (60 reduced by {reduction} measures)" if reduction else "")
        + f" = {_r(100.0 * (achievement + bonus) / denominator)}%"
        + (f" + {_r(improvement)} improvement" if improvement else "")
        + (" = " + _r(raw) + "%, capped at 100%" if raw > 100 else "")
        + "."
    )
    estimate = any(p.estimate for p in picked)
    return (
        CategoryScore(
            category="quality",
            score=round(score, 4),
            weight=0.0,
            points=None,
            reason=reason,
            reasons=[*notes, improvement_text],
            estimate=estimate,
            submitted=True,
            details={
                "achievement_points": round(achievement, 4),
                "small_practice_bonus": bonus,
                "denominator": denominator,
                "improvement_score": round(improvement, 4),
                "measures_counted": sorted(picked_ids),
            },
        ),
        results,
    )
