"""The Quality page: choosing measures, entering counts with live checks and points."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_demo import NPI_1, NPI_2, demo_practice

from desktop_app.models.practice import Clinician, ReportingEntity

SHOTS = Path("/tmp/shots")
YEAR = 2025


@pytest.fixture
def page(ctx, qtbot, catalog_file):  # type: ignore[no-untyped-def]
    from desktop_app.catalog import Catalog
    from desktop_app.gui.pages.quality import QualityPage

    ws = ctx.workspace
    ws.save_practice(demo_practice())
    ws.add_clinician(
        Clinician(npi=NPI_1, first_name="Maria", last_name="Alvarez", clinician_type="MD")
    )
    ws.save_reporting_entity(ReportingEntity(year=YEAR, tin="123456789", npi=NPI_1))
    ctx.set_year(YEAR)
    ctx.set_catalog(Catalog.open(catalog_file))
    p = QualityPage(ctx)
    qtbot.addWidget(p)
    p.resize(1300, 860)
    p.show()
    p.refresh()
    yield p
    ctx.catalog.close()


def shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(SHOTS / name))


def test_the_journey_step_opens_the_quality_page() -> None:
    from desktop_app.gui.pages import step
    from desktop_app.gui.pages.quality import QualityPage

    assert step("quality").resolve() is QualityPage


def test_entities_are_the_group_and_each_reporting_clinician(page) -> None:  # type: ignore[no-untyped-def]
    labels = [page.entity_combo.itemText(i) for i in range(page.entity_combo.count())]
    assert labels == ["Group – TIN 12-3456789", f"Maria Alvarez – NPI {NPI_1}"]
    assert page.entry_allowed


def test_search_and_filters_narrow_the_table(page, qtbot) -> None:  # type: ignore[no-untyped-def]
    tab = page.choose
    total = tab.table.rowCount()
    # every measure traditional MIPS may report; other programs' (001SSP) are hidden
    assert (
        total == len([r for r in page.picker.rows if r.in_traditional_mips]) < len(page.picker.rows)
    )
    tab.search.setText("blood pressure")
    ids = [tab.table.item(i, 0).text() for i in range(tab.table.rowCount())]
    assert "236" in ids and len(ids) < total
    tab.search.setText("")
    tab.collection.setCurrentIndex(tab.collection.findData("electronicHealthRecord"))
    tab.outcome.setChecked(True)
    rows = tab.rows
    assert rows and all(
        r.is_outcome and "electronicHealthRecord" in r.submission_methods for r in rows
    )
    assert tab.count_label.text().startswith(f"{len(rows)} of {total}")
    tab.outcome.setChecked(False)
    tab.collection.setCurrentIndex(0)
    tab.specialty.setCurrentIndex(tab.specialty.findData("cardiology"))
    assert all("cardiology" in r.measure_sets for r in tab.rows)
    tab.mvp.setCurrentIndex(1)
    assert all(tab.mvp.currentData() in r.mvps for r in tab.rows)


def test_table_shows_benchmarks_and_the_seven_point_cap(page) -> None:  # type: ignore[no-untyped-def]
    tab = page.choose
    headers = [tab.table.horizontalHeaderItem(j).text() for j in range(tab.table.columnCount())]
    assert headers[2:5] == ["MIPS CQM", "eCQM", "Claims"]
    tab.search.setText("005")
    row = next(i for i in range(tab.table.rowCount()) if tab.table.item(i, 0).text() == "005")
    p = page.ctx.catalog.benchmark(YEAR, "005", "registry").percentiles
    assert tab.table.item(row, 2).text() == f"≥ {p[60]:g}% (max 7)"
    assert "capped at 7 points" in tab.table.item(row, 2).toolTip()
    assert tab.table.item(row, 4).text() == "—"  # not a claims measure
    tab.table.selectRow(row)
    assert "capped at 7 points" in tab.detail.text()


def test_suggested_set_for_the_specialty_is_added_and_remembered(page, ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.quality import practice_specialty

    tab = page.choose
    tab.suggest_specialty.setCurrentIndex(tab.suggest_specialty.findData("familyMedicine"))
    assert tab.suggest_list.count() == 6
    assert "outcome" in tab.suggest_note.text()
    assert practice_specialty(ctx.workspace) == "familyMedicine"
    shot(page, "quality_choose.png")
    tab.add_suggested.click()
    assert page.tabs.currentWidget() is page.entry
    assert page.entry.list.count() == 6
    assert "6 measures, 0 with counts" in page.entry.summary.text()


def type_counts(form, pop: str, excl: str, exc: str, met: str, not_met: str) -> None:  # type: ignore[no-untyped-def]
    for name, text in zip(
        ("eligible_population", "exclusions", "exceptions", "met", "not_met"),
        (pop, excl, exc, met, not_met),
        strict=True,
    ):
        form.fields[name].setText(text)


def add_and_open(page, measure_id: str, method: str = "registry"):  # type: ignore[no-untyped-def]
    page.add_measures([(measure_id, method)])
    return page.entry.form


def test_counts_are_checked_as_the_user_types_with_live_points(page, ctx) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.reporting import EntityKey, stored_values
    from desktop_app.rules import load_rules

    form = add_and_open(page, "236")
    assert form.heading.text().startswith("236 – Controlling High Blood Pressure")
    type_counts(form, "100", "0", "0", "40", "70")
    assert "don't add up" in form.issues_label.text()
    assert not form.save_button.isEnabled()
    assert form.fields["not_met"].property("invalid") is True
    type_counts(form, "100", "0", "0", "40", "20")
    assert "Data completeness 60%" in form.issues_label.text()
    # one clinician: a small practice, which gets its floor for an unscorable measure
    floor = load_rules(YEAR).quality.small_practice_floor.value
    assert form.points_label.text() == f"{floor:g} of 10"
    type_counts(form, "100", "0", "0", "80", "20")
    assert form.rate_label.text() == "80.00%" and form.completeness_label.text() == "100.00%"
    assert "Benchmark (MIPS CQM)" in form.reason_label.text()
    assert form.save_button.isEnabled()
    shot(page, "quality_entry.png")
    form.save_button.click()
    group = page.entity
    [stored] = stored_values(ctx.workspace, EntityKey(YEAR, group.tin, group.npi), "quality")
    assert stored.value["performanceMet"] == 80 and stored.submission_method == "registry"
    assert "1 with counts" in page.entry.summary.text()


def test_case_minimum_and_typing_mistakes_are_shown(page) -> None:  # type: ignore[no-untyped-def]
    form = add_and_open(page, "236")
    type_counts(form, "12", "", "", "10", "2")
    assert "case minimum of 20" in form.issues_label.text()
    type_counts(form, "12", "", "", "ten", "2")
    assert "Performance met must be a whole number" in form.issues_label.text()
    assert not form.save_button.isEnabled()


def test_inverse_measures_are_flagged(page) -> None:  # type: ignore[no-untyped-def]
    form = add_and_open(page, "001")
    assert form.inverse_label.isVisibleTo(page)
    assert "LOWER performance rate is better" in form.inverse_label.text()
    form = add_and_open(page, "236")
    assert not form.inverse_label.isVisibleTo(page)


def test_multi_rate_measures_are_entered_per_stratum(page, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QTableWidgetItem

    form = add_and_open(page, "009", "electronicHealthRecord")
    assert form.strata.isVisibleTo(page) and not form.single.isVisibleTo(page)
    names = [form.strata.verticalHeaderItem(i).text() for i in range(form.strata.rowCount())]
    assert names == ["84Days", "180Days"]
    for i, values in enumerate((("100", "0", "0", "80", "20"), ("100", "0", "0", "60", "40"))):
        for j, v in enumerate(values):
            form.strata.setItem(i, j, QTableWidgetItem(v))
    assert form.rate_label.text() == "70.00%"
    assert "simple average" in form.reason_label.text()
    assert form.save_button.isEnabled()
    shot(page, "quality_strata.png")


def test_removing_a_measure_deletes_its_counts(page, ctx, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    from desktop_app.reporting import stored_values

    form = add_and_open(page, "236")
    type_counts(form, "100", "0", "0", "80", "20")
    form.save_button.click()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    form.remove_button.click()
    assert page.entry.list.count() == 0
    assert stored_values(ctx.workspace, page.entity) == []


def test_entry_is_locked_until_the_election_is_confirmed(page, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import desktop_app.elections

    monkeypatch.setattr(
        desktop_app.elections,
        "data_entry_allowed",
        lambda ws, entity, year: (False, "Confirm an election to Opt-In first."),
    )
    page._entity_changed()
    page.add_measures([("236", "registry")])  # refused while locked
    assert page.banner.text() == "Confirm an election to Opt-In first."
    assert not page.entry_allowed
    assert page.entry.list.count() == 0
    assert not page.choose.add_registry.isEnabled()


def test_without_a_catalog_the_page_says_what_to_do(ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.gui.pages.quality import QualityPage

    p = QualityPage(ctx)
    qtbot.addWidget(p)
    p.refresh()
    assert "catalog isn't available" in p.banner.text()
    assert not p.tabs.isEnabled()


def test_typed_counts_survive_a_change_made_elsewhere_and_saved_ones_follow_it(page, ctx) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    from desktop_app.quality import select_measure
    from desktop_app.reporting import save_value

    form = add_and_open(page, "236")
    type_counts(form, "100", "0", "0", "80", "20")  # typed, not saved
    select_measure(ctx.workspace, page.entity, "001", "registry")  # another change arrives
    QApplication.processEvents()
    assert page.entry.list.count() == 2
    assert form.fields["met"].text() == "80"  # what the user typed is still there
    form.save_button.click()
    value = {
        "isEndToEndReported": False,
        "eligiblePopulation": 100,
        "performanceMet": 90,
        "performanceNotMet": 10,
    }
    save_value(ctx.workspace, page.entity, "quality", "236", value)  # e.g. an import
    QApplication.processEvents()
    assert form.fields["met"].text() == "90"  # nothing unsaved: the form shows the new data


@pytest.fixture
def fresh_page(ctx, qtbot, catalog_file):  # type: ignore[no-untyped-def]
    """A practice with two clinicians typed in by hand: no reporting entity stored yet."""
    from desktop_app.catalog import Catalog
    from desktop_app.gui.pages.quality import QualityPage

    ws = ctx.workspace
    ws.save_practice(demo_practice())
    ws.add_clinicians(
        [
            Clinician(npi=NPI_1, first_name="Maria", last_name="Alvarez", clinician_type="MD"),
            Clinician(npi=NPI_2, first_name="James", last_name="Okafor", clinician_type="NP"),
        ]
    )
    assert ws.reporting_entities(YEAR) == []
    ctx.set_year(YEAR)
    ctx.set_catalog(Catalog.open(catalog_file))
    p = QualityPage(ctx)
    qtbot.addWidget(p)
    p.resize(1300, 860)
    p.show()
    p.refresh()
    yield p
    ctx.catalog.close()


def test_every_clinician_of_the_practice_can_be_chosen(fresh_page) -> None:  # type: ignore[no-untyped-def]
    combo = fresh_page.entity_combo
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert labels == [
        "Group – TIN 12-3456789",
        f"Maria Alvarez – NPI {NPI_1}",
        f"James Okafor – NPI {NPI_2}",
    ]


def test_counts_entered_for_a_clinician_are_saved_for_that_clinician(fresh_page, ctx) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.reporting import EntityKey, stored_values

    combo = fresh_page.entity_combo
    combo.setCurrentIndex(combo.findText(f"James Okafor – NPI {NPI_2}"))
    assert fresh_page.entity == EntityKey(YEAR, "123456789", NPI_2)
    assert fresh_page.entry_allowed
    form = add_and_open(fresh_page, "236")
    type_counts(form, "100", "0", "0", "80", "20")
    form.save_button.click()
    shot(fresh_page, "quality_clinician_entry.png")
    [stored] = stored_values(ctx.workspace, EntityKey(YEAR, "123456789", NPI_2), "quality")
    assert (stored.measure_id, stored.value["performanceMet"]) == ("236", 80)
    assert stored_values(ctx.workspace, EntityKey(YEAR, "123456789", None)) == []
    assert stored_values(ctx.workspace, EntityKey(YEAR, "123456789", NPI_1)) == []
    # choosing the group shows none of the clinician's measures
    combo.setCurrentIndex(0)
    assert fresh_page.entry.list.count() == 0


def test_quality_and_pi_pages_offer_the_same_entities(fresh_page, ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.gui.pages.pi import EntityPicker

    ctx.workspace.save_reporting_entity(ReportingEntity(year=YEAR, tin="987654321", npi=None))
    fresh_page.refresh()
    picker = EntityPicker(ctx)
    qtbot.addWidget(picker)
    picker.fill()
    assert (picker.entity().tin, picker.entity().npi) == ("123456789", None)  # the practice's group
    quality = [fresh_page.entity_combo.itemData(i) for i in range(fresh_page.entity_combo.count())]
    pi = []
    for i in range(picker.combo.count()):
        picker.combo.setCurrentIndex(i)
        pi.append(picker.entity())
    assert quality == pi
    assert [(k.tin, k.npi) for k in quality] == [
        ("123456789", None),
        ("123456789", NPI_1),
        ("123456789", NPI_2),
        ("987654321", None),  # stored (e.g. by an import): listed after the practice's own
    ]
