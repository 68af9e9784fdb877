"""Eligibility data kept in the workspace: figures, facts, lookups usable offline."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from fake_qpp import FakeQpp, make_npi, provider

from desktop_app.eligibility import LowVolumeFigures, Status
from desktop_app.eligibility import store as el
from desktop_app.models.practice import Clinician, Practice
from desktop_app.qpp_api._http import RetryPolicy
from desktop_app.qpp_api.eligibility import EligibilityClient
from desktop_app.store import Workspace

TIN = "123456789"
NPI_A = make_npi("123456789")
NPI_B = make_npi("223456789")


@pytest.fixture
def ws(tmp_path: Path):  # type: ignore[no-untyped-def]
    w = Workspace.open(tmp_path / "maple.mipsdesk", user="jane")
    w.save_practice(Practice(tin=TIN, name="Maple Family Medicine"))
    w.add_clinicians(
        [
            Clinician(npi=NPI_A, first_name="Ada", last_name="Quinn", clinician_type="MD"),
            Clinician(
                npi=NPI_B,
                first_name="Bo",
                last_name="Reyes",
                clinician_type="NP",
                medicare_enrollment_date=dt.date(2025, 3, 1),
            ),
        ]
    )
    yield w
    w.close()


def test_figures_saved_audited_and_reloaded(ws: Workspace, tmp_path: Path) -> None:
    f1 = LowVolumeFigures(Decimal("95000.50"), 150, 300)
    el.save_figures(ws, 2025, TIN, NPI_A, 1, f1)
    el.save_figures(ws, 2025, TIN, NPI_A, 2, LowVolumeFigures(Decimal("99000"), 180, 320))
    el.save_figures(ws, 2025, TIN, None, 1, LowVolumeFigures(Decimal("300000"), 450, 900))
    ws.close()
    again = Workspace.open(tmp_path / "maple.mipsdesk", user="jane")
    assert el.load_figures(again, 2025, TIN, NPI_A)[1] == f1
    entry = again.audit_log(table="eligibility_figures")[0]
    assert entry.user == "jane" and entry.after == {
        "allowed_charges": "300000.00",
        "beneficiaries": 450,
        "services": 900,
    }
    found = el.practice_eligibility(again, 2025)
    assert found is not None
    a = found.entity(NPI_A)
    assert a is not None and a.effective.status is Status.OPT_IN_ELIGIBLE
    b = found.entity(NPI_B)
    assert b is not None and b.effective.status is Status.EXEMPT  # newly enrolled in 2025
    assert found.group.effective.status is Status.ELIGIBLE  # segment 1 only: it decides
    again.close()


def test_group_with_one_segment_decides_on_it(ws: Workspace) -> None:
    el.save_figures(ws, 2025, TIN, None, 1, LowVolumeFigures(Decimal("300000"), 450, 900))
    found = el.practice_eligibility(ws, 2025)
    assert found is not None and found.group.effective.status is Status.ELIGIBLE
    assert "small_practice" in found.group.effective.special_statuses


def test_clearing_figures(ws: Workspace) -> None:
    el.save_figures(ws, 2025, TIN, NPI_A, 2, LowVolumeFigures(Decimal("1"), 1, 1))
    el.save_figures(ws, 2025, TIN, NPI_A, 2, None)
    assert el.load_figures(ws, 2025, TIN, NPI_A) == {}
    assert ws.audit_log(table="eligibility_figures")[0].action == "delete"


def test_database_refuses_negative_figures(ws: Workspace) -> None:
    import sqlite3

    with pytest.raises(sqlite3.IntegrityError):
        ws.db.execute(
            "INSERT INTO eligibility_figures VALUES (2025, ?, '', 1, '5', -1, 3, 'now', 'x')", [TIN]
        )


def test_facts_qp_and_special_statuses(ws: Workspace) -> None:
    el.save_figures(ws, 2025, TIN, NPI_A, 1, LowVolumeFigures(Decimal("95000"), 250, 300))
    el.save_facts(ws, 2025, TIN, NPI_A, qp=True, special_statuses=["rural", "hpsa"])
    found = el.practice_eligibility(ws, 2025)
    assert found is not None
    a = found.entity(NPI_A)
    assert a is not None and a.effective.status is Status.EXEMPT
    assert a.effective.special_statuses[:1] == ("small_practice",)
    assert set(a.effective.special_statuses) >= {"rural", "hpsa"}
    with pytest.raises(ValueError, match="Unknown special status"):
        el.save_facts(ws, 2025, TIN, NPI_A, special_statuses=["famous"])


def test_lookup_kept_with_its_date_and_used_offline(
    ws: Workspace, fake_qpp: FakeQpp, tmp_path: Path
) -> None:
    fake_qpp.providers[(NPI_A, 2025)] = provider(NPI_A)
    client = EligibilityClient(
        fake_qpp.base_url, policy=RetryPolicy(timeout=2), sleep=lambda s: None
    )
    _response, raw = client.fetch(NPI_A, 2025)
    when = dt.datetime(2026, 1, 10, 9, 30, tzinfo=dt.UTC)
    el.save_lookup(ws, NPI_A, 2025, raw, fake_qpp.base_url, when)
    ws.close()
    # Offline: no server needed any more.
    again = Workspace.open(tmp_path / "maple.mipsdesk", user="jane")
    stored = el.load_lookup(again, NPI_A, 2025)
    assert stored is not None and stored.looked_up_at == when
    assert (
        json.loads(again.db.execute("SELECT response_json FROM eligibility_lookups").fetchone()[0])[
            "data"
        ]["npi"]
        == NPI_A
    )
    found = el.practice_eligibility(again, 2025)
    assert found is not None
    a = found.entity(NPI_A)
    assert a is not None and a.lookup is not None
    assert a.effective.source == "qpp" and a.effective.status is Status.OPT_IN_ELIGIBLE
    assert a.effective.looked_up_at == when
    assert found.group.lookup is not None and found.group.effective.status is Status.OPT_IN_ELIGIBLE
    assert again.audit_log(table="eligibility_lookups")[0].action == "lookup"
    again.close()


def test_workspace_opened_before_import_gets_tables(tmp_path: Path) -> None:
    from desktop_app.store import register_migrations, unregister_migrations

    unregister_migrations(el.MIGRATIONS)
    try:
        w = Workspace.open(tmp_path / "old.mipsdesk")
        assert "eligibility_figures" not in w.db.table_names()
    finally:
        register_migrations(el.MIGRATIONS)
    el.save_figures(w, 2025, TIN, None, 1, LowVolumeFigures(Decimal("1"), 1, 1))
    assert "eligibility_figures" in w.db.table_names()
    w.close()
