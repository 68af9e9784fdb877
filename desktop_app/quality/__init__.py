"""Quality measures: choosing them for a year and checking the data entered for each.

Core only (no Qt). The Quality page and the command line call:

- :class:`~desktop_app.quality.picker.MeasurePicker` (search, filters, benchmarks per
  collection type, topped-out/capped flags) and :func:`suggest_measures`;
- :func:`~desktop_app.quality.entry.check_entry` (counts add up, data completeness,
  case minimum, inverse flag, live points from :mod:`desktop_app.scoring`);
- :mod:`desktop_app.quality.store` (measures picked per entity, the practice's specialty),
  with the values themselves saved through :mod:`desktop_app.reporting`.
"""

from desktop_app.quality.entry import (
    FIELD_LABELS,
    FIELDS,
    Counts,
    EntryCheck,
    EntryIssue,
    check_entry,
    counts_from_text,
    counts_from_value,
)
from desktop_app.quality.picker import (
    COLLECTION_TYPE_LABELS,
    ENTRY_METHODS,
    BenchmarkView,
    MeasureFilter,
    MeasurePicker,
    MeasureRow,
    Suggestion,
    collection_type_label,
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
    "ENTRY_METHODS",
    "FIELDS",
    "FIELD_LABELS",
    "BenchmarkView",
    "Counts",
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
    "practice_specialty",
    "select_measure",
    "selected_measures",
    "set_practice_specialty",
    "specialty_label",
    "suggest_measures",
    "unselect_measure",
]
