"""Every ``mipsdesk`` command knows every feature's tables, whichever command runs.

Run as real processes (``python -m desktop_app``): in this test process the
feature modules are imported already, which is exactly what hid the gap.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from final_records_data import GROUP, TIN, confirm_ada, fingerprint, make_practice, sql

from desktop_app import attestation as att
from desktop_app.elections import Election, election_record
from desktop_app.features import FEATURE_MODULES
from desktop_app.store import Workspace

PACKAGE = Path(__file__).resolve().parents[2] / "desktop_app"


def mipsdesk(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *argv],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
        check=False,
    )


def test_the_feature_list_names_every_module_that_registers_migrations() -> None:
    registering = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "register_migrations"
                and "store" not in path.relative_to(PACKAGE).parts[:1]
            ):
                module = path.relative_to(PACKAGE.parent).with_suffix("").as_posix()
                registering.add(module.replace("/", "."))
    assert registering, "the scan found no registrations"
    assert registering == set(FEATURE_MODULES)


def test_cli_restore_of_a_backup_older_than_the_attestation_tables_keeps_the_pi_agreement(
    tmp_path: Path,
) -> None:
    path = tmp_path / "maple.mipsdesk"
    ws = make_practice(path, size=4)  # small practice: PI reweighted, agreement needed
    backup = ws.backup("manual")
    confirm_ada(ws)
    consent = att.record_pi_consent(ws, GROUP, agreed=True)
    ws.close()
    # As a backup made by a MIPS Desk without the attestation feature yet:
    sql(
        backup,
        "DROP TABLE attestation_pi_consent",
        "DROP TABLE attestation_flags",
        "DROP TABLE attestation_ia_dates",
        "DROP TABLE attestation_evidence",
        "DELETE FROM _sqlite_migrations WHERE migration_set = 'mipsdesk.attestation'",
    )

    done = mipsdesk("workspace", "restore", "--workspace", str(path), str(backup))

    assert done.returncode == 0, done.stderr
    assert "2 final records missing from the backup were kept" in done.stdout
    assert "PI scoring agreement 2025" in done.stdout
    with Workspace.open(path) as ws:
        assert att.pi_consent(ws, GROUP) == consent
        record = election_record(ws, 2025, TIN, ws.clinicians()[0].npi)
        assert record is not None and record.is_final and record.election is Election.OPT_IN


@pytest.mark.parametrize("table", ["elections", "eligibility_figures"])
@pytest.mark.parametrize(
    "command",
    [
        ["workspace", "info"],
        ["clinicians", "list"],
        ["audit"],
        ["export", "--all", "--year", "2025", "-o", "OUT"],
    ],
    ids=["info", "clinicians", "audit", "export"],
)
def test_every_command_reports_a_dropped_feature_table_as_damage(
    tmp_path: Path, table: str, command: list[str]
) -> None:
    path = tmp_path / "maple.mipsdesk"
    ws = make_practice(path)
    backup = ws.backup("manual")
    confirm_ada(ws)
    ws.close()
    sql(path, f"DROP TABLE {table}")
    before = fingerprint(path)
    argv = [str(tmp_path / "out") if a == "OUT" else a for a in command]

    done = mipsdesk("--workspace", str(path), *argv)

    assert done.returncode == 2, done.stdout + done.stderr
    assert f"is damaged: the table {table}, which MIPS Desk created in it, is missing" in (
        done.stderr
    )
    assert "You can restore one of these backups" in done.stderr and str(backup) in done.stderr
    assert fingerprint(path) == before  # no migration ran on the damaged file
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
