"""Refresh the README screenshots (docs/screenshots/*.png), offscreen.

Creates a demo workspace in a temporary folder (a practice with three
clinicians), builds the measures catalog from the developer copy of CMS's
qpp-measures-data when there is one (../shared), opens the main window at
1200x800 and saves:

- docs/screenshots/main-window.png        the Practice step
- docs/screenshots/coming-step.png        the first step that is not built yet (none once
                                          every step has its page: then the file is removed)
- docs/screenshots/wizard-welcome.png     first-run wizard, Welcome
- docs/screenshots/wizard-practice.png    first-run wizard, Practice (with a TIN message)
- docs/screenshots/wizard-clinicians.png  first-run wizard, Clinicians
- docs/screenshots/clinician-dialog.png   Add clinician
- docs/screenshots/no-catalog.png         the banner shown when there are no measures data

Usage: python scripts/screenshots.py [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO_CLINICIANS = [
    ("1234567893", "Maria", "Alvarez", "MD", "2015-07-01"),
    ("1987654328", "James", "Okafor", "NP", "2021-03-15"),
    ("1543210987", "Linda", "Chen", "PT", ""),
]


def _demo_data(ws) -> None:  # type: ignore[no-untyped-def]
    """Quality, PI and IA data of the group for 2025, entered through the core."""
    import datetime as dt

    from desktop_app.reporting import EntityKey, save_set_fields, save_value

    group = EntityKey(2025, "123456789")

    def rate(met: int, not_met: int, population: int) -> dict[str, object]:
        return {
            "isEndToEndReported": False,
            "performanceMet": met,
            "performanceNotMet": not_met,
            "eligiblePopulation": population,
            "eligiblePopulationExclusion": 0,
            "eligiblePopulationException": 0,
        }

    for measure_id, value in (
        ("236", rate(142, 38, 190)),
        ("001", rate(21, 149, 180)),
        ("226", None),
        ("134", rate(88, 32, 130)),
    ):
        if value is not None:
            save_value(ws, group, "quality", measure_id, value)
    save_set_fields(
        ws,
        group,
        "pi",
        cehrt_id="0015CXXXXXXXXXX",
        performance_start=dt.date(2025, 3, 1),
        performance_end=dt.date(2025, 12, 31),
    )
    for measure_id, value in (
        ("PI_PPHI_1", True),
        ("PI_PPHI_2", True),
        ("PI_ONCDIR_1", True),
        ("PI_INFBLO_1", True),
        ("PI_EP_1", {"numerator": 640, "denominator": 700}),
        ("PI_EP_2", True),
        ("PI_HIE_5", True),
        ("PI_PEA_1", {"numerator": 910, "denominator": 1000}),
        ("PI_PHCDRR_1_PROD", True),
        ("PI_PHCDRR_1", True),
        ("PI_PHCDRR_3_PROD", True),
        ("PI_PHCDRR_3", True),
    ):
        save_value(ws, group, "pi", measure_id, value)
    save_set_fields(
        ws,
        group,
        "ia",
        performance_start=dt.date(2025, 2, 1),
        performance_end=dt.date(2025, 6, 30),
    )
    # Activities of the 2025 inventory (catalog), so the demo data passes the export check.
    save_value(ws, group, "ia", "IA_EPA_2", True)
    save_value(ws, group, "ia", "IA_BE_4", True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Refresh docs/screenshots offscreen.")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    tmp = Path(tempfile.mkdtemp(prefix="mipsdesk-shots-"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["MIPSDESK_DATA_DIR"] = str(tmp / "data")
    os.environ.setdefault("MIPSDESK_USER", "demo")

    from PySide6.QtCore import QEventLoop, QTimer

    from desktop_app.catalog.source import ensure_catalog
    from desktop_app.gui.app import application
    from desktop_app.gui.catalog_jobs import open_catalog
    from desktop_app.gui.context import AppContext
    from desktop_app.gui.main_window import MainWindow
    from desktop_app.gui.wizard import FirstRunWizard
    from desktop_app.models.practice import Clinician, Practice
    from desktop_app.settings import Settings
    from desktop_app.store import Workspace

    app = application()

    def settle(ms: int = 50) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def save(widget, name: str) -> None:  # type: ignore[no-untyped-def]
        settle()
        path = out / name
        widget.grab().save(str(path))
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    # Demo workspace: a practice with three clinicians.
    ws_path = tmp / "Riverside Family Medicine.mipsdesk"
    with Workspace.open(ws_path, user="demo") as ws:
        ws.save_practice(
            Practice(
                tin="123456789",
                name="Riverside Family Medicine",
                address_line1="210 Main Street",
                address_line2="Suite 4",
                city="Harrisburg",
                state="PA",
                zip="17101",
            )
        )
        ws.add_clinicians(
            [
                Clinician(
                    npi=n,
                    first_name=f,
                    last_name=la,
                    clinician_type=t,
                    medicare_enrollment_date=d or None,
                )
                for n, f, la, t, d in DEMO_CLINICIANS
            ]
        )

        # A year of data for the group, so the data pages and the score have figures.
        _demo_data(ws)

    catalog = ensure_catalog(Settings())
    catalog_path = catalog.path if catalog is not None else None
    if catalog is not None:
        catalog.close()
    else:
        print("no measures data found; the screenshots show the 'no catalog' banner")

    ctx = AppContext(Settings())
    window = MainWindow(ctx)
    window.resize(1200, 800)
    window.open_workspace(ws_path)
    if catalog_path is not None:
        ctx.set_catalog(open_catalog(catalog_path))
    window.show()
    window.show_step("practice")
    save(window, "main-window.png")
    ctx.set_year(2025)
    for key in ("quality", "pi", "ia", "score", "export"):
        window.show_step(key)
        settle(300)
        save(window, f"step-{key}.png")
    ctx.set_year(2026)
    from desktop_app.gui.pages import JOURNEY

    coming = next((step for step in JOURNEY if step.page_class is None), None)
    if coming is not None:
        window.show_step(coming.key)
        save(window, "coming-step.png")
    else:
        stale = out / "coming-step.png"
        if stale.exists():
            stale.unlink()
            print(f"every step has its page: removed {stale.name}")

    window.show_step("practice")
    dialog = window.current_page().panel.add_clinician()  # type: ignore[union-attr]
    dialog.ui.npi.setText("1678901237")
    dialog.ui.firstName.setText("Ana")
    dialog.ui.lastName.setText("Ruiz")
    dialog.accept()  # shows the NPI check-digit message
    save(dialog, "clinician-dialog.png")
    dialog.reject()

    # The first-run wizard on an empty workspace.
    ctx.set_workspace(Workspace.open(tmp / "New practice.mipsdesk", user="demo"))
    wizard = FirstRunWizard(ctx, window)
    wizard.show()
    save(wizard, "wizard-welcome.png")
    wizard.next()
    form = wizard.practice_page.form
    form.ui.tin.setText("12-345678")
    form.ui.name.setText("Riverside Family Medicine")
    form.ui.addressLine1.setText("210 Main Street")
    form.ui.city.setText("Harrisburg")
    form.ui.state.setText("PA")
    form.ui.zip.setText("17101")
    form.commit(show_all=True)
    save(wizard, "wizard-practice.png")
    form.ui.tin.setText("12-3456789")
    form.commit(show_all=True)
    wizard.next()
    ctx.workspace.add_clinicians(  # type: ignore[union-attr]
        [
            Clinician(npi=n, first_name=f, last_name=la, clinician_type=t)
            for n, f, la, t, _d in DEMO_CLINICIANS
        ]
    )
    wizard.clinicians_page.panel.refresh()
    save(wizard, "wizard-clinicians.png")
    wizard.close()

    # No catalog and no source: the banner.
    window.show_step("practice")
    from desktop_app.catalog.source import HOW_TO_GET_CATALOG

    window.show_catalog_banner(HOW_TO_GET_CATALOG)
    save(window, "no-catalog.png")

    window.close()
    app.processEvents()
    ctx.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
