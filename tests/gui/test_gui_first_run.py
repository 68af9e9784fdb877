"""The first-run wizard, driven with the keyboard and mouse as a user would."""

from __future__ import annotations

from pathlib import Path

from gui_demo import BAD_NPI, NPI_1, NPI_2, activate
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox, QWizard

from desktop_app.gui.wizard import FirstRunWizard
from desktop_app.store import Workspace


def _show_wizard(qtbot, ctx) -> FirstRunWizard:  # type: ignore[no-untyped-def]
    wizard = FirstRunWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    activate(qtbot, wizard)
    return wizard


def _click_next(qtbot, wizard: FirstRunWizard) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def _type(qtbot, edit, text: str) -> None:  # type: ignore[no-untyped-def]
    """Focus the field, replace its text by typing, and leave it with Tab."""
    if not edit.window().isActiveWindow():
        activate(qtbot, edit)
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)


def _fill_practice(qtbot, form, tin: str) -> None:  # type: ignore[no-untyped-def]
    _type(qtbot, form.ui.tin, tin)
    _type(qtbot, form.ui.name, "Riverside Family Medicine")
    _type(qtbot, form.ui.addressLine1, "210 Main Street")
    _type(qtbot, form.ui.city, "Harrisburg")
    _type(qtbot, form.ui.state, "pa")
    _type(qtbot, form.ui.zip, "17101")


def _fill_clinician(qtbot, dialog, npi: str, first: str, last: str, type_code: str) -> None:  # type: ignore[no-untyped-def]
    _type(qtbot, dialog.ui.npi, npi)
    _type(qtbot, dialog.ui.firstName, first)
    _type(qtbot, dialog.ui.lastName, last)
    combo = dialog.ui.clinicianType
    combo.setCurrentIndex(combo.findData(type_code))


