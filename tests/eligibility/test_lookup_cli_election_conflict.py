"""``mipsdesk eligibility lookup --workspace`` warns, as the GUI does, when QPP records an
election other than the one confirmed in the workspace; QPP's date reads as in the GUI."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from fake_qpp import make_npi, provider, scenario

from desktop_app.cli import main
from desktop_app.elections import Election, confirm_election, election_state
from desktop_app.eligibility import LowVolumeFigures
from desktop_app.eligibility import store as el
from desktop_app.models.practice import Clinician, Practice
from desktop_app.store import Workspace

TIN = "123456789"
NPI = make_npi("123456789")
OPT_IN_FIGURES = LowVolumeFigures(Decimal("95000"), 150, 300)


def _workspace(path: Path, confirmed: Election | None) -> None:
    with Workspace.open(path, user="jane") as ws:
        ws.save_practice(Practice(tin=TIN, name="Maple Family Medicine"))
        ws.add_clinicians(
            [
                Clinician(
                    npi=NPI,
                    first_name="Ada",
                    last_name="Quinn",
                    clinician_type="MD",
                    medicare_enrollment_date=dt.date(2015, 1, 1),
                )
            ]
        )
        for seg in (1, 2):
            el.save_figures(ws, 2025, TIN, NPI, seg, OPT_IN_FIGURES)
            el.save_figures(ws, 2025, TIN, None, seg, OPT_IN_FIGURES)
        if confirmed is not None:
            confirm_election(ws, 2025, TIN, NPI, confirmed, "CONFIRM", "Ada Quinn")


def _qpp_opted_in(fake_qpp, decision_date: str = "2026-01-15") -> None:  # type: ignore[no-untyped-def]
    sc = scenario(opt_in_eligible=True, reason="BENE")
    sc["isOptedIn"] = True
    sc["optInDecisionDate"] = decision_date
    fake_qpp.providers[(NPI, 2025)] = provider(NPI, individual=sc)


def _lookup(path: Path, *extra: str) -> list[str]:
    return [
        "eligibility",
        "lookup",
        "--npi",
        NPI,
        "--year",
        "2025",
        "--workspace",
        str(path),
        *extra,
    ]


def test_text_output_warns_when_qpp_records_another_election(
    capsys: pytest.CaptureFixture[str], fake_qpp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "p.mipsdesk"
    _workspace(path, Election.VOLUNTARY)
    _qpp_opted_in(fake_qpp)
    monkeypatch.setenv("MIPSDESK_QPP_BASE_URL", fake_qpp.base_url)
    assert main(_lookup(path)) == 0
    out = capsys.readouterr().out
    warning = next(line for line in out.splitlines() if line.startswith("Warning: "))
    assert "Ada Quinn: QPP records a different election" in warning
    assert "Elected on QPP Jan 15, 2026: Opt-In" in warning
    assert "MIPS Desk: Report Voluntarily" in warning
    assert "QPP Service Center" in warning
    # The very words the GUI shows for this participant.
    with Workspace.open(path) as ws:
        assert election_state(ws, 2025, TIN, NPI).warning in out
        # Nothing confirmed here was deleted or changed.
        local = election_state(ws, 2025, TIN, NPI).local_final
        assert local is not None and local.election is Election.VOLUNTARY


def test_json_output_carries_the_warning(
    capsys: pytest.CaptureFixture[str], fake_qpp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "p.mipsdesk"
    _workspace(path, Election.VOLUNTARY)
    _qpp_opted_in(fake_qpp)
    monkeypatch.setenv("MIPSDESK_QPP_BASE_URL", fake_qpp.base_url)
    assert main(_lookup(path, "--json")) == 0
    out = json.loads(capsys.readouterr().out)
    [warning] = out["election_warnings"]
    assert warning["tin"] == TIN and warning["npi"] == NPI
    assert warning["level"] == "individual"
    assert warning["qpp_election"] == "opt_in"
    assert warning["mips_desk_election"] == "voluntary"
    assert "QPP records a different election" in warning["warning"]


@pytest.mark.parametrize("confirmed", [Election.OPT_IN, None])
def test_no_warning_when_they_agree_or_nothing_was_confirmed(
    capsys: pytest.CaptureFixture[str],
    fake_qpp,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    confirmed: Election | None,
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "p.mipsdesk"
    _workspace(path, confirmed)
    _qpp_opted_in(fake_qpp)
    monkeypatch.setenv("MIPSDESK_QPP_BASE_URL", fake_qpp.base_url)
    assert main(_lookup(path)) == 0
    assert "Warning" not in capsys.readouterr().out
    assert main(_lookup(path, "--json")) == 0
    assert json.loads(capsys.readouterr().out)["election_warnings"] == []


def test_unreadable_qpp_decision_date_reads_as_in_the_gui(
    capsys: pytest.CaptureFixture[str], fake_qpp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "p.mipsdesk"
    _workspace(path, None)
    _qpp_opted_in(fake_qpp, decision_date="not-a-date")
    monkeypatch.setenv("MIPSDESK_QPP_BASE_URL", fake_qpp.base_url)
    assert main(_lookup(path)) == 0
    out = capsys.readouterr().out
    assert "not-a-date" not in out
    assert "Elected on QPP (no date given): Opt-In" in out
    with Workspace.open(path) as ws:
        qpp = election_state(ws, 2025, TIN, NPI).qpp
        assert qpp is not None
        assert qpp.short_status_text == "Elected on QPP (no date given): Opt-In"
