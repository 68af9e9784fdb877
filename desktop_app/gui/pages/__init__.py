"""The reporting journey: the steps shown in the main window's left navigation.

Each step is one line of :data:`JOURNEY`. A step whose ``page_class`` is None is
shown greyed and labelled "Coming soon", with a page that says what it will do.
To plug in a page, create its module here (e.g. ``score.py`` with a
:class:`~desktop_app.gui.pages.base.Page` subclass) and replace ``None`` in that
step's line with the class, or with a small factory that imports it lazily,
e.g. ``lambda: _load("score", "ScorePage")``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from desktop_app.gui.pages.base import Page

PageFactory = type[Page] | Callable[[], type[Page]]


@dataclass(frozen=True)
class JourneyStep:
    key: str
    title: str
    page_class: PageFactory | None
    blurb: str
    """One or two sentences saying what the step is for (shown while it is coming)."""

    @property
    def available(self) -> bool:
        return self.page_class is not None

    def resolve(self) -> type[Page] | None:
        """The page class, importing it if the step names a factory."""
        if self.page_class is None:
            return None
        if isinstance(self.page_class, type):
            return self.page_class
        return self.page_class()


def _load(module: str, cls: str) -> type[Page]:
    """Import ``desktop_app.gui.pages.<module>.<cls>`` (for lazy JOURNEY entries)."""
    page: type[Page] = getattr(importlib.import_module(f"desktop_app.gui.pages.{module}"), cls)
    return page


# fmt: off
JOURNEY: list[JourneyStep] = [
    JourneyStep("practice", "Practice", lambda: _load("practice", "PracticePage"), "Your practice's TIN, name and address, and the clinicians who bill under it."),  # noqa: E501
    JourneyStep("eligibility", "Eligibility", lambda: _load("eligibility", "EligibilityPage"), "Check which clinicians are MIPS eligible, at the individual and group level, and any special statuses such as small practice or rural."),  # noqa: E501
    JourneyStep("election", "Election", lambda: _load("election", "ElectionPage"), "Decide how to take part: report as individuals or as a group, and opt in or report voluntarily when the practice may choose."),  # noqa: E501
    JourneyStep("quality", "Quality", lambda: _load("quality", "QualityPage"), "Choose quality measures and enter each one's performance data for the year."),  # noqa: E501
    JourneyStep("pi", "Promoting Interoperability", lambda: _load("pi", "PiPage"), "Attest to the Promoting Interoperability measures and enter their numerators and denominators."),  # noqa: E501
    JourneyStep("ia", "Improvement Activities", lambda: _load("ia", "IaPage"), "Attest to the improvement activities your practice performed during the year."),  # noqa: E501
    JourneyStep("score", "Score preview", lambda: _load("score", "ScorePage"), "See an estimate of your MIPS final score and what it could mean for the payment adjustment."),  # noqa: E501
    JourneyStep("export", "Export & upload", lambda: _load("export", "ExportPage"), "Create the QPP JSON or QRDA III file, check it, and upload it to the Quality Payment Program."),  # noqa: E501
]
# fmt: on


def step(key: str) -> JourneyStep:
    """The journey step with this key (KeyError if there is none)."""
    for s in JOURNEY:
        if s.key == key:
            return s
    raise KeyError(key)
