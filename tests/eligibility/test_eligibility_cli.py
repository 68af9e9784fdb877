"""``mipsdesk eligibility``: the JSON a script reads, and messages for bad input."""

from __future__ import annotations

import json

import pytest

from desktop_app.cli import main


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["eligibility", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("segment1", "segment2", "status"),
    [
        ("90000,200,200", "90000,200,200", "exempt"),
        ("90000.01,201,201", "90000.01,201,201", "eligible"),
        ("90000.01,200,200", "90000.01,201,201", "opt-in eligible"),
        ("90000.01,201,200", "90000.01,201,201", "opt-in eligible"),
        ("90000.01,201,201", "90000,201,201", "opt-in eligible"),
        ("90000.01,201,201", "90000,200,200", "exempt"),
    ],
)
def test_status_from_two_segments(
    capsys: pytest.CaptureFixture[str], segment1: str, segment2: str, status: str
) -> None:
    out = run_json(
        capsys,
        "--year",
        "2025",
        "--clinician-type",
        "MD",
        "--segment1",
        segment1,
        "--segment2",
        segment2,
    )
    assert out["status"] == status
    assert [s["segment"] for s in out["segments"]] == [1, 2]
    assert out["segments"][0]["start"] == "2023-10-01" and out["segments"][1]["end"] == "2025-09-30"
    assert out["reasons"] and all(isinstance(r, str) for r in out["reasons"])


def test_only_segment_one_decides(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(
        capsys, "--year", "2024", "--clinician-type", "np", "--segment1", "100000,150,300"
    )
    assert out["status"] == "opt-in eligible"
    assert len(out["segments"]) == 1
    assert out["segments"][0]["criteria_exceeded"] == ["allowed_charges", "services"]


def test_newly_enrolled_and_qp_and_other_type(capsys: pytest.CaptureFixture[str]) -> None:
    seg = ["--segment1", "500000,900,900", "--segment2", "500000,900,900"]
    assert (
        run_json(
            capsys, "--year", "2025", "--clinician-type", "MD", "--enrolled", "2025-07-01", *seg
        )["status"]
        == "exempt"
    )
    assert (
        run_json(
            capsys, "--year", "2025", "--clinician-type", "MD", "--enrolled", "2020-07-01", *seg
        )["status"]
        == "eligible"
    )
    assert (
        run_json(capsys, "--year", "2025", "--clinician-type", "MD", "--qp", *seg)["status"]
        == "exempt"
    )
    out = run_json(capsys, "--year", "2025", "--clinician-type", "RN", *seg)
    assert out["status"] == "exempt"
    assert any("'RN' is not a MIPS eligible clinician type" in r for r in out["reasons"])


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--segment1", "abc,200,200"], "not an amount in dollars"),
        (["--segment1=-1,200,200"], "can't be negative"),
        (["--segment1", "90000,200"], "not 3"),
        (["--segment1", "90000,200,200", "--segment2", "1,2,x"], "--segment2"),
        (["--segment1", "90000,200,200", "--enrolled", "05/01/2020"], "YYYY-MM-DD"),
        ([], "--segment1 is required"),
    ],
)
def test_bad_input_exits_2_with_how_to_fix(
    capsys: pytest.CaptureFixture[str], args: list[str], fragment: str
) -> None:
    code = main(["eligibility", "--year", "2025", "--clinician-type", "MD", *args, "--json"])
    err = capsys.readouterr().err
    assert code == 2
    assert fragment in err
    assert err.startswith("mipsdesk: ")


def test_unknown_year(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["eligibility", "--year", "2019", "--clinician-type", "MD", "--segment1", "1,1,1"])
        == 2
    )
    assert "2024, 2025, 2026" in capsys.readouterr().err


def test_plain_text_output_shows_badge(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "eligibility",
                "--year",
                "2025",
                "--clinician-type",
                "MD",
                "--segment1",
                "95000,150,300",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("MIPS EXEMPT (Opt-in eligible)")


def test_lookup_command_saves_into_the_workspace(
    capsys: pytest.CaptureFixture[str], fake_qpp, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from fake_qpp import make_npi, provider

    from desktop_app.eligibility.store import load_lookup
    from desktop_app.store import Workspace

    npi = make_npi("123456789")
    fake_qpp.providers[(npi, 2025)] = provider(npi)
    monkeypatch.setenv("MIPSDESK_QPP_BASE_URL", fake_qpp.base_url)
    path = tmp_path / "p.mipsdesk"
    args = ["eligibility", "lookup", "--npi", npi, "--year", "2025", "--workspace", str(path)]
    assert main([*args, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["organizations"][0]["individual"]["status"] == "opt-in eligible"
    assert out["source"] == fake_qpp.base_url
    with Workspace.open(path) as ws:
        assert load_lookup(ws, npi, 2025) is not None


def test_lookup_command_404(capsys: pytest.CaptureFixture[str], fake_qpp) -> None:  # type: ignore[no-untyped-def]
    code = main(
        [
            "eligibility",
            "lookup",
            "--npi",
            "1234567893",
            "--year",
            "2024",
            "--base-url",
            fake_qpp.base_url,
        ]
    )
    assert code == 2
    assert "QPP has no information for NPI 1234567893 in 2024" in capsys.readouterr().err


def test_lookup_command_shows_an_opt_in_qpp_records_as_qpp_shows_it(
    capsys: pytest.CaptureFixture[str], fake_qpp, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from fake_qpp import make_npi, provider, scenario

    npi = make_npi("123456789")
    opted_in = scenario(opt_in_eligible=True, reason="BENE")
    opted_in["isOptedIn"] = True
    opted_in["optInDecisionDate"] = "2026-01-15"
    fake_qpp.providers[(npi, 2025)] = provider(npi, individual=opted_in)
    monkeypatch.setenv("MIPSDESK_QPP_BASE_URL", fake_qpp.base_url)
    args = ["eligibility", "lookup", "--npi", npi, "--year", "2025"]
    assert main([*args, "--workspace", str(tmp_path / "p.mipsdesk")]) == 0
    out = capsys.readouterr().out
    individual = next(line for line in out.splitlines() if "VIA OPT-IN" in line)
    assert not individual.startswith("Group")  # the clinician; the group made no election
    assert out.count("MIPS EXEMPT (Opt-in eligible)") == 1
    assert "Group: MIPS EXEMPT (Opt-in eligible)" in out
