"""The README screenshots' demo data (scripts/screenshots.py) uses the year's
improvement activities, so the pictured group passes the export check."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from desktop_app.exporting import check_entity
from desktop_app.models.practice import Clinician, Practice
from desktop_app.reporting import EntityKey
from desktop_app.store import Workspace

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "screenshots.py"


def _script() -> Any:
    spec = importlib.util.spec_from_file_location("screenshots_demo", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_screenshot_demo_data_passes_the_export_check(tmp_path: Path, catalog: Any) -> None:
    shots = _script()
    group = EntityKey(2025, "123456789")
    with Workspace.open(tmp_path / "demo.mipsdesk", user="demo") as ws:
        ws.save_practice(
            Practice(
                tin="123456789",
                name="Riverside Family Medicine",
                address_line1="210 Main Street",
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
                for n, f, la, t, d in shots.DEMO_CLINICIANS
            ]
        )
        shots._demo_data(ws)
        from desktop_app import attestation as att

        activities = set(att.ia_entry(ws, group))
        assert activities and all(catalog.measure(2025, m) is not None for m in activities)
        for fmt in ("qpp-json", "qrda3"):
            report = check_entity(ws, group, catalog, fmt=fmt)
            assert [p.message for p in report.errors] == [], fmt
