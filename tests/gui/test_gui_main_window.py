"""The main window: navigation, year selector, catalog banner, autosave, workspaces."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from gui_demo import NPI_3, activate
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop_app import __version__, paths
from desktop_app.gui import catalog_jobs
from desktop_app.gui.pages import JOURNEY
from desktop_app.gui.pages.coming import ComingSoonPage
from desktop_app.gui.pages.practice import PracticePage
from desktop_app.gui.restore import RestoreBackupDialog
from desktop_app.gui.years import default_year
from desktop_app.models.practice import Clinician
from desktop_app.store import Workspace

STEP_TITLES = [
    "Practice",
    "Eligibility",
    "Election",
    "Quality",
    "Promoting Interoperability",
    "Improvement Activities",
    "Score preview",
    "Export & upload",
]


def _type(qtbot, edit, text: str) -> None:  # type: ignore[no-untyped-def]
    if not edit.window().isActiveWindow():
        activate(qtbot, edit)
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)


def test_navigation_shows_the_whole_journey_with_unbuilt_steps_coming(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    items = window.step_items()
    assert [s.title for s in JOURNEY] == STEP_TITLES
    assert len(items) == 8
    for (key, text, coming), step in zip(items, JOURNEY, strict=True):
        assert key == step.key
        assert step.title in text
        assert coming == (step.page_class is None)
        assert ("Coming soon" in text) == coming
    assert items[0][2] is False  # Practice is built


def _window_with(qtbot, monkeypatch, index: int, page_class):  # type: ignore[no-untyped-def]
    """A main window whose journey step ``index`` has ``page_class`` (None = coming)."""
    from desktop_app.gui import main_window
    from desktop_app.gui.context import AppContext
    from desktop_app.gui.main_window import MainWindow
    from desktop_app.settings import Settings

    journey = list(JOURNEY)
    journey[index] = dataclasses.replace(journey[index], page_class=page_class)
    monkeypatch.setattr(main_window, "JOURNEY", journey)
    win = MainWindow(AppContext(Settings()))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_a_coming_step_says_what_it_will_do(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    win = _window_with(qtbot, monkeypatch, 6, None)  # Score preview
    nav = win.ui.nav
    assert "Coming soon" in nav.item(6).text()
    assert nav.item(6).foreground().color().name() == "#8a96a3"  # greyed
    rect = nav.visualItemRect(nav.item(6))
    qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    page = win.current_page()
    assert isinstance(page, ComingSoonPage)
    assert page.blurb.text() == JOURNEY[6].blurb
    assert page.isVisible()
    assert isinstance(win.show_step("practice"), PracticePage)


def test_a_broken_page_does_not_take_the_window_down(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.gui.pages.base import Page
    from desktop_app.gui.pages.coming import ProblemPage

    class Broken(Page):
        key = "score"

        def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
            raise RuntimeError("boom")

    win = _window_with(qtbot, monkeypatch, 6, Broken)
    assert "Coming soon" not in win.ui.nav.item(6).text()
    page = win.show_step("score")
    assert isinstance(page, ProblemPage)
    assert "boom" in page.message.text()
    assert win.show_step("practice").isVisible()  # the rest still works


def test_year_selector_offers_program_years_without_catalog(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    assert window.years_offered() == [2026, 2025, 2024]
    assert window.ctx.year == default_year([2024, 2025, 2026])
    assert window.ui.yearCombo.currentText() == str(window.ctx.year)
    other = 2024 if window.ctx.year != 2024 else 2025
    with qtbot.waitSignal(window.ctx.year_changed) as signal:
        window.ui.yearCombo.setCurrentIndex(window.ui.yearCombo.findData(other))
    assert signal.args == [other]
    assert window.ctx.year == other


def test_year_selector_follows_a_year_set_elsewhere(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """A page that changes the year (ctx.set_year) moves the selector too."""
    other = 2024 if window.ctx.year != 2024 else 2025
    window.ctx.set_year(other)
    assert window.ui.yearCombo.currentText() == str(other)
    assert window.ctx.year == other


def test_no_catalog_and_no_source_shows_a_banner_with_update(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.catalog.source import HOW_TO_GET_CATALOG

    assert window.banner_text() is None
    window.load_catalog()
    qtbot.waitUntil(lambda: window.banner_text() is not None, timeout=10000)
    assert window.banner_text() == HOW_TO_GET_CATALOG
    assert window.ui.bannerButton.isVisible()
    assert "Update" in window.ui.bannerButton.text()
    assert window.ctx.catalog is None


def test_existing_catalog_is_loaded_in_the_background(qtbot, window, catalog_file: Path) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(catalog_file, paths.catalog_path())
    with qtbot.waitSignal(window.ctx.catalog_changed, timeout=20000):
        window.load_catalog()
    assert window.ctx.catalog is not None
    assert window.banner_text() is None
    assert window.years_offered() == sorted(window.ctx.catalog.years(), reverse=True)
    window.ctx.catalog.close()


def test_update_failure_shows_a_clear_message(qtbot, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.catalog import CatalogUpdateError

    def fail(settings, progress=None):  # type: ignore[no-untyped-def]
        progress(10, 100, "Downloading")
        raise CatalogUpdateError("Could not download the measures data: network unreachable.")

    monkeypatch.setattr(catalog_jobs, "update_catalog_job", fail)
    window.show_catalog_banner("no data")
    qtbot.mouseClick(window.ui.bannerButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(window.active_dialog, QMessageBox), timeout=10000)
    box = window.active_dialog
    assert "network unreachable" in box.text()
    assert "unchanged" in box.text()
    assert box.windowTitle() == "Could not update the measures data"
    assert window.ctx.catalog is None


def test_update_success_loads_the_new_catalog(
    qtbot, window, monkeypatch, catalog_file: Path
) -> None:  # type: ignore[no-untyped-def]
    def succeed(settings, progress=None):  # type: ignore[no-untyped-def]
        dest = paths.catalog_path()
        shutil.copy(catalog_file, dest)
        return dest

    monkeypatch.setattr(catalog_jobs, "update_catalog_job", succeed)
    window.show_catalog_banner("no data")
    with qtbot.waitSignal(window.ctx.catalog_changed, timeout=20000):
        window.ui.actionUpdateCatalog.trigger()
    assert window.ctx.catalog is not None
    assert window.banner_text() is None
    window.ctx.catalog.close()


def test_practice_page_autosaves_valid_fields_only(qtbot, window, demo_workspace: Path) -> None:  # type: ignore[no-untyped-def]
    assert window.open_workspace(demo_workspace)
    assert window.ui.practiceName.text() == "Riverside Family Medicine"
    page = window.show_step("practice")
    form = page.form
    assert form.ui.tin.text() == "12-3456789"
    _type(qtbot, form.ui.city, "Lancaster")
    assert window.ctx.workspace.practice().city == "Lancaster"  # saved on leaving the field
    assert "Lancaster" in window.ui.practiceDetails.text()
    assert page.saved_label.text().startswith("All changes saved")

    _type(qtbot, form.ui.zip, "1710")
    assert "ZIP code" in form.errors()["zip"]
    assert form.ui.zipError.isVisible()
    assert form.ui.zip.text() == "1710"  # the user's text stays for fixing
    _type(qtbot, form.ui.name, "Riverside Family Practice")
    practice = window.ctx.workspace.practice()
    assert practice.zip == "17101"  # the invalid ZIP was not saved...
    assert practice.name == "Riverside Family Practice"  # ...the valid name was
    assert form.ui.zip.text() == "1710" and form.ui.zipError.isVisible()

    window.close()  # closes the workspace
    with Workspace.open(demo_workspace) as ws:
        saved = ws.practice()
    assert (saved.name, saved.city, saved.zip) == (
        "Riverside Family Practice",
        "Lancaster",
        "17101",
    )


def test_header_follows_changes_made_elsewhere(qtbot, window, demo_workspace: Path) -> None:  # type: ignore[no-untyped-def]
    window.open_workspace(demo_workspace)
    page = window.show_step("practice")
    assert "2 clinicians" in window.ui.practiceDetails.text()
    window.ctx.workspace.add_clinician(
        Clinician(npi=NPI_3, first_name="Linda", last_name="Chen", clinician_type="PT")
    )
    qtbot.waitUntil(lambda: "3 clinicians" in window.ui.practiceDetails.text())
    assert page.panel.table.rowCount() == 3


def test_damaged_workspace_without_backups_is_explained(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "broken.mipsdesk"
    bad.write_bytes(b"this is not a workspace" * 100)
    assert not window.open_workspace(bad)
    dialog = window.active_dialog
    assert isinstance(dialog, RestoreBackupDialog)
    assert dialog.restore_button is None
    assert "no backups" in " ".join(w.text() for w in dialog.findChildren(type(dialog.problem)))
    assert window.ctx.workspace is None
    dialog.reject()


def test_damaged_workspace_can_be_restored_from_a_backup(
    qtbot, window, demo_workspace: Path
) -> None:  # type: ignore[no-untyped-def]
    with Workspace.open(demo_workspace) as ws:
        ws.backup("manual")
    for side in ("-wal", "-shm"):
        Path(str(demo_workspace) + side).unlink(missing_ok=True)
    demo_workspace.write_bytes(b"garbage" * 1000)

    assert not window.open_workspace(demo_workspace)
    dialog = window.active_dialog
    assert isinstance(dialog, RestoreBackupDialog)
    assert dialog.backups.count() == 1
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ctx.workspace is not None)
    assert window.ctx.workspace.practice().name == "Riverside Family Medicine"
    assert list(demo_workspace.parent.glob("*.damaged-*"))  # the damaged file is kept


def test_recent_workspaces_and_about(qtbot, window, demo_workspace: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window.open_workspace(demo_workspace)
    window.open_workspace(tmp_path / "other.mipsdesk")
    actions = window.ui.menuRecent.actions()
    assert [a.text() for a in actions] == [demo_workspace.name]
    actions[0].trigger()
    assert Path(window.ctx.workspace.path) == demo_workspace
    box = window.about()
    assert __version__ in box.text()
    box.accept()


@pytest.mark.parametrize("has_last", [True, False])
def test_start_up_workspace_choice(tmp_path: Path, has_last: bool) -> None:
    from desktop_app.gui.app import workspace_to_open
    from desktop_app.settings import Settings
    from desktop_app.store import default_workspace_path

    given = tmp_path / "given.mipsdesk"
    last = tmp_path / "last.mipsdesk"
    last.write_bytes(b"")
    settings = Settings(last_workspace=str(last) if has_last else None)
    assert workspace_to_open(given, settings) == given
    expected = last if has_last else default_workspace_path()
    assert workspace_to_open(None, settings) == expected


def test_first_start_builds_the_catalog_in_the_background(
    qtbot, window, monkeypatch, measures_source: Path
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MIPSDESK_CATALOG_SOURCE", str(measures_source))
    progress: list[tuple[int, int]] = []
    real = window._catalog_progress
    monkeypatch.setattr(
        window, "_catalog_progress", lambda d, t, m: (progress.append((d, t)), real(d, t, m))
    )
    window.load_catalog()
    assert window.ctx.catalog is None  # the call returned at once; the build runs on a worker
    assert window.catalog_label.text() == "Preparing measures data…"
    with qtbot.waitSignal(window.ctx.catalog_changed, timeout=60000):
        pass
    assert paths.catalog_path().is_file()
    assert window.ctx.catalog is not None and window.ctx.catalog.years()
    assert progress and progress[-1][0] == progress[-1][1]  # progress reached the end
    assert not window.catalog_progress.isVisible()
    assert window.banner_text() is None
    window.ctx.catalog.close()


def test_new_workspace_refuses_to_overwrite(qtbot, window, demo_workspace: Path) -> None:  # type: ignore[no-untyped-def]
    assert not window.new_workspace(demo_workspace)
    assert isinstance(window.active_dialog, QMessageBox)
    assert "already exists" in window.active_dialog.text()
    with Workspace.open(demo_workspace) as ws:
        assert ws.practice() is not None  # untouched


def test_smoke_mode_never_opens_the_wizard(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.gui.app import create_main_window

    window, problems = create_main_window(tmp_path / "empty.mipsdesk", smoke=True)
    qtbot.addWidget(window)
    assert problems == []
    assert window.ctx.workspace is not None and window.ctx.workspace.practice() is None
    assert window.start_first_run() is None
    assert window.wizard is None
    window.close()


def test_normal_start_offers_the_wizard_for_an_empty_workspace(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.gui.app import create_main_window
    from desktop_app.gui.wizard import FirstRunWizard

    window, _problems = create_main_window(tmp_path / "empty.mipsdesk")
    qtbot.addWidget(window)
    window.show()
    wizard = window.start_first_run()
    assert isinstance(wizard, FirstRunWizard)
    assert wizard.isVisible()  # returned while showing: open(), not a blocking exec()
    assert wizard.windowModality() == Qt.WindowModality.WindowModal
    wizard.reject()
    window.close()
