"""The Quality page's live points and checks agree with scoring and export: small-practice
status from eligibility, points of capped measures out of their cap, MIPS CQM
exclusions, eCQM counts that QRDA III can't carry, benchmark figures per decile."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_demo import NPI_1, demo_practice
from PySide6.QtCore import Qt

from desktop_app.models.practice import Clinician, Practice

SHOTS = Path("/tmp/shots")
YEAR = 2025


def _page(ctx, qtbot, catalog_file, size: int | None):  # type: ignore[no-untyped-def]
    from desktop_app.catalog import Catalog
    from desktop_app.gui.pages.quality import QualityPage

    ws = ctx.workspace
    practice = demo_practice()
    if size is not None:
        practice = Practice.model_validate({**practice.model_dump(), "size": size})
    ws.save_practice(practice)
    ws.add_clinician(
        Clinician(npi=NPI_1, first_name="Maria", last_name="Alvarez", clinician_type="MD")
    )
    ctx.set_year(YEAR)
    ctx.set_catalog(Catalog.open(catalog_file))
    p = QualityPage(ctx)
    qtbot.addWidget(p)
    p.resize(1400, 900)
    p.show()
    p.refresh()
    return p


@pytest.fixture
def page(ctx, qtbot, catalog_file):  # type: ignore[no-untyped-def]
    """A practice of one clinician: small, as its eligibility says."""
    p = _page(ctx, qtbot, catalog_file, None)
    yield p
    ctx.catalog.close()


@pytest.fixture
def large_page(ctx, qtbot, catalog_file):  # type: ignore[no-untyped-def]
    """A practice that says 20 clinicians bill under its TIN: not small."""
    p = _page(ctx, qtbot, catalog_file, 20)
    yield p
    ctx.catalog.close()


def shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(SHOTS / name))


def type_counts(form, pop: str, excl: str, exc: str, met: str, not_met: str) -> None:  # type: ignore[no-untyped-def]
    for name, text in zip(
        ("eligible_population", "exclusions", "exceptions", "met", "not_met"),
        (pop, excl, exc, met, not_met),
        strict=True,
    ):
        form.fields[name].setText(text)


def open_measure(page, measure_id: str, method: str = "registry"):  # type: ignore[no-untyped-def]
    page.add_measures([(measure_id, method)])
    form = page.entry.form
    assert form.key() == (measure_id, method, "mips")
    return form


def test_live_points_use_the_small_practice_status_from_eligibility(large_page, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Under the case minimum or below data completeness a small practice gets its floor
    (3 points in 2025), as the score preview, the PDF and the export scoring say."""
    from desktop_app.attestation import scoring_options
    from desktop_app.rules import load_rules

    page = large_page
    ws = page.ctx.workspace
    floor = load_rules(YEAR).quality.small_practice_floor.value
    assert not scoring_options(ws, page.entity).is_small_practice
    form = open_measure(page, "236")
    type_counts(form, "15", "0", "0", "10", "5")  # eligible population under 20
    assert form.points_label.text() == "0 of 10"
    # the practice corrects its size: 3 clinicians -> small (eligibility says so)
    ws.save_practice(Practice.model_validate({**ws.practice().model_dump(), "size": 3}))
    assert scoring_options(ws, page.entity).is_small_practice
    qtbot.waitUntil(lambda: form.points_label.text() == f"{floor:g} of 10")
    assert "small-practice floor" in form.reason_label.text()
    assert form.fields["eligible_population"].text() == "15"  # what was typed stays
    type_counts(form, "100", "0", "0", "40", "10")  # 50% data completeness
    assert form.points_label.text() == f"{floor:g} of 10"
    assert "Data completeness 50%" in form.reason_label.text()
    shot(page, "quality_small_practice_floor.png")


def test_a_small_practice_scored_per_clinician_gets_its_floor_too(page) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.rules import load_rules

    combo = page.entity_combo
    combo.setCurrentIndex(combo.findText(f"Maria Alvarez – NPI {NPI_1}"))
    assert page.entity.npi == NPI_1
    form = open_measure(page, "236")
    type_counts(form, "15", "0", "0", "10", "5")
    floor = load_rules(YEAR).quality.small_practice_floor.value
    assert form.points_label.text() == f"{floor:g} of 10"


def test_a_capped_measure_shows_its_points_out_of_the_cap(page) -> None:  # type: ignore[no-untyped-def]
    form = open_measure(page, "047")
    type_counts(form, "60", "0", "0", "40", "10")  # 80%: decile 3 of a topped-out measure
    text = form.points_label.text()
    assert text.endswith(" of 7 (topped out: capped at 7)"), text
    assert float(text.split(" of ")[0]) < 7
    assert "capped at 7 points" in form.subheading.text()
    type_counts(form, "60", "0", "0", "60", "0")  # 100%: the cap, not 10
    assert form.points_label.text() == "7 of 7 (topped out: capped at 7)"


