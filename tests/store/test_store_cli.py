"""The workspace, practice, clinicians and audit commands of ``mipsdesk``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.settings import Settings, save_settings
from desktop_app.store import Workspace, default_workspace_path

GOOD_CSV = (
    "NPI,First name,Last name,Clinician type,Medicare enrollment date\n"
    "1234567893,Ann,Lee,MD,2019-07-01\n"
    "0123456788,Bo,Kim,NP,\n"
)
MIXED_CSV = GOOD_CSV + "0123456789,Cy,Ng,PA,\n0777777778,Di,Fox,XX,\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def wsfile(tmp_path: Path) -> Path:
    return tmp_path / "cli.mipsdesk"


def _practice(capsys: pytest.CaptureFixture[str], wsfile: Path) -> None:
    code, _, err = run(
        capsys, "--workspace", str(wsfile), "practice", "set", "--tin", "12-3456789",
        "--name", "Smith Family Practice", "--state", "ny", "--zip", "12207",
    )  # fmt: skip
    assert code == 0, err


def test_practice_set_creates_the_workspace_and_info_reports_it(
    capsys: pytest.CaptureFixture[str], wsfile: Path
) -> None:
    _practice(capsys, wsfile)
    code, out, _ = run(capsys, "workspace", "info", "--json", "--workspace", str(wsfile))
    assert code == 0
    info = json.loads(out)
    assert info["practice"]["tin"] == "123456789"
    assert info["practice"]["state"] == "NY"
    assert info["clinicians"] == 0
    assert info["integrity"] == "ok"
    assert info["journal_mode"] == "wal"
    assert info["migrations"][0]["set"] == "mipsdesk.core"
    code, out, _ = run(capsys, "--workspace", str(wsfile), "workspace", "info")
    assert "Smith Family Practice (TIN 123456789)" in out and "Integrity:   ok" in out


def test_practice_set_changes_only_the_given_fields(
    capsys: pytest.CaptureFixture[str], wsfile: Path
) -> None:
    _practice(capsys, wsfile)
    code, out, _ = run(
        capsys, "practice", "set", "--city", "Albany", "--status", "small_practice",
        "--status", "rural", "--json", "--workspace", str(wsfile),
    )  # fmt: skip
    assert code == 0
    saved = json.loads(out)
    assert saved["name"] == "Smith Family Practice" and saved["city"] == "Albany"
    assert saved["special_statuses"] == ["small_practice", "rural"]


def test_practice_set_without_tin_on_a_new_workspace_says_what_is_needed(
    capsys: pytest.CaptureFixture[str], wsfile: Path
) -> None:
    code, _, err = run(capsys, "--workspace", str(wsfile), "practice", "set", "--name", "X")
    assert code == 2
    assert "--tin is needed" in err
    assert not wsfile.exists()


def test_invalid_values_name_the_option_to_fix(
    capsys: pytest.CaptureFixture[str], wsfile: Path
) -> None:
    code, _, err = run(
        capsys, "--workspace", str(wsfile), "practice", "set", "--tin", "12", "--name", "A",
        "--zip", "1",
    )  # fmt: skip
    assert code == 2
    assert "--tin: TIN '12' must be the practice's 9-digit" in err
    assert "--zip: ZIP code '1' must have 5 digits" in err
    code, _, err = run(
        capsys, "--workspace", str(wsfile), "clinicians", "add", "--npi", "1234567890",
        "--first", "Ann", "--last", "Lee", "--type", "MD", "--enrolled", "2019-13-01",
    )  # fmt: skip
    assert code == 2
    assert (
        "--npi: NPI 1234567890 is not a valid NPI: its last digit (check digit) should be 3" in err
    )
    assert "--enrolled: Medicare enrollment date '2019-13-01' is not a date" in err
    assert not wsfile.exists()


def test_clinicians_add_list_remove_and_audit(
    capsys: pytest.CaptureFixture[str], wsfile: Path
) -> None:
    w = ["--workspace", str(wsfile)]
    code, out, _ = run(
        capsys, "clinicians", "add", "--npi", "1234567893", "--first", "Ann", "--last", "Lee",
        "--type", "md", "--enrolled", "07/01/2019", *w,
    )  # fmt: skip
    assert code == 0 and "Added Ann Lee (NPI 1234567893, MD)" in out
    code, _, err = run(
        capsys, "clinicians", "add", "--npi", "1234567893", "--first", "A", "--last", "L",
        "--type", "DO", *w,
    )  # fmt: skip
    assert code == 2 and "already in this workspace (Ann Lee)" in err
    code, out, _ = run(capsys, *w, "clinicians", "list", "--json")
    assert json.loads(out) == [
        {
            "npi": "1234567893",
            "first_name": "Ann",
            "last_name": "Lee",
            "clinician_type": "MD",
            "medicare_enrollment_date": "2019-07-01",
        }
    ]
    code, out, _ = run(capsys, "clinicians", "remove", "1234567893", *w)
    assert code == 0
    code, out, _ = run(capsys, "audit", "--json", *w)
    entries = json.loads(out)
    assert [(e["action"], e["table"], e["record_key"]) for e in entries] == [
        ("delete", "clinicians", "1234567893"),
        ("insert", "clinicians", "1234567893"),
    ]
    assert entries[0]["user"] == "test-user"
    assert entries[0]["before"]["last_name"] == "Lee" and entries[0]["after"] is None
    code, out, _ = run(capsys, "audit", "--limit", "1", "--json", *w)
    assert len(json.loads(out)) == 1
    code, out, _ = run(capsys, "audit", *w)
    assert "test-user" in out and "delete  clinicians 1234567893" in out
    code, _, err = run(capsys, "audit", "--limit", "0", *w)
    assert code == 2 and "--limit must be a positive number" in err


def test_import_good_file(capsys: pytest.CaptureFixture[str], wsfile: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "staff.csv"
    csv_file.write_text(GOOD_CSV, encoding="utf-8")
    code, out, _ = run(
        capsys, "--workspace", str(wsfile), "clinicians", "import", str(csv_file), "--json"
    )
    report = json.loads(out)
    assert code == 0
    assert report["imported"] == 2 and report["errors"] == [] and report["rows_read"] == 2
    with Workspace.open(wsfile) as ws:
        assert [c.npi for c in ws.clinicians()] == ["0123456788", "1234567893"]


def test_import_with_invalid_rows_imports_nothing_and_reports_rows(
    capsys: pytest.CaptureFixture[str], wsfile: Path, tmp_path: Path
) -> None:
    csv_file = tmp_path / "staff.csv"
    csv_file.write_text(MIXED_CSV, encoding="utf-8")
    code, out, _ = run(
        capsys, "--workspace", str(wsfile), "clinicians", "import", str(csv_file), "--json"
    )
    report = json.loads(out)
    assert code == 1
    assert report["imported"] == 0
    assert report["invalid_rows"] == [4, 5]
    assert [(e["row"], e["field"]) for e in report["errors"]] == [(4, "NPI"), (5, "Clinician type")]
    with Workspace.open(wsfile) as ws:
        assert ws.clinicians() == []
    code, _, err = run(capsys, "--workspace", str(wsfile), "clinicians", "import", str(csv_file))
    assert code == 1
    assert "Row 4, NPI: NPI 0123456789 is not a valid NPI" in err
    assert "Nothing was imported: 2 of 4 rows need fixing" in err


def test_import_skip_invalid_imports_the_valid_rows_but_still_fails(
    capsys: pytest.CaptureFixture[str], wsfile: Path, tmp_path: Path
) -> None:
    csv_file = tmp_path / "staff.csv"
    csv_file.write_text(MIXED_CSV, encoding="utf-8")
    code, out, _ = run(
        capsys, "--workspace", str(wsfile), "clinicians", "import", str(csv_file),
        "--skip-invalid", "--json",
    )  # fmt: skip
    assert code == 1
    assert json.loads(out)["imported"] == 2
    # Importing the same file again: the NPIs already present are reported by row.
    code, out, _ = run(
        capsys, "--workspace", str(wsfile), "clinicians", "import", str(csv_file), "--json"
    )
    report = json.loads(out)
    assert code == 1 and report["imported"] == 0
    assert report["invalid_rows"] == [2, 3, 4, 5]
    assert "already in the workspace (Ann Lee)" in report["errors"][0]["message"]


def test_import_unreadable_file_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], wsfile: Path, tmp_path: Path
) -> None:
    csv_file = tmp_path / "staff.csv"
    csv_file.write_bytes("NPI,First name\n1,Jos\xe9\n".encode("latin-1"))
    code, _, err = run(capsys, "--workspace", str(wsfile), "clinicians", "import", str(csv_file))
    assert code == 2 and "is not UTF-8 text" in err


def test_read_commands_do_not_create_a_missing_workspace(
    capsys: pytest.CaptureFixture[str], wsfile: Path
) -> None:
    code, _, err = run(capsys, "--workspace", str(wsfile), "clinicians", "list")
    assert code == 2 and f"There is no workspace at {wsfile}" in err
    assert not wsfile.exists()


def test_default_workspace_and_last_used_from_settings(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, _ = run(capsys, "practice", "set", "--tin", "123456789", "--name", "Default")
    assert code == 0 and default_workspace_path().exists()
    other = tmp_path / "last.mipsdesk"
    save_settings(Settings(last_workspace=str(other)))
    code, _, _ = run(capsys, "practice", "set", "--tin", "987654321", "--name", "Last used")
    assert code == 0
    with Workspace.open(other) as ws:
        practice = ws.practice()
        assert practice is not None and practice.name == "Last used"


def test_corrupt_workspace_error_says_how_to_restore(
    capsys: pytest.CaptureFixture[str], wsfile: Path
) -> None:
    _practice(capsys, wsfile)
    code, out, _ = run(capsys, "--workspace", str(wsfile), "workspace", "backup", "--json")
    backup = Path(json.loads(out)["backup"])
    wsfile.write_bytes(b"garbage" * 200)
    code, _, err = run(capsys, "--workspace", str(wsfile), "workspace", "info")
    assert code == 2
    assert "is damaged" in err and str(backup) in err
    assert f"workspace restore {backup}" in err
    code, out, _ = run(capsys, "--workspace", str(wsfile), "workspace", "backups", "--json")
    assert json.loads(out) == [str(backup)]
    code, out, _ = run(capsys, "workspace", "restore", str(backup), "--workspace", str(wsfile))
    assert code == 0 and "The previous file was kept as" in out
    code, out, _ = run(capsys, "--workspace", str(wsfile), "practice", "show", "--json")
    assert json.loads(out)["name"] == "Smith Family Practice"
