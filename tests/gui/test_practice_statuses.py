"""The Practice page shows and saves the practice's size and special statuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.models.identifiers import npi_check_digit
from desktop_app.models.practice import Clinician, Practice, SpecialStatus


def _npi(first_nine: str) -> str:
    return first_nine + str(npi_check_digit(first_nine))


@pytest.fixture
def page(ctx, qtbot):  # type: ignore[no-untyped-def]
    from desktop_app.gui.pages.practice import PracticePage

    ctx.set_year(2025)
    ws = ctx.workspace
    ws.save_practice(Practice(tin="123456789", name="Riverside Family Medicine"))
    for first_nine, last in (("123456780", "Chen"), ("123456781", "Okafor"), ("123456782", "Li")):
        ws.add_clinician(
            Clinician(npi=_npi(first_nine), first_name="Sam", last_name=last, clinician_type="MD")
        )
    widget = PracticePage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1000, 1100)
    widget.refresh()
    widget.show()
    return widget


def test_small_practice_follows_the_clinician_count(page, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    form = page.statuses
    small = form.checks[SpecialStatus.SMALL_PRACTICE]
    # 3 clinicians listed, no size entered: small practice, derived (not a user choice)
    assert small.isChecked()
    assert not small.isEnabled()
    assert "from the clinicians listed below: 3 clinicians" in form.small_note.text()
    assert "15 or fewer" in form.small_note.text()
    assert form.size.value() == 0
    assert "(3)" in form.size.specialValueText()
    # 20 clinicians bill under the TIN: saved at once, no longer small
    with qtbot.waitSignal(form.saved):
        form.size.setValue(20)
    practice = page.ctx.workspace.practice()
    assert practice.size == 20
    assert not small.isChecked()
    assert "more than 15" in form.small_note.text()
    assert "entered above" in form.small_note.text()
    # back to 0 = count the list again
    form.size.setValue(0)
    assert page.ctx.workspace.practice().size is None
    assert small.isChecked()
    assert page.saved_label.text().startswith("All changes saved")
    page.grab().save(str(tmp_path / "practice_statuses.png"))
    page.grab().save("/tmp/shots/practice_statuses.png")


def test_status_checkboxes_are_autosaved(page, qtbot) -> None:  # type: ignore[no-untyped-def]
    form = page.statuses
    ws = page.ctx.workspace
    labels = {box.text() for box in form.checks.values()}
    assert "Rural" in labels
    assert "Health Professional Shortage Area (HPSA)" in labels
    with qtbot.waitSignal(form.saved):
        form.checks[SpecialStatus.RURAL].click()
    with qtbot.waitSignal(form.saved):
        form.checks[SpecialStatus.HPSA].click()
    assert ws.practice().special_statuses == [SpecialStatus.RURAL, SpecialStatus.HPSA]
    form.checks[SpecialStatus.RURAL].click()
    assert ws.practice().special_statuses == [SpecialStatus.HPSA]
    # what another page saved shows up here
    ws.save_practice(
        Practice.model_validate(
            {**ws.practice().model_dump(), "special_statuses": ["facility_based"]}
        )
    )
    qtbot.waitUntil(lambda: form.checks[SpecialStatus.FACILITY_BASED].isChecked())
    assert not form.checks[SpecialStatus.HPSA].isChecked()


def test_a_recorded_small_practice_can_be_removed(page, qtbot) -> None:  # type: ignore[no-untyped-def]
    ws = page.ctx.workspace
    ws.save_practice(
        Practice.model_validate(
            {**ws.practice().model_dump(), "size": 40, "special_statuses": ["small_practice"]}
        )
    )
    form = page.statuses
    small = form.checks[SpecialStatus.SMALL_PRACTICE]
    qtbot.waitUntil(lambda: small.isEnabled())
    assert small.isChecked()
    small.click()
    assert ws.practice().special_statuses == []
    # now the count decides again: 40 clinicians is not small
    assert not small.isChecked()
    assert not small.isEnabled()


def test_no_practice_yet_disables_the_statuses(ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.gui.pages.practice import PracticePage

    widget = PracticePage(ctx)
    qtbot.addWidget(widget)
    widget.refresh()
    assert not widget.statuses.isEnabled()
    assert "TIN and name first" in widget.statuses.small_note.text()
