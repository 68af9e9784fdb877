"""The IA page and activities' own periods: the medical home attestation keeps no
dates and leaves the category period alone; an activity stated in months."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import QDate
from test_ia_page import TIN, _done, _open

from desktop_app import attestation as att
from desktop_app.attestation import ia as ia_module
from desktop_app.reporting import EntityKey
from desktop_app.rules import load_rules


@pytest.fixture
def page(ctx: Any, qtbot: Any, catalog: Any) -> Any:
    return _open(ctx, qtbot, catalog)


def _set_dates(page: Any, start: QDate, end: QDate) -> None:
    page.start_edit.setDate(start)
    page.end_edit.setDate(end)
    page.end_edit.editingFinished.emit()


def test_medical_home_keeps_no_dates_and_the_period_comes_from_the_others(
    ctx: Any, qtbot: Any, catalog: Any
) -> None:
    page = _open(ctx, qtbot, catalog, year=2024)
    page.select("IA_PM_2")
    page.completed.setChecked(True)
    _set_dates(page, QDate(2024, 5, 1), QDate(2024, 8, 31))
    assert page.d_error.text() == ""
    page.select("IA_PCMH")
    page.completed.setChecked(True)
    done = _done(page, 2024)
    assert set(done) == {"IA_PM_2", "IA_PCMH"}
    assert (done["IA_PCMH"].start, done["IA_PCMH"].end) == (None, None)
    assert not page.dates_box.isVisible()
    assert "no performance period of its own" in page.d_period.text()
    assert page.period_label.text() == (
        "Performance period (from the activities): 05/01/2024 – 08/31/2024"
    )
    built = att.build_pi_ia_submission(ctx.workspace, EntityKey(2024, TIN)).sets("ia")[0]
    assert (built.performance_start, built.performance_end) == (
        dt.date(2024, 5, 1),
        dt.date(2024, 8, 31),
    )


def test_medical_home_alone_says_the_whole_year_is_exported(page: Any) -> None:
    page.select("IA_PCMH")
    page.completed.setChecked(True)
    assert (_done(page)["IA_PCMH"].start, _done(page)["IA_PCMH"].end) == (None, None)
    assert page.progress_label.text() == "Medical home attested: full credit"
    assert "none of the completed activities has dates of its own" in page.period_label.text()
    assert "01/01/2025 – 12/31/2025" in page.period_label.text()
    built = att.build_pi_ia_submission(page.ctx.workspace, EntityKey(2025, TIN)).sets("ia")[0]
    assert built.performance_start is None and built.performance_end is None


def test_six_months_activity_accepts_a_full_six_months(page: Any) -> None:
    page.select("IA_ERP_1")
    assert "At least 6 continuous months in 2025" in page.d_period.text()
    page.completed.setChecked(True)
    done = _done(page)["IA_ERP_1"]
    assert (done.start, done.end) == (dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    _set_dates(page, QDate(2025, 2, 1), QDate(2025, 7, 31))  # 181 days, six months
    assert page.d_error.text() == ""
    assert _done(page)["IA_ERP_1"].end == dt.date(2025, 7, 31)
    _set_dates(page, QDate(2025, 2, 1), QDate(2025, 7, 30))
    assert "IA_ERP_1 needs at least 6 continuous months" in page.d_error.text()
    assert "end on 07/31/2025 or later" in page.d_error.text()
    assert _done(page)["IA_ERP_1"].end == dt.date(2025, 7, 31)  # nothing lost


def test_unconfirmed_minimum_shows_a_warning_with_its_source(
    page: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = load_rules(2025)
    fact = rules.ia.activity_periods.model_copy(
        update={"confirmed": False, "source": "a reading of the activity descriptions"}
    )
    patched = rules.model_copy(
        update={"ia": rules.ia.model_copy(update={"activity_periods": fact})}
    )
    monkeypatch.setattr(ia_module, "load_rules", lambda y: patched if y == 2025 else load_rules(y))
    page.ctx.catalog_changed.emit()  # reload the activities with the patched periods
    page.select("IA_ERP_2")
    page.completed.setChecked(True)
    _set_dates(page, QDate(2025, 3, 1), QDate(2025, 3, 30))
    assert page.d_error.text() == ""
    assert _done(page)["IA_ERP_2"].end == dt.date(2025, 3, 30)
    assert page.d_warning.isVisible()
    text = page.d_warning.text()
    assert "needs at least 60 continuous days" in text
    assert "not confirmed (source: a reading of the activity descriptions)" in text
    _set_dates(page, QDate(2025, 3, 1), QDate(2025, 6, 30))
    assert not page.d_warning.isVisible()
