"""The election grid stays readable before and after confirming, with few or many rows:
names never squeezed, the Status on one line in a wide enough column, the table as tall
as its rows (the page scrolls, never the table), counts labelled as in seed 004."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_election_page import OPT_IN, TIN, page  # noqa: F401  (the fixture)

from desktop_app.elections import Election
from desktop_app.eligibility import store as el
from desktop_app.models.identifiers import npi_check_digit
from desktop_app.models.practice import Clinician

EXTRA = [
    ("Olivia", "Montgomery-Featherstonehaugh"),
    ("Li", "Wu"),
    ("Ana", "Ruiz"),
    ("Ben", "Cole"),
    ("Eve", "Hart"),
    ("Tom", "Kay"),
    ("Zoe", "Lam"),
    ("Raj", "Iyer"),
]


def add_participants(page, ctx) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """8 more opt-in eligible clinicians: 11 participants with the group and the first two."""
    ws = ctx.workspace
    clinicians = []
    for i, (first, last) in enumerate(EXTRA):
        base = str(400000000 + i * 1111)
        npi = base + str(npi_check_digit(base))
        clinicians.append(Clinician(npi=npi, first_name=first, last_name=last, clinician_type="NP"))
    ws.add_clinicians(clinicians)
    for c in clinicians:
        for seg in (1, 2):
            el.save_figures(ws, 2025, TIN, c.npi, seg, OPT_IN)
    page.refresh()


def confirm_all(page, qtbot) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    for i in range(len(page.rows)):
        page.set_choice(i, Election.OPT_IN if i % 2 else Election.VOLUNTARY)
    dialog = page.open_confirm_dialog()
    qtbot.keyClicks(dialog.field, "CONFIRM")
    dialog.confirm_button.click()
    qtbot.wait(50)


def assert_readable(page) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    table = page.table
    metrics = table.fontMetrics()
    # every row fully visible: the table is as tall as its rows, no vertical scrolling
    rows_height = sum(table.rowHeight(r) for r in range(table.rowCount()))
    assert table.viewport().height() >= rows_height
    assert not table.verticalScrollBar().isVisible()
    # columns fit beside each other at this width: no sideways scrolling
    right = sum(table.columnWidth(c) for c in range(table.columnCount()))
    assert right <= table.viewport().width() + 1
    assert not table.horizontalScrollBar().isVisible()
    # names and TIN/NPI keep a readable width
    assert table.columnWidth(0) >= 220
    widest_id = max(
        metrics.horizontalAdvance(table.item(r, 0).text().splitlines()[-1])
        for r in range(table.rowCount())
    )
    assert table.columnWidth(0) >= widest_id
    # the Status is one line (no line break) that fits its column; the badge too
    for r in range(table.rowCount()):
        text = page.status_text(r)
        assert "\n" not in text
        cell = table.cellWidget(r, 4)
        assert cell.text.width() >= metrics.horizontalAdvance(text)
        assert cell.width() <= table.columnWidth(4)
        assert table.rowHeight(r) >= cell.sizeHint().height()


@pytest.mark.parametrize("many", [False, True], ids=["3 participants", "11 participants"])
def test_grid_readable_before_and_after_confirming(page, qtbot, ctx, many) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    # the page as it is inside a 1200 px main window (the step list takes the rest)
    page.resize(950, 900)
    if many:
        add_participants(page, ctx)
    count = 11 if many else 3
    assert len(page.rows) == count
    qtbot.wait(20)
    assert [page.status_text(r) for r in range(count)] == ["No decision yet"] * count
    assert_readable(page)
    names = {e: page.count_names[e].text() for e in Election}
    assert names == {
        Election.NO_DECISION: "No Decision",
        Election.VOLUNTARY: "Report Voluntarily",
        Election.OPT_IN: "Opt-In",
    }
    tag = "11" if many else "3"
    Path("/tmp/shots").mkdir(exist_ok=True)
    page.grab().save(f"/tmp/shots/election-grid-{tag}-before.png")

    confirm_all(page, qtbot)
    assert all(r.final for r in page.rows)
    assert page.status_text(0).startswith("Final: Report Voluntarily, confirmed ")
    assert page.status_text(1).startswith("Final: Opt-In, confirmed ")
    assert "by test-user" in page.table.cellWidget(1, 4).toolTip()
    assert_readable(page)
    # the counts show the confirmed elections beside the ones still to confirm
    voluntary, opt_in = (count + 1) // 2, count // 2
    assert page.counts() == dict.fromkeys(Election, 0)
    assert page.final_counts()[Election.VOLUNTARY] == voluntary
    assert page.final_counts()[Election.OPT_IN] == opt_in
    assert page.final_labels[Election.VOLUNTARY].text() == f"to confirm · {voluntary} final"
    assert page.final_labels[Election.OPT_IN].text() == f"to confirm · {opt_in} final"
    page.grab().save(f"/tmp/shots/election-grid-{tag}-after.png")


def test_narrow_window_scrolls_sideways_rather_than_squeezing_names(page, qtbot) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page.resize(700, 900)
    confirm_all(page, qtbot)
    assert page.table.columnWidth(0) >= 220
    metrics = page.table.fontMetrics()
    text = page.status_text(0)
    assert page.table.columnWidth(4) >= metrics.horizontalAdvance(text)
