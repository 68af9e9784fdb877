"""The CMS schematron runner: where the rules come from, what a failure looks like."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from desktop_app.formats.qrda3 import schematron


def test_rules_are_found_beside_a_source_checkout_by_default(schematron_dir: Path) -> None:
    assert schematron.rules_dir() == schematron_dir
    assert schematron.rules_file(2026) == schematron_dir / "2026" / "EP_CAT_III.sch"


def test_rules_in_the_user_data_folder_win_over_the_checkout(
    isolated_data_dir: Path, schematron_dir: Path
) -> None:
    user = isolated_data_dir / "qrda3-schematron"
    (user / "2025").mkdir(parents=True)
    assert schematron.rules_dir() == user
    with pytest.raises(schematron.SchematronUnavailable) as info:
        schematron.rules_file(2026)
    assert "no CMS QRDA III rules for performance year 2026" in str(info.value)


def test_environment_variable_naming_a_missing_folder_is_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MIPSDESK_SCHEMATRON_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(schematron.SchematronUnavailable) as info:
        schematron.rules_dir()
    assert "MIPSDESK_SCHEMATRON_DIR" in str(info.value)


def test_without_any_rules_the_message_says_how_to_install_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(schematron.paths, "developer_shared_dir", lambda: None)
    assert schematron.rules_dir() is None
    with pytest.raises(schematron.SchematronUnavailable) as info:
        schematron.rules_file(2025)
    assert "qrda3-schematron" in str(info.value)
    assert "structural checks" in str(info.value)


def test_rules_are_compiled_once_per_process(rules: Path) -> None:
    path = schematron.rules_file(2025)
    assert schematron._compile(path) is schematron._compile(path)


def test_failed_asserts_come_with_id_message_and_location(rules: Path, samples: Path) -> None:
    path = samples / "valid" / "sample-files__2025__MultiStrata_SinglePerformanceRate-sample.xml"
    failures = schematron.run(etree.parse(str(path)), 2025)
    assert [f.id for f in failures] == ["5562-18171_C01-MIPSINDIV-performer"]
    failure = failures[0]
    assert "exactly one performer" in failure.message
    assert failure.location == "/ClinicalDocument/documentationOf/serviceEvent"
    assert failure.line is not None


def test_npi_check_digit_rule_fires_on_the_published_test_npis(rules: Path, samples: Path) -> None:
    path = samples / "test-identifiers" / "sample-files__2025__Mvp_Mips-Ind-Sample.xml"
    failures = schematron.run(etree.parse(str(path)), 2025)
    assert any("CMS_0117" in f.id or "CMS_0117" in f.message for f in failures)
