"""Score preview: quality, Promoting Interoperability, improvement activities, final score.

Pure functions over a QPP :class:`~desktop_app.formats.qpp_json.Submission`, the
year's :class:`~desktop_app.rules.ProgramRules` and a
:class:`~desktop_app.scoring.lookup.MeasureLookup` (the catalog). Every number in the
result carries a plain-English reason.
"""

from desktop_app.scoring.lookup import MeasureLookup, MemoryLookup
from desktop_app.scoring.preview import ScoringError, score_submission
from desktop_app.scoring.result import (
    CategoryScore,
    Estimate,
    MeasureScore,
    PaymentAdjustment,
    PreviewResult,
    ScoringOptions,
)

__all__ = [
    "CategoryScore",
    "Estimate",
    "MeasureLookup",
    "MeasureScore",
    "MemoryLookup",
    "PaymentAdjustment",
    "PreviewResult",
    "ScoringError",
    "ScoringOptions",
    "score_submission",
]