def test_mips_cqm_exclusions_must_leave_the_eligible_population(page, ctx) -> None:  # type: ignore[no-untyped-def]
    """The form refuses what the export check refuses, and offers the fix CMS describes."""
    from desktop_app.reporting import stored_values

    form = open_measure(page, "236")
    type_counts(form, "60", "5", "0", "40", "10")
    issues = form.issues_label.text()
    assert "enter 55 as the eligible population" in issues
    assert "0 as denominator exclusions" in issues
    assert form.fields["exclusions"].property("invalid") is True
    assert not form.save_button.isEnabled()
    assert form.fix_exclusions.isVisibleTo(page)
    shot(page, "quality_cqm_exclusions.png")
    form.fix_exclusions.click()
    assert (form.fields["eligible_population"].text(), form.fields["exclusions"].text()) == (
        "55",
        "0",
    )
    assert not form.fix_exclusions.isVisibleTo(page)
    assert form.save_button.isEnabled()
    form.save_button.click()
    [stored] = stored_values(ctx.workspace, page.entity, "quality")
    assert stored.value["eligiblePopulation"] == 55
    assert stored.value["eligiblePopulationExclusion"] == 0
    # an eCQM reports its exclusions (QRDA III DENEX): no error there
    form = open_measure(page, "236", "electronicHealthRecord")
    type_counts(form, "60", "5", "0", "40", "15")
    assert "eligible population" not in form.issues_label.text()
    assert form.save_button.isEnabled() and not form.fix_exclusions.isVisibleTo(page)


