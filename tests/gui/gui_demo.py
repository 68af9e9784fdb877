"""Demo data shared by the GUI tests."""

from __future__ import annotations

from desktop_app.models.practice import Practice

# Valid NPIs (Luhn check digit with prefix 80840).
NPI_1 = "1234567893"
NPI_2 = "1987654328"
NPI_3 = "1543210987"
NPI_4 = "1678901236"
BAD_NPI = "1678901237"  # wrong check digit


def demo_practice() -> Practice:
    return Practice(
        tin="123456789",
        name="Riverside Family Medicine",
        address_line1="210 Main Street",
        city="Harrisburg",
        state="PA",
        zip="17101",
    )


def activate(qtbot, widget) -> None:  # type: ignore[no-untyped-def]
    """Make ``widget``'s window the active one (offscreen needs asking), so focus and Tab work."""
    from PySide6.QtWidgets import QApplication

    top = widget.window()
    qtbot.waitExposed(top)
    top.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget.window())
