"""Quality measures: choosing them for a year and checking the data entered for each.

Core only (no Qt). The Quality page and the command line call:

- :class:`~desktop_app.quality.picker.MeasurePicker` (search, filters, benchmarks per
  collection type with where each decile starts, topped-out/capped flags) and
  :func:`suggest_measures`;
- :func:`~desktop_app.quality.entry.check_entry` (counts add up, data completeness,
  case minimum, MIPS CQM exclusions and eCQM counts as export sees them, inverse flag,
  live points from :mod:`desktop_app.scoring` out of the measure's maximum);
- :mod:`desktop_app.quality.store` (measures picked per entity, the practice's specialty),
  with the values themselves saved through :mod:`desktop_app.reporting`.
"""

from desktop_app.formats.qpp_json import COLLECTION_TYPE_LABELS, collection_type_label
from desktop_app.quality.entry import (
    CQM_EXCLUSION_NOT_ZERO,
    ECQM_COUNTS_DONT_ADD_UP,
    FIELD_LABELS,
    FIELDS,
    Counts,
    EntryCheck,
    EntryIssue,
    check_entry,
    counts_from_text,
    counts_from_value,
    max_points,
)
from desktop_app.quality.picker import (
    ENTRY_METHODS,
    BenchmarkView,
    DecileStart,
    MeasureFilter,
    MeasurePicker,
    MeasureRow,
    Suggestion,
    specialty_label,
    suggest_measures,
)
from desktop_app.quality.store import (
    SelectedMeasure,
    practice_specialty,
    select_measure,
    selected_measures,
    set_practice_specialty,
    unselect_measure,
)

__all__ = [
    "COLLECTION_TYPE_LABELS",
    "CQM_EXCLUSION_NOT_ZERO",
    "ECQM_COUNTS_DONT_ADD_UP",
    "ENTRY_METHODS",
    "FIELDS",
    "FIELD_LABELS",
    "BenchmarkView",
    "Counts",
    "DecileStart",
    "EntryCheck",
    "EntryIssue",
    "MeasureFilter",
    "MeasurePicker",
    "MeasureRow",
    "SelectedMeasure",
    "Suggestion",
    "check_entry",
    "collection_type_label",
    "counts_from_text",
    "counts_from_value",
    "max_points",
    "practice_specialty",
    "select_measure",
    "selected_measures",
    "set_practice_specialty",
    "specialty_label",
    "suggest_measures",
    "unselect_measure",
]
