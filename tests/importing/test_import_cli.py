"""``mipsdesk import FILE --workspace PATH [--dry-run] --json``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from import_data import NPI, TIN, counts, quality_set, submission, write_json

from desktop_app.cli import main

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "qrda3-samples"
LATEST = SAMPLES / "valid" / "qrda-files__valid-QRDA-III-latest.xml"


pytestmark = pytest.mark.usefixtures("user_catalog")  # the catalog as installed (conftest)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_dry_run_prints_what_the_file_holds_and_writes_nothing(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    ws = tmp_path / "fresh.mipsdesk"
    code, out, err = run(
        capsys, "import", str(LATEST), "--workspace", str(ws), "--dry-run", "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["valid"] is True and data["dryRun"] is True and data["imported"] is False
    assert data["file"]["taxpayerIdentificationNumber"] == "000777777"
    assert data["file"]["performanceYear"] == 2025
    assert data["file"]["categories"] == ["quality", "ia", "pi"]
    measures = {m["measureId"]: m for m in data["file"]["measures"]}
    assert measures["236"]["value"]["value"]["eligiblePopulation"] == 1000
    assert measures["PI_PEA_1"]["detail"] == "numerator 600 / denominator 800"
    assert [c["kind"] for c in data["creates"]] == ["practice", "clinician", "reporting_entity"]
    assert data["counts"] == {
        "add": 5,
        "addDependsOnChoices": 0,
        "replace": 0,
        "unchanged": 0,
        "conflicts": 0,
    }
    assert not ws.exists()  # a dry run never creates the workspace


def test_import_creates_practice_clinician_and_entity_in_a_fresh_workspace(
    tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.reporting import EntityKey, stored_values
    from desktop_app.store import Workspace

    ws_path = tmp_path / "fresh.mipsdesk"
    code, out, err = run(
        capsys,
        "import",
        str(LATEST),
        "--workspace",
        str(ws_path),
        "--practice-name",
        "Maple Clinic",
        "--agree-pi-scoring",
    )
    assert code == 0, err
    assert "Imported into" in out and "5 added" in out
    with Workspace.open(ws_path) as ws:
        assert ws.practice().name == "Maple Clinic"  # type: ignore[union-attr]
        assert ws.clinician("0777777778") is not None
        assert len(stored_values(ws, EntityKey(2025, "000777777", "0777777778"))) == 5
    # the global --workspace option (before the command) works too; same file: nothing new
    code, out, err = run(capsys, "--workspace", str(ws_path), "import", str(LATEST), "--json")
    assert code == 0, err
    assert json.loads(out)["counts"]["unchanged"] == 5


@pytest.mark.parametrize("path", sorted((SAMPLES / "invalid").glob("*")), ids=lambda p: p.name)
def test_invalid_files_exit_non_zero_with_the_message_on_stderr(
    path: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    ws = tmp_path / "w.mipsdesk"
    code, out, err = run(capsys, "import", str(path), "--workspace", str(ws), "--json")
    assert code == 1
    assert "was refused; nothing was imported" in err
    assert "[at " in err  # where the problem is
    data = json.loads(out)
    assert data["valid"] is False and data["problems"]
    assert not ws.exists()


def test_conflicts_keep_manual_data_unless_replace_is_asked(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    ws = tmp_path / "w.mipsdesk"
    first = write_json(tmp_path / "a.json", submission(quality_set(counts(met=50, not_met=50))))
    second = write_json(tmp_path / "b.json", submission(quality_set(counts(met=70))))
    assert run(capsys, "import", str(first), "--workspace", str(ws))[0] == 0
    code, out, _ = run(capsys, "import", str(second), "--workspace", str(ws), "--json")
    data = json.loads(out)
    assert code == 0 and data["counts"]["conflicts"] == 1 and data["result"]["kept"] == 1
    code, out, _ = run(
        capsys, "import", str(second), "--workspace", str(ws), "--json", "--on-conflict", "replace"
    )
    assert json.loads(out)["result"]["replaced"] == 1
    code, out, _ = run(capsys, "import", str(second), "--workspace", str(ws), "--json")
    assert json.loads(out)["counts"] == {
        "add": 0,
        "addDependsOnChoices": 0,
        "replace": 0,
        "unchanged": 1,
        "conflicts": 0,
    }


def test_a_file_for_another_practice_exits_3(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.models.practice import Practice
    from desktop_app.store import Workspace

    ws_path = tmp_path / "w.mipsdesk"
    with Workspace.open(ws_path) as ws:
        ws.save_practice(Practice(tin="123456789", name="Other"))
    path = write_json(tmp_path / "a.json", submission(quality_set(counts())))
    code, _, err = run(capsys, "import", str(path), "--workspace", str(ws_path))
    assert code == 3
    assert f"TIN {TIN}" in err


def test_values_cms_would_reject_exit_1(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write_json(tmp_path / "a.json", submission(quality_set(counts()), npi="1234567890"))
    code, _, err = run(capsys, "import", str(path), "--workspace", str(tmp_path / "w.mipsdesk"))
    assert code == 1 and "check digit" in err and "nationalProviderIdentifier" in err
    assert NPI not in err


def test_a_workspace_is_required(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(capsys, "import", str(LATEST))
    assert code == 2 and "--workspace" in err


def test_dry_run_on_an_existing_workspace_changes_nothing(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.models.practice import Practice
    from desktop_app.reporting import EntityKey, stored_values
    from desktop_app.store import Workspace

    ws_path = tmp_path / "w.mipsdesk"
    with Workspace.open(ws_path) as ws:
        ws.save_practice(Practice(tin="000777777", name="Maple"))
        before = len(ws.audit_log())
    code, out, err = run(capsys, "import", str(LATEST), "--workspace", str(ws_path), "--dry-run")
    assert code == 0, err
    assert "Dry run: nothing was written." in out
    assert "Create the clinician with NPI 0777777778" in out
    with Workspace.open(ws_path) as ws:
        assert len(ws.audit_log()) == before
        assert ws.clinicians() == []
        assert stored_values(ws, EntityKey(2025, "000777777", "0777777778")) == []
