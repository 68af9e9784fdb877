"""Eligibility page: the allowed-charges field refuses 1e6, 1_000_000 and 1E+400."""

from __future__ import annotations

import pytest
from test_eligibility_page import TIN, page, type_segment  # noqa: F401  (the fixture)

from desktop_app.eligibility import store as el


@pytest.mark.parametrize("typed", ["1e6", "1_000_000", "1E+400"])
def test_exponent_or_underscore_is_shown_as_an_error_and_not_saved(page, qtbot, ctx, typed) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page.select(None)
    type_segment(qtbot, page, 1, (typed, "250", "300"))
    assert page.segment_errors[1].isVisible()
    text = page.segment_errors[1].text()
    assert f"'{typed}' is not an amount in dollars" in text
    assert "like 95000 or 95000.50" in text
    assert el.load_figures(ctx.workspace, 2025, TIN, None) == {}
    assert page.fields[(1, "allowed_charges")].text() == typed  # kept to be fixed
    type_segment(qtbot, page, 1, ("$1,000,000", "250", "300"))
    assert not page.segment_errors[1].isVisible()
    saved = el.load_figures(ctx.workspace, 2025, TIN, None)[1]
    assert str(saved.allowed_charges) == "1000000.00"


@pytest.mark.parametrize(
    ("charges", "count", "shown"),
    [("95,00.5", "250", "'95,00.5' has a comma in the wrong place"), ("95000", "1,0", "'1,0'")],
)
def test_misplaced_comma_is_shown_as_an_error_and_not_saved(  # type: ignore[no-untyped-def]
    page,  # noqa: F811
    qtbot,
    ctx,
    charges: str,
    count: str,
    shown: str,
) -> None:
    page.select(None)
    type_segment(qtbot, page, 1, (charges, count, "300"))
    assert page.segment_errors[1].isVisible()
    text = page.segment_errors[1].text()
    assert shown in text and "comma in the wrong place" in text
    assert "only separate thousands" in text
    assert el.load_figures(ctx.workspace, 2025, TIN, None) == {}  # not $9,500.50 nor 10
    page.grab().save("/tmp/shots/eligibility-misplaced-comma.png")
    type_segment(qtbot, page, 1, ("95,000.50", "1,204", "300"))
    assert not page.segment_errors[1].isVisible()
    saved = el.load_figures(ctx.workspace, 2025, TIN, None)[1]
    assert str(saved.allowed_charges) == "95000.50" and saved.beneficiaries == 1204


def test_the_figure_that_is_wrong_is_the_one_outlined(page, qtbot) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page.select(None)
    type_segment(qtbot, page, 1, ("95000", "1,0", "300"))
    marked = {
        c
        for c in ("allowed_charges", "beneficiaries", "services")
        if page.fields[(1, c)].property("invalid")
    }
    assert marked == {"beneficiaries"}
    type_segment(qtbot, page, 1, ("95000", "250", "300"))
    assert not any(
        page.fields[(1, c)].property("invalid")
        for c in ("allowed_charges", "beneficiaries", "services")
    )
