"""The Improvement Activities page and stored activities that aren't in the year's
catalog (another year's data, an import), and its width at the usual window size."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gui_demo import NPI_1, demo_practice
from PySide6.QtCore import Qt

from desktop_app import attestation as att
from desktop_app.models.practice import Clinician
from desktop_app.reporting import EntityKey, save_set_fields, save_value

TIN = "123456789"
GROUP = EntityKey(2025, TIN)


def _workspace(ctx: Any, catalog: Any, size: int = 20) -> Any:
    ctx.set_year(2025)
    practice = demo_practice()
    practice.size = size
    ctx.workspace.save_practice(practice)
    ctx.workspace.add_clinicians(
        [Clinician(npi=NPI_1, first_name="Maria", last_name="Alvarez", clinician_type="MD")]
    )
    ctx.set_catalog(catalog)
    return ctx.workspace


def _page(ctx: Any, qtbot: Any, width: int = 1150, height: int = 1000) -> Any:
    from desktop_app.gui.pages.ia import IaPage

    page = IaPage(ctx)
    qtbot.addWidget(page)
    page.resize(width, height)
    page.show()
    qtbot.waitExposed(page)
    return page


def _stored(ws: Any) -> set[str]:
    return set(att.ia_entry(ws, GROUP))


def _with_unknown(ws: Any) -> None:
    """Two 2025 activities entered on the page, then IA_EPA_1 (not in the 2025 inventory)
    stored as an import would, with the set's period widened to the whole year."""
    att.set_ia_activity(ws, GROUP, "IA_EPA_2", True, dt.date(2025, 3, 1), dt.date(2025, 5, 30))
    att.set_ia_activity(ws, GROUP, "IA_BE_4", True, dt.date(2025, 4, 1), dt.date(2025, 6, 30))
    save_value(ws, GROUP, "ia", "IA_EPA_1", True)
    save_set_fields(
        ws,
        GROUP,
        "ia",
        performance_start=dt.date(2025, 1, 1),
        performance_end=dt.date(2025, 12, 31),
    )


def test_unknown_activity_is_shown_apart_and_left_out_of_the_counts(
    ctx: Any, qtbot: Any, catalog: Any
) -> None:
    ws = _workspace(ctx, catalog)
    assert catalog.measure(2025, "IA_EPA_1") is None  # retired before 2025
    _with_unknown(ws)
    page = _page(ctx, qtbot)
    page.grab().save("/tmp/shots/ia-unknown-activity.png")

    assert page.unknown_box.isVisible()
    text = " ".join(w.text() for w in page.unknown_box.findChildren(type(page.period_label)))
    assert "Not a 2025 improvement activity: IA_EPA_1" in text
    assert "CMS would refuse the file" in text
    assert list(page.unknown_buttons) == ["IA_EPA_1"]
    # The numbers agree: the header, the list's count and the list itself.
    assert page.progress_label.text() == "2 / 2 activities completed"
    assert page.count_label.text().endswith(" · 2 completed")
    page.completed_only.setChecked(True)
    assert {a.measure_id for a in page.shown} == {"IA_EPA_2", "IA_BE_4"}
    assert page.completed_ids() == ["IA_BE_4", "IA_EPA_2"]
    # Its (implied, whole-year) dates don't make the page's category period.
    assert "03/01/2025 – 06/30/2025" in page.period_label.text()


def test_remove_button_removes_the_unknown_activity_and_can_be_undone(
    ctx: Any, qtbot: Any, catalog: Any
) -> None:
    from desktop_app.exporting import check_entity

    ws = _workspace(ctx, catalog)
    _with_unknown(ws)
    page = _page(ctx, qtbot)
    refused = check_entity(ws, GROUP, catalog, fmt="qpp-json")
    assert any("IA_EPA_1" in p.message for p in refused.errors)

    qtbot.mouseClick(page.unknown_buttons["IA_EPA_1"], Qt.MouseButton.LeftButton)
    assert _stored(ws) == {"IA_EPA_2", "IA_BE_4"}
    assert not page.unknown_box.isVisible()
    assert page.unknown_buttons == {}
    assert not any("IA_EPA_1" in p.message for p in check_entity(ws, GROUP, catalog).errors)
    assert "IA_EPA_1" in page.undo_button.toolTip()

    page.undo_button.click()
    assert _stored(ws) == {"IA_EPA_2", "IA_BE_4", "IA_EPA_1"}
    assert list(page.unknown_buttons) == ["IA_EPA_1"] and page.unknown_box.isVisible()
    page.redo_button.click()
    assert _stored(ws) == {"IA_EPA_2", "IA_BE_4"}


def test_no_warning_box_when_every_activity_is_the_years(
    ctx: Any, qtbot: Any, catalog: Any
) -> None:
    ws = _workspace(ctx, catalog)
    att.set_ia_activity(ws, GROUP, "IA_EPA_2", True, dt.date(2025, 3, 1), dt.date(2025, 5, 30))
    page = _page(ctx, qtbot)
    assert not page.unknown_box.isVisible() and page.unknown_buttons == {}
    assert page.progress_label.text() == "1 / 2 activities completed"


def test_page_fits_the_window_width_with_a_long_progress_text(
    ctx: Any, qtbot: Any, catalog: Any
) -> None:
    """At 1200x800 the IA page gets about 940 px beside the step list: a long progress
    text wraps instead of pushing the page (and its buttons) past the window's edge."""
    from desktop_app.gui.main_window import MainWindow

    ws = _workspace(ctx, catalog, size=3)  # small practice: 1 activity needed
    for mid, start in (("IA_EPA_2", 1), ("IA_BE_4", 4), ("IA_PSPA_4", 7)):
        att.set_ia_activity(
            ws, GROUP, mid, True, dt.date(2025, start, 1), dt.date(2025, start + 3, 1)
        )
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    page = window.show_step("ia")
    page.picker.select_npi(None)
    qtbot.wait(100)
    window.grab().save("/tmp/shots/ia-1200x800.png")
    assert page.progress_label.text() == (
        "1 / 1 activities completed (3 attested; more add no points)"
    )
    bar = page.scroll.horizontalScrollBar()
    assert bar.maximum() == 0, "the page scrolls sideways"
    right = page.scroll.viewport().width()
    for w in (page.score_label, page.binder_button, page.completed_only):
        assert w.isVisible()
        edge = w.mapTo(page.scroll.viewport(), w.rect().topRight()).x()
        assert edge <= right, f"{w.objectName()} is cut off at the right"
