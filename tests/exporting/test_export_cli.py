"""``mipsdesk export`` as a practice manager or a script uses it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from export_data import (
    NPI_A,
    TIN,
    practice_file,
    single,
)

from desktop_app.cli import main
from desktop_app.formats.qpp_json import read_submission
from desktop_app.reporting import save_value


@pytest.fixture
def ws_file(tmp_path: Path, user_catalog: Path) -> Path:
    return practice_file(tmp_path / "maple.mipsdesk")


def test_export_one_clinician_as_qpp_json(
    ws_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ada.json"
    code = main(
        [
            "export",
            "--workspace",
            str(ws_file),
            "--entity",
            f"{TIN}/{NPI_A}",
            "--year",
            "2025",
            "--format",
            "qpp-json",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    sub = read_submission(out)
    assert sub.national_provider_identifier == NPI_A
    printed = capsys.readouterr().out
    assert str(out) in printed
    assert hashlib.sha256(out.read_bytes()).hexdigest() in printed


def test_workspace_option_works_before_the_command_too(ws_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "group.json"
    code = main(
        ["--workspace", str(ws_file), "export", "--entity", TIN, "--year", "2025", "-o", str(out)]
    )
    assert code == 0
    assert read_submission(out).entity_type == "group"


def test_qrda3_export_says_what_it_left_out(
    ws_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ada.xml"
    code = main(
        [
            "export",
            "--workspace",
            str(ws_file),
            "--entity",
            f"{TIN}/{NPI_A}",
            "--year",
            "2025",
            "--format",
            "qrda3",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    assert out.read_bytes().startswith(b"<?xml")
    # on stderr, where a script sees it next to the warnings, not among the results
    assert (
        f"left out: {TIN}/{NPI_A}: quality 047: MIPS CQM measures are submitted as QPP JSON"
        in capsys.readouterr().err
    )


def test_check_errors_block_with_the_list_on_stderr(
    ws_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop_app.reporting import EntityKey
    from desktop_app.store import Workspace

    with Workspace.open(ws_file) as ws:
        save_value(ws, EntityKey(2025, TIN, None), "pi", "PI_LVPP_1", True)
    out = tmp_path / "group.json"
    code = main(
        ["export", "--workspace", str(ws_file), "--entity", TIN, "--year", "2025", "-o", str(out)]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "ERROR: PI_EP_1 and its own exclusion PI_LVPP_1 are both reported" in err
    assert "(fix on: Promoting Interoperability)" in err
    assert "nothing was written" in err
    assert not out.exists()


def test_warnings_are_printed_and_the_file_is_written(
    ws_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop_app.reporting import EntityKey
    from desktop_app.store import Workspace

    with Workspace.open(ws_file) as ws:
        save_value(ws, EntityKey(2025, TIN, None), "quality", "236", single(100, 50, 500))
    out = tmp_path / "group.json"
    code = main(
        ["export", "--workspace", str(ws_file), "--entity", TIN, "--year", "2025", "-o", str(out)]
    )
    assert code == 0
    assert out.exists()
    assert "warning: 123456789: 236: data completeness is 30.0%" in capsys.readouterr().err


def test_export_all_writes_files_and_a_manifest_with_sha256(
    ws_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "upload"
    code = main(
        [
            "export",
            "--all",
            "--workspace",
            str(ws_file),
            "--year",
            "2025",
            "-o",
            str(folder),
            "--json",
        ]
    )
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    manifest = json.loads(Path(printed["manifest"]).read_text())
    assert len(manifest["files"]) == 2
    for entry in manifest["files"]:
        assert hashlib.sha256((folder / entry["file"]).read_bytes()).hexdigest() == entry["sha256"]


def test_bad_entity_is_a_command_error(
    ws_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "export",
            "--workspace",
            str(ws_file),
            "--entity",
            f"{TIN}/1234567890",
            "--year",
            "2025",
            "-o",
            str(tmp_path / "x.json"),
        ]
    )
    assert code == 2
    assert "check digit" in capsys.readouterr().err


def test_missing_workspace_is_a_command_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "export",
            "--workspace",
            str(tmp_path / "none.mipsdesk"),
            "--entity",
            TIN,
            "--year",
            "2025",
            "-o",
            str(tmp_path / "x.json"),
        ]
    )
    assert code == 2
    assert "There is no workspace" in capsys.readouterr().err
    assert not (tmp_path / "none.mipsdesk").exists()


def test_all_needs_a_folder(
    ws_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "a-file.json"
    target.write_text("{}")
    code = main(
        ["export", "--all", "--workspace", str(ws_file), "--year", "2025", "-o", str(target)]
    )
    assert code == 2
    assert "must be a folder" in capsys.readouterr().err


def test_multi_rate_measure_missing_a_stratum_blocks_the_export(
    ws_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The pre-export check applies the shared submission rules: CMS refuses a multi-rate
    measure without every stratum, so nothing is written and the user is sent to Quality."""
    from desktop_app.reporting import EntityKey
    from desktop_app.store import Workspace

    def stratum(name: str, met: int, not_met: int, pop: int) -> dict[str, object]:
        counts = single(met, not_met, pop)
        del counts["isEndToEndReported"]
        return {"stratum": name, **counts}

    # measure 226 has three strata; "performance" is left out
    two_strata = {
        "isEndToEndReported": True,
        "strata": [
            stratum("reporting", 300, 80, 400),
            stratum("combinedPopulations", 280, 100, 400),
        ],
    }
    with Workspace.open(ws_file) as ws:
        save_value(
            ws,
            EntityKey(2025, TIN, NPI_A),
            "quality",
            "226",
            two_strata,
            submission_method="electronicHealthRecord",
        )
    out = tmp_path / "ada.json"
    entity = f"{TIN}/{NPI_A}"
    code = main(
        [
            "export",
            "--workspace",
            str(ws_file),
            "--entity",
            entity,
            "--year",
            "2025",
            "-o",
            str(out),
        ]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "ERROR: Measure 226 lacks stratum performance" in err
    assert "(fix on: Quality)" in err
    assert not out.exists()
