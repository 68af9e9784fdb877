"""The election grid stays readable at a common window width (names never squeezed)."""

from __future__ import annotations

from pathlib import Path

from test_election_page import page  # noqa: F401  (the fixture)

from desktop_app.elections import Election


def test_participant_column_keeps_its_names_readable(page, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    # the page as it is inside a 1300 px main window (the step list takes the rest)
    page.resize(1000, 900)
    page.set_choice(0, Election.OPT_IN)
    dialog = page.open_confirm_dialog()
    qtbot.keyClicks(dialog.field, "CONFIRM")
    dialog.confirm_button.click()
    qtbot.wait(50)
    table = page.table
    metrics = table.fontMetrics()
    widest_name = max(
        metrics.horizontalAdvance(line)
        for r in range(table.rowCount())
        for line in table.item(r, 0).text().splitlines()[:1]
    )
    assert table.columnWidth(0) >= 220
    assert table.columnWidth(0) >= widest_name
    # the long "Final: ... Confirmed ... by ..." status wraps inside the visible table
    right = sum(table.columnWidth(c) for c in range(table.columnCount()))
    assert right <= table.viewport().width() + 1
    status = table.item(0, 5).text()
    assert status.startswith("Final: Opt-In")
    lines = status.splitlines()
    assert all(metrics.horizontalAdvance(line) < table.columnWidth(5) for line in lines)
    assert table.rowHeight(0) >= len(lines) * metrics.height()
    page.grab().save(str(tmp_path / "election-grid.png"))
    page.grab().save("/tmp/shots/election-grid-1000.png")