def _save(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(
        dialog.ui.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )


def test_wizard_walks_through_welcome_practice_clinicians_finish(qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    wizard = _show_wizard(qtbot, ctx)
    assert wizard.currentPage() is wizard.welcome
    _click_next(qtbot, wizard)
    assert wizard.currentPage() is wizard.practice_page

    form = wizard.practice_page.form
    _fill_practice(qtbot, form, "12-34567")  # 8 digits: invalid
    assert "TIN" in form.errors()["tin"]
    assert form.ui.tinError.isVisible()
    assert ctx.workspace.practice() is None  # nothing saved while the TIN is wrong
    _click_next(qtbot, wizard)
    assert wizard.currentPage() is wizard.practice_page  # can't go on

    _type(qtbot, form.ui.tin, "12-3456789")
    assert form.errors() == {}
    saved = ctx.workspace.practice()
    assert saved is not None  # saved as soon as it was valid, before Next
    assert (saved.tin, saved.state, saved.zip) == ("123456789", "PA", "17101")

    _click_next(qtbot, wizard)
    assert wizard.currentPage() is wizard.clinicians_page
    panel = wizard.clinicians_page.panel
    assert panel.table.rowCount() == 0 and panel.empty_hint.isVisible()

    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    dialog = panel.active_dialog
    assert dialog is not None and dialog.isVisible()
    _fill_clinician(qtbot, dialog, BAD_NPI, "Maria", "Alvarez", "MD")
    _save(qtbot, dialog)
    assert "check digit" in dialog.errors()["npi"]
    assert dialog.isVisible()
    assert ctx.workspace.clinicians() == []  # nothing saved for an invalid NPI

    _type(qtbot, dialog.ui.npi, NPI_1)
    _save(qtbot, dialog)
    assert not dialog.isVisible()
    assert [c.npi for c in ctx.workspace.clinicians()] == [NPI_1]
    assert panel.table.rowCount() == 1
    assert panel.table.item(0, 1).text() == "Alvarez, Maria"

    _click_next(qtbot, wizard)
    assert wizard.currentPage() is wizard.finish_page
    assert "Riverside Family Medicine" in wizard.finish_page.summary.text()
    assert "1 clinician " in wizard.finish_page.summary.text()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert not wizard.isVisible()


def test_add_clinician_with_enter_key_and_duplicate_npi_is_refused(  # type: ignore[no-untyped-def]
    qtbot, ctx, demo_workspace
) -> None:
    wizard = _show_wizard(qtbot, ctx)
    wizard.next()
    wizard.next()
    panel = wizard.clinicians_page.panel
    assert panel.table.rowCount() == 2
    dialog = panel.add_clinician()
    _fill_clinician(qtbot, dialog, NPI_1, "Someone", "Else", "DO")
    qtbot.keyClick(dialog.ui.lastName, Qt.Key.Key_Return)  # Enter = Save (default button)
    assert dialog.isVisible()
    assert "already" in dialog.errors()["npi"].lower()
    assert len(ctx.workspace.clinicians()) == 2


def test_clinician_date_and_missing_fields_show_messages(qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.gui.widgets.clinicians import CliniciansPanel

    panel = CliniciansPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    dialog = panel.add_clinician()
    _type(qtbot, dialog.ui.npi, NPI_2)
    _type(qtbot, dialog.ui.enrollmentDate, "31/31/2020")
    _save(qtbot, dialog)
    errors = dialog.errors()
    assert set(errors) == {"first_name", "last_name", "clinician_type", "medicare_enrollment_date"}
    assert ctx.workspace.clinicians() == []
    _fill_clinician(qtbot, dialog, NPI_2, "James", "Okafor", "OTHER")
    _type(qtbot, dialog.ui.enrollmentDate, "03/15/2021")
    _save(qtbot, dialog)
    saved = ctx.workspace.clinician(NPI_2)
    assert saved is not None
    assert saved.clinician_type == "OTHER"
    assert saved.medicare_enrollment_date.isoformat() == "2021-03-15"
    assert panel.table.item(0, 3).text() == "03/15/2021"


def test_edit_and_remove_clinician(qtbot, ctx, demo_workspace) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.gui.widgets.clinicians import CliniciansPanel

    panel = CliniciansPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    assert not panel.edit_button.isEnabled()  # nothing selected yet
    rect = panel.table.visualItemRect(panel.table.item(1, 1))  # Okafor, James
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.selected_npi() == NPI_2
    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    dialog = panel.active_dialog
    assert dialog.ui.npi.text() == NPI_2
    _type(qtbot, dialog.ui.lastName, "Okafor-Reyes")
    _save(qtbot, dialog)
    assert ctx.workspace.clinician(NPI_2).last_name == "Okafor-Reyes"
    assert panel.table.item(1, 1).text() == "Okafor-Reyes, James"

    panel.select_npi(NPI_1)
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    box = panel.active_dialog
    assert isinstance(box, QMessageBox) and "Maria Alvarez" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert ctx.workspace.clinician(NPI_1) is not None  # cancel keeps them

    panel.select_npi(NPI_1)
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    box = panel.active_dialog
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    assert ctx.workspace.clinician(NPI_1) is None
    assert panel.table.rowCount() == 1


def test_crash_mid_wizard_keeps_what_was_saved(qtbot, ctx, ws_path: Path, window) -> None:  # type: ignore[no-untyped-def]
    wizard = _show_wizard(qtbot, ctx)
    wizard.next()
    _fill_practice(qtbot, wizard.practice_page.form, "123456789")
    wizard.next()
    dialog = wizard.clinicians_page.panel.add_clinician()
    _fill_clinician(qtbot, dialog, NPI_1, "Maria", "Alvarez", "MD")
    _save(qtbot, dialog)
    # "Crash": the wizard goes away without Finish; the workspace file is all that's left.
    wizard.hide()
    ctx.close()

    with Workspace.open(ws_path) as ws:
        assert ws.practice().name == "Riverside Family Medicine"
        assert [c.npi for c in ws.clinicians()] == [NPI_1]

    wanted: list[bool] = []
    window.first_run_needed.connect(lambda: wanted.append(True))
    assert window.open_workspace(ws_path)
    assert wanted == []  # the practice exists: straight to the main window
    page = window.show_step("practice")
    assert page.form.ui.name.text() == "Riverside Family Medicine"
    assert page.panel.table.rowCount() == 1


def test_new_workspace_asks_for_first_run(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.first_run_needed):
        assert window.new_workspace(tmp_path / "Second practice")
    assert Path(window.ctx.workspace.path).name == "Second practice.mipsdesk"
    wizard = window.start_first_run()
    assert isinstance(wizard, FirstRunWizard) and wizard.isVisible()
    wizard.reject()  # "Continue later"
    assert window.wizard is None
    QApplication.processEvents()
