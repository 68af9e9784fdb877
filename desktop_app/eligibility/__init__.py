"""MIPS eligibility (core, no Qt): low-volume threshold, exemptions, special statuses.

Public API::

    from desktop_app.eligibility import (
        evaluate_individual, evaluate_group, ClinicianFacts, LowVolumeFigures,
        EligibilityResult, Status, Level, year_rules, badge, result_badge,
    )
    from desktop_app.eligibility.store import (   # workspace data (registers migrations)
        practice_eligibility, entity_eligibility, save_figures, load_figures,
        save_facts, load_facts, save_lookup, load_lookup,
    )
"""

from desktop_app.eligibility.badges import Badge, badge, result_badge
from desktop_app.eligibility.engine import ClinicianFacts, evaluate_group, evaluate_individual
from desktop_app.eligibility.model import (
    CRITERIA,
    CRITERION_LABELS,
    FIGURES_HELP,
    SPECIAL_STATUS_LABELS,
    Criterion,
    EligibilityResult,
    FiguresError,
    Level,
    LowVolumeFigures,
    SegmentResult,
    Status,
    special_status_label,
)
from desktop_app.eligibility.thresholds import (
    SegmentDates,
    UnknownYearError,
    YearRules,
    known_years,
    year_rules,
)

__all__ = [
    "CRITERIA",
    "CRITERION_LABELS",
    "FIGURES_HELP",
    "SPECIAL_STATUS_LABELS",
    "Badge",
    "ClinicianFacts",
    "Criterion",
    "EligibilityResult",
    "FiguresError",
    "Level",
    "LowVolumeFigures",
    "SegmentDates",
    "SegmentResult",
    "Status",
    "UnknownYearError",
    "YearRules",
    "badge",
    "evaluate_group",
    "evaluate_individual",
    "known_years",
    "result_badge",
    "special_status_label",
    "year_rules",
]
