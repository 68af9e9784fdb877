"""What the import preview and result count: true whatever the user chooses, with
set-level choices (a PI source, a CEHRT ID or performance period) reported too."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from import_data import NPI, TIN, counts, quality_set, submission, write_json

from desktop_app.cli import main
from desktop_app.importing import apply_import, preview_import, read_import_file
from desktop_app.importing.plan import ImportPreview
from desktop_app.reporting import EntityKey, save_set_fields, save_value, stored_values
from desktop_app.store import Workspace

ENTITY = EntityKey(2025, TIN, NPI)


def _pi_set(method: str = "electronicHealthRecord", **dates: str) -> dict[str, Any]:
    return {
        "category": "pi",
        "submissionMethod": method,
        **dates,
        "measurements": [
            {"measureId": "PI_EP_1", "value": {"numerator": 30, "denominator": 40}},
            {"measureId": "PI_PEA_1", "value": {"numerator": 5, "denominator": 9}},
        ],
    }


def _preview(ws: Workspace, tmp_path: Path, catalog: Any, *sets: Any) -> ImportPreview:
    path = write_json(tmp_path / "s.json", submission(*sets))
    return preview_import(ws, read_import_file(path, catalog))


def _with_manual_pi(ws: Workspace, tmp_path: Path, catalog: Any) -> None:
    """The entity exists (a quality import) and has PI typed by hand (registry):
    PI_EP_1, which the file has too, and PI_HIE_1, which it hasn't."""
    apply_import(ws, _preview(ws, tmp_path, catalog, quality_set(counts())))
    save_value(ws, ENTITY, "pi", "PI_EP_1", {"numerator": 10, "denominator": 20})
    save_value(ws, ENTITY, "pi", "PI_HIE_1", {"numerator": 1, "denominator": 2})


def test_the_preview_says_which_additions_depend_on_the_pi_choice(
    tmp_path: Path, ws: Workspace, catalog: Any
) -> None:
    _with_manual_pi(ws, tmp_path, catalog)
    sets = (quality_set(counts(), measure_id="047"), _pi_set())
    preview = _preview(ws, tmp_path, catalog, *sets)
    assert preview.count("add") == 3 and preview.adds_depending_on_choices() == 2
    text = "\n".join(preview.summary_lines())
    assert (
        "Up to 3 measure(s) will be added (2 of them only if you use the file's Promoting "
        "Interoperability data)" in text
    )
    assert preview.as_dict()["counts"]["addDependsOnChoices"] == 2
    key = preview.conflicts[0].key
    kept = apply_import(ws, preview, {key: "keep"})
    # "Keep" adds only what doesn't depend on the choice, and says what it left out.
    assert kept.added == preview.count("add") - preview.adds_depending_on_choices() == 1
    assert kept.not_imported == 2 and kept.kept == 0
    assert kept.sets_kept == [
        "Promoting Interoperability data entered as registry (PI_EP_1, PI_HIE_1); the "
        "file's PI data was not imported."
    ]
    assert "2 of the file's not imported" in kept.summary_text()


def test_without_a_pi_choice_the_count_is_plain(
    tmp_path: Path, ws: Workspace, catalog: Any
) -> None:
    preview = _preview(ws, tmp_path, catalog, quality_set(counts()), _pi_set())
    assert preview.adds_depending_on_choices() == 0
    assert preview.counts_text() == (
        "3 measure(s) will be added, 0 are already the same, 0 conflict(s) need your choice."
    )


def test_replacing_another_pi_source_counts_replaced_and_removed_measures(
    tmp_path: Path, ws: Workspace, catalog: Any
) -> None:
    _with_manual_pi(ws, tmp_path, catalog)
    preview = _preview(ws, tmp_path, catalog, _pi_set())
    result = apply_import(ws, preview, default="replace", agree_pi_scoring=True)
    # PI_EP_1 takes the place of the hand-typed one; PI_PEA_1 is new; PI_HIE_1 is gone.
    assert (result.added, result.replaced, result.removed) == (1, 1, 1)
    assert result.sets_replaced == [
        "Promoting Interoperability data entered as registry (PI_EP_1, PI_HIE_1), removed; "
        "the file's PI data used instead."
    ]
    pi = {(v.submission_method, v.measure_id) for v in stored_values(ws, ENTITY, "pi")}
    assert pi == {("electronicHealthRecord", "PI_EP_1"), ("electronicHealthRecord", "PI_PEA_1")}
    assert result.as_dict()["setsReplaced"] == result.sets_replaced


@pytest.mark.parametrize("choice", ["replace", "keep"])
def test_a_differing_pi_period_is_reported_as_replaced_or_kept(
    tmp_path: Path, ws: Workspace, catalog: Any, choice: str
) -> None:
    period = {"performanceStart": "2025-01-01", "performanceEnd": "2025-12-31"}
    apply_import(
        ws, _preview(ws, tmp_path, catalog, _pi_set("registry", **period)), agree_pi_scoring=True
    )
    save_set_fields(
        ws,
        ENTITY,
        "pi",
        performance_start=dt.date(2025, 3, 1),
        performance_end=dt.date(2025, 8, 31),
    )
    preview = _preview(ws, tmp_path, catalog, _pi_set("registry", **period))
    [conflict] = preview.conflicts
    assert conflict.kind == "set"
    result = apply_import(ws, preview, default=choice)  # type: ignore[arg-type]
    what = "Promoting Interoperability (registry) performance period"
    if choice == "replace":
        assert result.sets_replaced == [what] and result.sets_kept == []
        assert f"Replaced with the file's: {what}" in result.summary_text()
    else:
        assert result.sets_kept == [what] and result.sets_replaced == []
    assert result.unchanged == 2  # the values themselves were the same


@pytest.mark.usefixtures("user_catalog")
def test_the_cli_reports_the_replaced_pi_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws_path = tmp_path / "w.mipsdesk"
    quality = write_json(tmp_path / "q.json", submission(quality_set(counts())))
    assert main(["import", str(quality), "--workspace", str(ws_path)]) == 0
    with Workspace.open(ws_path, user="jane") as ws:
        save_value(ws, ENTITY, "pi", "PI_EP_1", {"numerator": 10, "denominator": 20})
    pi = write_json(tmp_path / "p.json", submission(_pi_set()))
    capsys.readouterr()
    code = main(
        [
            "import",
            str(pi),
            "--workspace",
            str(ws_path),
            "--on-conflict",
            "replace",
            "--agree-pi-scoring",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "1 added, 1 replaced, 0 kept as they were, 0 unchanged." in out
    assert "Replaced with the file's: Promoting Interoperability data entered as registry" in out