def test_ecqm_counts_that_dont_add_up_are_flagged_and_saving_asks_first(
    page, ctx, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    from desktop_app.reporting import stored_values

    form = open_measure(page, "236", "electronicHealthRecord")
    type_counts(form, "100", "0", "0", "70", "10")
    issues = form.issues_label.text()
    assert "counts don't add up for an eCQM" in issues
    assert "QRDA III file can't carry this measure" in issues
    assert "enter the 20 remaining patients as performance not met" in issues
    shot(page, "quality_ecqm_counts.png")
    asked: list[str] = []

    def answer(choice):  # type: ignore[no-untyped-def]
        def warning(_parent, title, text, *_args):  # type: ignore[no-untyped-def]
            asked.append(text)
            return choice

        return warning

    monkeypatch.setattr(QMessageBox, "warning", answer(QMessageBox.StandardButton.Cancel))
    form.save_button.click()
    assert asked and "QRDA III" in asked[0]
    assert stored_values(ctx.workspace, page.entity, "quality") == []  # nothing saved
    monkeypatch.setattr(QMessageBox, "warning", answer(QMessageBox.StandardButton.Save))
    form.save_button.click()
    [stored] = stored_values(ctx.workspace, page.entity, "quality")
    assert stored.value["performanceNotMet"] == 10
    # counts that add up are saved without a question
    asked.clear()
    type_counts(form, "100", "0", "0", "70", "30")
    assert "don't add up" not in form.issues_label.text()
    form.save_button.click()
    assert not asked
    [stored] = stored_values(ctx.workspace, page.entity, "quality")
    assert stored.value["performanceNotMet"] == 30


def _select(page, measure_id: str) -> None:  # type: ignore[no-untyped-def]
    tab = page.choose
    tab.search.setText(measure_id)
    row = next(i for i in range(tab.table.rowCount()) if tab.table.item(i, 0).text() == measure_id)
    tab.table.selectRow(row)


def test_the_detail_panel_shows_every_decile_per_collection_type(page) -> None:  # type: ignore[no-untyped-def]
    catalog = page.ctx.catalog
    tab = page.choose
    _select(page, "236")
    detail = tab.detail.text()
    ehr = catalog.benchmark(YEAR, "236", "electronicHealthRecord").percentiles
    for k in (10, 20, 30, 40, 50, 60, 70, 80, 90):
        assert f"≥ {ehr[k]:g}%" in detail
    assert f"10 points at ≥ {ehr[90]:g}%" in detail
    assert "Claims" in detail and "MIPS CQM" in detail and "eCQM" in detail
    row = next(i for i in range(tab.table.rowCount()) if tab.table.item(i, 0).text() == "236")
    claims = catalog.benchmark(YEAR, "236", "claims").percentiles
    assert tab.table.item(row, 4).text() == f"≥ {claims[90]:g}%"
    _select(page, "001")  # inverse: lower is better
    detail = tab.detail.text()
    inv = catalog.benchmark(YEAR, "001", "electronicHealthRecord").percentiles
    assert "inverse measure: lower rates are better" in detail
    assert f"≤ {inv[10]:g}%" in detail and f"&gt; {inv[90]:g}%" in detail
    shot(page, "quality_benchmark_deciles.png")


def test_the_exclusions_fix_is_offered_only_when_the_counts_then_add_up(page) -> None:  # type: ignore[no-untyped-def]
    form = open_measure(page, "236")
    # more exclusions than patients: no "enter 0", no one-click fix, nothing saveable
    type_counts(form, "5", "10", "0", "0", "0")
    issues = form.issues_label.text()
    assert "more than the eligible population 5" in issues
    assert "enter 0 as the eligible population" not in issues
    assert not form.fix_exclusions.isVisibleTo(page)
    assert not form.save_button.isEnabled()
    shot(page, "quality_cqm_exclusions_too_many.png")
    # 60 - 20 = 40 can't hold 40 met + 10 not met: the counts are wrong, say so
    type_counts(form, "60", "20", "0", "40", "10")
    assert "would be 40, less than met 40 + not met 10" in form.issues_label.text()
    assert not form.fix_exclusions.isVisibleTo(page)
    # a sound case still gets the fix
    type_counts(form, "60", "5", "0", "40", "10")
    assert form.fix_exclusions.isVisibleTo(page)


def test_measures_of_other_programs_are_hidden_and_cant_be_added(page, ctx) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.quality import selected_measures

    tab = page.choose
    tab.search.setText("001SSP")
    assert "001SSP" not in [tab.table.item(i, 0).text() for i in range(tab.table.rowCount())]
    tab.other_programs.setChecked(True)
    ids = [tab.table.item(i, 0).text() for i in range(tab.table.rowCount())]
    assert "001SSP" in ids
    tab.table.selectRow(ids.index("001SSP"))
    assert not tab.add_registry.isEnabled()
    assert "Not for traditional MIPS" in tab.detail.text()
    page.add_measures([("001SSP", "registry")])
    assert "001SSP" not in [s.measure_id for s in selected_measures(ctx.workspace, page.entity)]
    assert tab.refused_label.isVisibleTo(page)
    assert "Add measure 001 instead." in tab.refused_label.text()
    shot(page, "quality_other_programs_refused.png")


def test_the_picker_columns_fit_at_1200_by_800(page) -> None:  # type: ignore[no-untyped-def]
    """In a 1200 px main window the page gets about 950 px beside the step list."""
    from PySide6.QtGui import QFont, QFontMetrics
    from PySide6.QtWidgets import QApplication

    page.resize(950, 800)
    QApplication.processEvents()
    table = page.choose.table
    page.choose.search.setText("236")
    QApplication.processEvents()
    used = sum(table.columnWidth(c) for c in range(table.columnCount()))
    assert used <= table.viewport().width()
    assert table.horizontalScrollBar().maximum() == 0
    header = table.horizontalHeader()
    bold = QFont(header.font())
    bold.setBold(True)
    for c in range(table.columnCount()):
        label = table.horizontalHeaderItem(c).text()
        assert QFontMetrics(bold).horizontalAdvance(label) < table.columnWidth(c), label
    # the benchmark cells show in full; the title column is the widest
    for c in (2, 3, 4):
        text = table.item(0, c).text()
        assert table.fontMetrics().horizontalAdvance(text) < table.columnWidth(c), text
    assert table.columnWidth(1) == max(table.columnWidth(c) for c in range(table.columnCount()))
    assert table.columnWidth(1) >= 160  # about 20 characters of each title stay readable
    row = next(i for i in range(table.rowCount()) if table.item(i, 0).text() == "236")
    assert (
        table.item(row, 1)
        .toolTip()
        .startswith("Controlling High Blood Pressure\nIntermediate outcome measure")
    )
    shot(page, "quality_picker_1200x800.png")


def test_a_measure_of_other_programs_added_earlier_cant_be_saved(page, ctx) -> None:  # type: ignore[no-untyped-def]
    # A workspace from before the refusal holds 001SSP (allowedPrograms ["appPlus"]).
    from desktop_app.quality import select_measure
    from desktop_app.reporting import stored_values

    select_measure(ctx.workspace, page.entity, "001SSP", "registry")
    page.reload_selections()
    lst = page.entry.list
    item = next(
        lst.item(i)
        for i in range(lst.count())
        if lst.item(i).data(Qt.ItemDataRole.UserRole)[0] == "001SSP"
    )
    lst.setCurrentItem(item)
    form = page.entry.form
    assert form.key() == ("001SSP", "registry", "mips")
    type_counts(form, "50", "0", "0", "10", "40")
    assert "not to traditional MIPS" in form.issues_label.text()
    assert "Remove it from your measures." in form.issues_label.text()
    assert not form.save_button.isEnabled()
    assert form.points_label.text() == "—"
    assert stored_values(ctx.workspace, page.entity, "quality") == []
