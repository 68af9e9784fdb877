"""Eligibility from the facts a practice knows: clinician type, enrollment, QP, low volume.

The rule implemented (42 CFR 414.1305/414.1310; seeds 003 and 004; QPP's "MIPS
Eligibility" and "Determination Period" pages):

* Outside MIPS whatever the volume: a clinician type that isn't MIPS eligible, a
  clinician first enrolled in Medicare during the performance year (newly
  enrolled), a Qualifying APM Participant (QP). Such clinicians can't opt in.
  A group is "otherwise eligible" when at least one of its clinicians is none of these.
* Low-volume threshold (LVT), per segment: each of the three criteria (Part B
  allowed charges, Part B beneficiaries, covered professional services) is
  exceeded only when the figure is strictly above the year's threshold; at or
  below ($90,000 / 200 / 200) is not exceeding.
* Two segments: CMS excludes anyone at or below a criterion "during either of the
  2 determination periods". So a criterion counts as exceeded only when it is
  exceeded in every segment entered (both, or the only one entered: with one
  segment, that segment decides, as QPP does for a TIN/NPI new in segment 2).
  All 3 criteria exceeded -> MIPS eligible (equivalently: above the LVT in both
  segments; below in either -> exempt). 1 or 2 -> opt-in eligible. 0 -> exempt.
  Example: segment 1 exceeds all 3 and segment 2 only the charges -> opt-in
  eligible on the charges; segment 1 exceeds only the charges and segment 2
  only the beneficiaries -> no criterion exceeded in both -> exempt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from desktop_app.eligibility.model import (
    CRITERIA,
    CRITERION_LABELS,
    OPTIONS_SENTENCE,
    Criterion,
    EligibilityResult,
    Level,
    LowVolumeFigures,
    SegmentResult,
    Status,
    format_figure,
    threshold_of,
)
from desktop_app.eligibility.thresholds import YearRules, year_rules
from desktop_app.models.clinician_types import ELIGIBLE_CLINICIAN_TYPES


@dataclass(frozen=True)
class ClinicianFacts:
    """What decides whether a clinician is otherwise eligible for MIPS."""

    clinician_type: str
    medicare_enrollment_date: dt.date | None = None
    qp: bool = False
    name: str = ""


def _long_date(d: dt.date) -> str:
    return f"{d.strftime('%B')} {d.day}, {d.year}"


def evaluate_segment(rules: YearRules, number: int, figures: LowVolumeFigures) -> SegmentResult:
    """Which of the three criteria ``figures`` exceed (strictly above the threshold)."""
    exceeded = tuple(c for c in CRITERIA if figures.value(c) > threshold_of(rules, c))
    return SegmentResult(rules.segment(number), figures, exceeded)


def _segment_reason(rules: YearRules, seg: SegmentResult) -> str:
    parts = []
    for c in CRITERIA:
        value = format_figure(c, seg.figures.value(c))
        limit = format_figure(c, threshold_of(rules, c))
        if c in seg.exceeded:
            relation = f"more than {limit}"
        else:
            relation = f"{limit} or {'less' if c is Criterion.ALLOWED_CHARGES else 'fewer'}"
        parts.append(f"{CRITERION_LABELS[c]} {value} ({relation})")
    return (
        f"{seg.dates.label}: exceeds {seg.exceeded_count} of the 3 low-volume threshold "
        f"criteria. " + "; ".join(parts) + "."
    )


def _labels(criteria: Iterable[Criterion]) -> str:
    names = [CRITERION_LABELS[c].split(" (")[0].lower() for c in criteria]
    names = [n.replace("part b", "Part B") for n in names]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _low_volume(
    rules: YearRules,
    segment1: LowVolumeFigures | None,
    segment2: LowVolumeFigures | None,
    who: str,
    excluded: bool = False,
) -> tuple[Status, list[str], tuple[SegmentResult, ...], tuple[Criterion, ...]]:
    """Status from the low-volume figures alone, with the reasons."""
    segments = tuple(
        evaluate_segment(rules, n, f) for n, f in ((1, segment1), (2, segment2)) if f is not None
    )
    if not segments:
        s1, s2 = rules.segments
        return (
            Status.NOT_DETERMINED,
            [
                f"Low-volume figures not entered yet: enter {who}'s Part B allowed charges, "
                f"beneficiaries and covered professional services for {s1.label} and "
                f"{s2.label}, or look them up on QPP."
            ],
            (),
            (),
        )
    reasons = [_segment_reason(rules, s) for s in segments]
    where = "in both segments" if len(segments) == 2 else f"in segment {segments[0].dates.number}"
    if len(segments) == 1:
        reasons.append(
            f"Only segment {segments[0].dates.number}'s figures are entered, so that segment "
            "decides."
        )
    exceeded = tuple(c for c in CRITERIA if all(c in s.exceeded for s in segments))
    if len(segments) == 2 and segments[0].exceeded != segments[1].exceeded:
        reasons.append(
            "The segments differ. A criterion counts as exceeded only if it is exceeded in "
            "both segments: CMS excludes clinicians and groups at or below a threshold in "
            "either segment."
        )
    if excluded:
        reasons.append(
            f"{len(exceeded)} of the 3 low-volume threshold criteria exceeded {where}; the "
            "volume doesn't decide here, because of the exemption above."
        )
        status = Status.ELIGIBLE if len(exceeded) == len(CRITERIA) else Status.EXEMPT
        return status, reasons, segments, exceeded
    if len(exceeded) == len(CRITERIA):
        reasons.append(
            f"Exceeds the low-volume threshold (all 3 criteria) {where}: MIPS eligible, "
            "required to report."
        )
        return Status.ELIGIBLE, reasons, segments, exceeded
    if exceeded:
        reasons.append(
            f"Exceeds {len(exceeded)} of the 3 low-volume threshold criteria ({_labels(exceeded)}) "
            f"{where}, but not all 3: opt-in eligible. {OPTIONS_SENTENCE}"
        )
        return Status.OPT_IN_ELIGIBLE, reasons, segments, exceeded
    none = (
        "No low-volume threshold criterion is exceeded in both segments"
        if len(segments) == 2
        else f"Doesn't exceed any low-volume threshold criterion {where}"
    )
    reasons.append(f"{none}: MIPS exempt (not required to report and not opt-in eligible).")
    return Status.EXEMPT, reasons, segments, exceeded


def _personal_reasons(year: int, facts: ClinicianFacts) -> tuple[list[str], list[str]]:
    """(reasons that exclude the clinician from MIPS, reasons that don't)."""
    excluding: list[str] = []
    fine: list[str] = []
    code = facts.clinician_type.strip().upper()
    if code in ELIGIBLE_CLINICIAN_TYPES:
        fine.append(f"{ELIGIBLE_CLINICIAN_TYPES[code]} is a MIPS eligible clinician type.")
    else:
        excluding.append(
            f"Clinician type '{facts.clinician_type}' is not a MIPS eligible clinician type: "
            "exempt from MIPS."
        )
    enrolled = facts.medicare_enrollment_date
    if enrolled is None:
        fine.append(
            f"Medicare enrollment date not entered: assumed enrolled in Medicare before {year}."
        )
    elif enrolled.year == year:
        excluding.append(
            f"Newly enrolled in Medicare: first enrolled {_long_date(enrolled)}, during "
            f"performance year {year}. Exempt from MIPS for {year}."
        )
    elif enrolled.year > year:
        excluding.append(
            f"Not enrolled in Medicare during {year} (enrolled {_long_date(enrolled)}): "
            f"exempt from MIPS for {year}."
        )
    else:
        fine.append(f"Enrolled in Medicare since {_long_date(enrolled)}, before {year}.")
    if facts.qp:
        excluding.append(
            f"Qualifying APM Participant (QP) for {year}: exempt from MIPS (QPs get the "
            "Advanced APM incentive instead)."
        )
    return excluding, fine


def _small_practice(rules: YearRules, size: int | None) -> tuple[list[str], list[str]]:
    if size is None:
        return [], []
    limit = rules.small_practice_max_clinicians
    if size <= limit:
        return ["small_practice"], [
            f"Small practice: {size} clinician(s) bill under the practice's TIN ({limit} or fewer)."
        ]
    return [], [f"Not a small practice: {size} clinicians bill under the TIN (more than {limit})."]


def _merge_statuses(*groups: Iterable[str]) -> tuple[str, ...]:
    seen: list[str] = []
    for group in groups:
        for code in group:
            if code not in seen:
                seen.append(code)
    return tuple(seen)


def evaluate_individual(
    year: int,
    clinician_type: str,
    medicare_enrollment_date: dt.date | None = None,
    qp: bool = False,
    segment1: LowVolumeFigures | None = None,
    segment2: LowVolumeFigures | None = None,
    special_statuses: Iterable[str] = (),
    practice_size: int | None = None,
) -> EligibilityResult:
    """MIPS eligibility of one clinician at one practice (TIN/NPI) for ``year``."""
    rules = year_rules(year)
    facts = ClinicianFacts(clinician_type, medicare_enrollment_date, qp)
    excluding, fine = _personal_reasons(year, facts)
    status, lv_reasons, segments, exceeded = _low_volume(
        rules, segment1, segment2, "the clinician", excluded=bool(excluding)
    )
    small, small_reasons = _small_practice(rules, practice_size)
    reasons = [*fine, *excluding, *lv_reasons]
    if excluding:
        status = Status.EXEMPT
        reasons.append(
            "Opt-in isn't possible: only clinicians who are otherwise eligible for MIPS "
            "may opt in or report voluntarily."
        )
    reasons.extend(small_reasons)
    return EligibilityResult(
        year=year,
        level=Level.INDIVIDUAL,
        status=status,
        reasons=tuple(reasons),
        segments=segments,
        criteria_exceeded=exceeded,
        special_statuses=_merge_statuses(small, special_statuses),
        is_estimate=rules.is_estimate,
    )


def evaluate_group(
    year: int,
    clinicians: Sequence[ClinicianFacts],
    segment1: LowVolumeFigures | None = None,
    segment2: LowVolumeFigures | None = None,
    clinician_count: int | None = None,
    special_statuses: Iterable[str] = (),
) -> EligibilityResult:
    """MIPS eligibility of the practice as a group (its TIN) for ``year``.

    The figures are the TIN's combined figures. ``clinician_count`` (clinicians
    billing under the TIN) defaults to the number of clinicians given and decides
    the small-practice status.
    """
    rules = year_rules(year)
    reasons: list[str] = []
    excluded = False
    if clinicians:
        otherwise_eligible = [c for c in clinicians if not _personal_reasons(year, c)[0]]
        if otherwise_eligible:
            reasons.append(
                f"{len(otherwise_eligible)} of {len(clinicians)} clinician(s) are otherwise "
                "eligible for MIPS (eligible type, enrolled in Medicare before "
                f"{year}, not a QP)."
            )
        else:
            excluded = True
            reasons.append(
                "None of the practice's clinicians is otherwise eligible for MIPS (each is a "
                f"type outside MIPS, newly enrolled in {year}, or a QP): the group is exempt."
            )
    else:
        reasons.append(
            "No clinicians listed yet: add the clinicians who bill under the TIN on the "
            "Practice page. The group is assumed to have at least one MIPS eligible clinician."
        )
    status, lv_reasons, segments, exceeded = _low_volume(
        rules, segment1, segment2, "the group", excluded=excluded
    )
    reasons.extend(lv_reasons)
    if excluded:
        status = Status.EXEMPT
    size = clinician_count if clinician_count is not None else (len(clinicians) or None)
    small, small_reasons = _small_practice(rules, size)
    reasons.extend(small_reasons)
    return EligibilityResult(
        year=year,
        level=Level.GROUP,
        status=status,
        reasons=tuple(reasons),
        segments=segments,
        criteria_exceeded=exceeded,
        special_statuses=_merge_statuses(small, special_statuses),
        is_estimate=rules.is_estimate,
    )
