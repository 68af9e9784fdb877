"""The import dialog: what the file holds, what will change, conflicts, one-click import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SHOTS = Path("/tmp/shots")
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "qrda3-samples"
LATEST = SAMPLES / "valid" / "qrda-files__valid-QRDA-III-latest.xml"
TIN = "000777777"
NPI = "0777777778"


@pytest.fixture
def dialog(ctx, qtbot, catalog_file, monkeypatch):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    from desktop_app.catalog import Catalog
    from desktop_app.gui.import_dialog import ImportDialog

    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    monkeypatch.setattr(  # a modal warning would wait for a click forever
        QMessageBox, "warning", lambda _parent, _title, text: pytest.fail(f"warning: {text}")
    )
    ctx.set_year(2025)
    ctx.set_catalog(Catalog.open(catalog_file))
    d = ImportDialog(ctx)
    qtbot.addWidget(d)
    d.resize(900, 760)
    d.show()
    yield d
    ctx.catalog.close()


def load(dialog, qtbot, path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog.load_file(path)
    qtbot.waitUntil(lambda: dialog.choose_button.isEnabled(), timeout=10000)


def shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(SHOTS / name))


def label_text(dialog, name: str) -> str:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    return dialog.findChild(QLabel, name).text()


def test_preview_says_what_the_file_holds_and_asks_before_creating(dialog, qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.reporting import EntityKey, stored_values

    load(dialog, qtbot, LATEST)
    holds = label_text(dialog, "importHolds")
    assert "QRDA III" in holds and f"NPI {NPI}" in holds and "2025" in holds
    assert "Quality, Improvement Activities, Promoting Interoperability" in holds
    table = label_text(dialog, "importMeasures")
    assert "<b>236</b> – Controlling High Blood Pressure" in table
    assert "eligible population 1000, met 800, not met 100" in table
    assert "PI_PEA_1" in table and "numerator 600 / denominator 800" in table
    assert "IA_EPA_3" in table and "performed" in table
    assert "5 measure(s) will be added" in label_text(dialog, "importCounts")
    # creating practice and clinician needs a yes first
    assert not dialog.import_button.isEnabled()
    dialog.practice_name.setText("Maple Family Medicine")
    dialog.first_name.setText("Ada")
    dialog.last_name.setText("Quinn")
    shot(dialog, "import_preview.png")
    dialog.create_check.setChecked(True)
    # the new practice is a small one, so PI is reweighted to 0%: the file's PI data
    # needs the same final agreement as entering PI by hand
    from PySide6.QtWidgets import QGroupBox, QLabel

    box = dialog.findChild(QGroupBox, "importPiConsent")
    text = " ".join(w.text() for w in box.findChildren(QLabel))
    assert "reweighted to 0% for 2025 (small practice)" in text
    assert "can't be undone" in text
    assert not dialog.import_button.isEnabled()
    dialog.pi_agree.setChecked(True)
    assert dialog.import_button.isEnabled()
    assert stored_values(ctx.workspace, EntityKey(2025, TIN, NPI)) == []  # nothing yet
    dialog.import_button.click()
    assert dialog.result is not None and dialog.result.added == 5
    ws = ctx.workspace
    assert ws.practice().name == "Maple Family Medicine"
    assert ws.clinician(NPI).full_name == "Ada Quinn"
    assert len(stored_values(ws, EntityKey(2025, TIN, NPI))) == 5
    from desktop_app.attestation import pi_consent

    agreed = pi_consent(ws, EntityKey(2025, TIN, NPI))
    assert agreed is not None and agreed.user == ws.user and "small practice" in agreed.reason


def test_refused_files_show_each_problem_and_where(dialog, qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    load(dialog, qtbot, SAMPLES / "test-identifiers" / "qrda-files__valid-QRDA-III-latest.xml")
    text = label_text(dialog, "importProblems")
    assert "Nothing was imported" in text
    assert "NPI 0777777777 is not a valid NPI" in text and "assignedEntity/id" in text
    assert not dialog.import_button.isEnabled()
    assert ctx.workspace.practice() is None
    shot(dialog, "import_refused.png")


def test_conflicts_need_a_choice_and_pi_conflicts_warn(dialog, qtbot, ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QGroupBox, QLabel, QRadioButton

    from desktop_app.models.practice import Clinician, Practice
    from desktop_app.reporting import EntityKey, save_value, stored_values

    ws = ctx.workspace
    ws.save_practice(Practice(tin=TIN, name="Maple"))
    ws.add_clinician(Clinician(npi=NPI, first_name="Ada", last_name="Quinn", clinician_type="MD"))
    entity = EntityKey(2025, TIN, NPI)
    save_value(
        ws, entity, "pi", "PI_PEA_1", {"numerator": 1, "denominator": 2}
    )  # manual (registry)
    save_value(
        ws,
        entity,
        "quality",
        "236",
        {
            "isEndToEndReported": False,
            "eligiblePopulation": 50,
            "performanceMet": 40,
            "performanceNotMet": 10,
        },
        submission_method="electronicHealthRecord",
    )
    load(dialog, qtbot, LATEST)
    boxes = [b for b in dialog.findChildren(QGroupBox) if b.objectName().startswith("conflict_")]
    assert len(boxes) == 2
    warnings = [w.text() for w in dialog.findChildren(QLabel, "piWarning")]
    assert len(warnings) == 1 and "scores the Promoting Interoperability category 0" in warnings[0]
    shot(dialog, "import_conflicts.png")
    assert not dialog.import_button.isEnabled()  # each conflict needs a choice
    for box in boxes:
        box.findChild(QRadioButton, "replace").setChecked(True)
    # taking the file's PI for this small practice needs the agreement first ...
    assert dialog.findChild(QGroupBox, "importPiConsent") is not None
    assert not dialog.import_button.isEnabled()
    # ... keeping the manual PI writes no PI, so it doesn't
    for box in boxes:
        choice = "keep" if "PI" in box.title() or "Promoting" in box.title() else "replace"
        box.findChild(QRadioButton, choice).setChecked(True)
    assert dialog.import_button.isEnabled()  # the entity already holds data: nothing to create
    dialog.import_button.click()
    values = {
        (v.category, v.submission_method, v.measure_id): v.value for v in stored_values(ws, entity)
    }
    assert values[("quality", "electronicHealthRecord", "236")]["eligiblePopulation"] == 1000
    assert ("pi", "electronicHealthRecord", "PI_PEA_1") not in values  # kept the manual PI
    assert values[("pi", "registry", "PI_PEA_1")] == {"numerator": 1, "denominator": 2}


def test_a_file_of_another_practice_is_blocked(dialog, qtbot, ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.models.practice import Practice

    ctx.workspace.save_practice(Practice(tin="123456789", name="Riverside"))
    load(dialog, qtbot, LATEST)
    assert "Riverside" in label_text(dialog, "importBlocked")
    assert not dialog.import_button.isEnabled()


def test_import_from_the_quality_page_refreshes_it(
    ctx, qtbot, catalog_file, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    from desktop_app.catalog import Catalog
    from desktop_app.gui import import_dialog
    from desktop_app.gui.pages.quality import QualityPage

    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    ctx.set_year(2025)
    ctx.set_catalog(Catalog.open(catalog_file))
    page = QualityPage(ctx)
    qtbot.addWidget(page)
    page.refresh()
    assert "Add your practice" in page.banner.text()
    data = {
        "entityType": "group",
        "taxpayerIdentificationNumber": TIN,
        "performanceYear": 2025,
        "measurementSets": [
            {
                "category": "quality",
                "submissionMethod": "registry",
                "measurements": [
                    {
                        "measureId": "236",
                        "value": {
                            "isEndToEndReported": False,
                            "eligiblePopulation": 100,
                            "performanceMet": 70,
                            "performanceNotMet": 30,
                        },
                    }
                ],
            }
        ],
    }
    path = tmp_path / "group.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    def run_dialog(self) -> int:  # type: ignore[no-untyped-def]
        self.load_file(path)
        qtbot.waitUntil(lambda: self.choose_button.isEnabled(), timeout=10000)
        self.create_check.setChecked(True)
        self.import_button.click()
        return 1

    monkeypatch.setattr(import_dialog.ImportDialog, "exec", run_dialog)
    page.import_button.click()
    qtbot.waitUntil(lambda: page.entry.list.count() == 1, timeout=5000)
    assert page.entity_combo.currentText() == "Group – TIN 00-0777777"
    form = page.entry.form
    assert form.fields["eligible_population"].text() == "100"
    assert form.points_label.text() != "—"


def test_after_importing_a_clinicians_file_the_page_shows_that_clinician(
    ctx, qtbot, catalog_file, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    from desktop_app.catalog import Catalog
    from desktop_app.gui import import_dialog
    from desktop_app.gui.pages.quality import QualityPage
    from desktop_app.models.practice import Practice

    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    ctx.workspace.save_practice(Practice(tin=TIN, name="Maple"))
    ctx.set_year(2025)
    ctx.set_catalog(Catalog.open(catalog_file))
    page = QualityPage(ctx)
    qtbot.addWidget(page)
    page.refresh()
    assert page.entity_combo.count() == 1  # the group only

    def run_dialog(self) -> int:  # type: ignore[no-untyped-def]
        self.load_file(LATEST)
        qtbot.waitUntil(lambda: self.choose_button.isEnabled(), timeout=10000)
        self.first_name.setText("Ada")
        self.last_name.setText("Quinn")
        self.create_check.setChecked(True)
        self.pi_agree.setChecked(True)
        self.import_button.click()
        return 1

    monkeypatch.setattr(import_dialog.ImportDialog, "exec", run_dialog)
    page.import_button.click()
    assert page.entity_combo.currentText() == f"Ada Quinn – NPI {NPI}"
    assert page.tabs.currentWidget() is page.entry
    items = [page.entry.list.item(i).text().splitlines()[0] for i in range(page.entry.list.count())]
    assert items == ["001 · eCQM", "236 · eCQM"]


def test_a_long_preview_scrolls_instead_of_clipping_its_text(dialog, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    load(dialog, qtbot, LATEST)

    def clipped() -> list[str]:
        return [
            label.text()[:40]
            for label in dialog.body.findChildren(QLabel)
            if label.isVisible()
            and label.wordWrap()
            and label.height() < label.heightForWidth(label.width())
        ]

    qtbot.waitUntil(lambda: clipped() == [], timeout=3000)
