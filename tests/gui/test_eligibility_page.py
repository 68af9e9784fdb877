"""Eligibility page: QPP-style badges, the figures form, Look up on QPP in the background."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest
from gui_demo import NPI_1, NPI_2, demo_practice

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "eligibility"))
from fake_qpp import FakeQpp, Scripted, ServerThread, provider, scenario

from desktop_app.eligibility import LowVolumeFigures, Status
from desktop_app.eligibility import store as el
from desktop_app.models.practice import Clinician

TIN = "123456789"


@pytest.fixture
def page(ctx, qtbot):  # type: ignore[no-untyped-def]
    from desktop_app.gui.pages.eligibility import EligibilityPage

    ws = ctx.workspace
    ws.save_practice(demo_practice())
    ws.add_clinicians(
        [
            Clinician(npi=NPI_1, first_name="Maria", last_name="Alvarez", clinician_type="MD"),
            Clinician(npi=NPI_2, first_name="James", last_name="Okafor", clinician_type="NP"),
        ]
    )
    ctx.set_year(2025)
    p = EligibilityPage(ctx)
    qtbot.addWidget(p)
    p.resize(1200, 850)
    p.show()
    ctx.data_changed.connect(lambda _t: p.refresh())
    p.refresh()
    return p


@pytest.fixture
def fake_qpp(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    fake = FakeQpp()
    server = ServerThread(fake)
    server.start()
    monkeypatch.setenv("MIPSDESK_QPP_BASE_URL", fake.base_url)
    yield fake
    server.stop()


def statuses(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [page.table.item(r, 2).text() for r in range(page.table.rowCount())]


def type_segment(qtbot, page, seg: int, values: tuple[str, str, str]) -> None:  # type: ignore[no-untyped-def]
    for key, value in zip(("allowed_charges", "beneficiaries", "services"), values, strict=True):
        edit = page.fields[(seg, key)]
        edit.setText(value)
        edit.editingFinished.emit()


def test_group_and_each_clinician_listed_not_determined_at_first(page) -> None:  # type: ignore[no-untyped-def]
    assert page.table.rowCount() == 3
    assert page.table.item(0, 0).text() == "Riverside Family Medicine (group)"
    assert statuses(page) == ["NOT DETERMINED"] * 3
    assert "October 1, 2023 – September 30, 2024" in page.intro.text()


def test_figures_form_saves_and_badges_follow(page, qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    page.select(NPI_1)
    type_segment(qtbot, page, 1, ("95,000", "150", "300"))
    type_segment(qtbot, page, 2, ("$95000.00", "150", "300"))
    assert el.load_figures(ctx.workspace, 2025, TIN, NPI_1)[2] == LowVolumeFigures(
        Decimal("95000"), 150, 300
    )
    assert page.badge.text() == "MIPS EXEMPT"
    assert page.badge.note.text() == "Opt-in eligible"
    assert "Exceeds Low Volume Threshold:</b> No" in page.summary.text()
    assert "Small practice" in page.summary.text()
    assert "opt-in eligible" in page.reasons.text()
    assert statuses(page)[1] == "MIPS EXEMPT · Opt-in eligible"
    page.select(NPI_2)
    type_segment(qtbot, page, 1, ("90000.01", "201", "201"))
    assert page.badge.text() == "MIPS ELIGIBLE"
    page.qp_box.setChecked(True)
    assert page.badge.text() == "MIPS EXEMPT"
    assert el.load_facts(ctx.workspace, 2025, TIN, NPI_2).qp is True


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        (("abc", "150", "300"), "not an amount in dollars"),
        (("90000", "-3", "300"), "can't be negative"),
        (("90000", "", "300"), "Enter all three figures"),
        (("90000", "12.5", "300"), "whole number"),
    ],
)
def test_bad_figures_are_shown_and_not_saved(page, qtbot, ctx, values, fragment) -> None:  # type: ignore[no-untyped-def]
    page.select(None)
    type_segment(qtbot, page, 1, values)
    assert page.segment_errors[1].isVisible()
    assert fragment in page.segment_errors[1].text()
    assert el.load_figures(ctx.workspace, 2025, TIN, None) == {}
    assert page.fields[(1, "allowed_charges")].text() == values[0]  # the typed text stays to fix
    type_segment(qtbot, page, 1, ("300000", "450", "900"))
    assert not page.segment_errors[1].isVisible()
    assert page.badge.text() == "MIPS ELIGIBLE"


def test_special_statuses_entered_by_hand(page, ctx) -> None:  # type: ignore[no-untyped-def]
    page.select(None)
    page.status_boxes["rural"].setChecked(True)
    assert el.load_facts(ctx.workspace, 2025, TIN, None).special_statuses == ("rural",)
    assert "Small practice, Rural" in page.summary.text()


def test_lookup_runs_in_background_and_keeps_result(page, qtbot, ctx, fake_qpp) -> None:  # type: ignore[no-untyped-def]
    fake_qpp.providers[(NPI_1, 2025)] = provider(NPI_1, org_name="Riverside Family Medicine")
    fake_qpp.providers[(NPI_2, 2025)] = provider(
        NPI_2,
        individual=scenario(eligible=True, low_volume=False),
        org_name="Riverside Family Medicine",
    )
    fake_qpp.script[NPI_1] = [
        Scripted(200, provider(NPI_1, org_name="Riverside Family Medicine"), delay=0.5)
    ]
    page.lookup_button.click()
    # The click returned at once: the window still runs while QPP answers.
    assert page.lookup_running
    assert page.progress.isVisible()
    assert not page.lookup_button.isEnabled()
    qtbot.waitUntil(lambda: not page.lookup_running, timeout=15000)
    assert not page.lookup_error.isVisible()
    assert "Looked up 2 of 2" in page.progress_label.text()
    assert statuses(page) == [
        "MIPS EXEMPT · Opt-in eligible",
        "MIPS EXEMPT · Opt-in eligible",
        "MIPS ELIGIBLE",
    ]
    page.select(NPI_1)
    assert "QPP Participation Status, looked up" in page.summary.text()
    assert el.load_lookup(ctx.workspace, NPI_1, 2025) is not None
    found = el.practice_eligibility(ctx.workspace, 2025)
    assert found is not None and found.group.effective.status is Status.OPT_IN_ELIGIBLE


def test_lookup_failure_says_what_happened(page, qtbot, ctx, fake_qpp) -> None:  # type: ignore[no-untyped-def]
    fake_qpp.providers[(NPI_2, 2025)] = provider(NPI_2, org_name="Riverside Family Medicine")
    page.lookup_button.click()
    qtbot.waitUntil(lambda: not page.lookup_running, timeout=15000)
    assert page.lookup_error.isVisible()
    assert f"QPP has no information for NPI {NPI_1} in 2025" in page.lookup_error.text()
    assert "Looked up 1 of 2" in page.progress_label.text()
    assert page.lookup_button.isEnabled()


def test_screenshot(page, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    page.select(NPI_1)
    type_segment(qtbot, page, 1, ("95000", "150", "300"))
    type_segment(qtbot, page, 2, ("98000", "160", "320"))
    out = Path("/tmp/shots")
    out.mkdir(exist_ok=True)
    assert page.grab().save(str(out / "eligibility-page.png"))


def test_no_connection_stops_the_lookup_with_a_clear_message(page, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from fake_qpp import free_port_closed

    monkeypatch.setenv("MIPSDESK_QPP_BASE_URL", f"http://127.0.0.1:{free_port_closed()}")
    monkeypatch.setattr("desktop_app.qpp_api.eligibility.time.sleep", lambda s: None)
    page.lookup_button.click()
    qtbot.waitUntil(lambda: not page.lookup_running, timeout=15000)
    text = page.lookup_error.text()
    assert "Could not reach" in text and "internet connection" in text
    assert "The other 1 clinician(s) were not looked up" in text
    assert statuses(page) == ["NOT DETERMINED"] * 3
