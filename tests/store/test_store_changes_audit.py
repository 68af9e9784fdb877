"""Every change is audited in the same transaction; failures leave nothing behind."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path

import pytest
from store_helpers import NPIS, clinician, practice

from desktop_app.models.practice import ReportingEntity
from desktop_app.settings import Settings, save_settings
from desktop_app.store import AuditEntry, Workspace, WorkspaceError


def _audit_count(ws: Workspace) -> int:
    return int(ws.db.execute("SELECT count(*) FROM audit_log").fetchone()[0])


def test_practice_insert_and_update_are_audited_with_before_and_after(ws: Workspace) -> None:
    assert ws.practice() is None
    ws.save_practice(practice())
    ws.save_practice(practice(name="Smith & Lee Family Practice"))
    assert ws.practice() == practice(name="Smith & Lee Family Practice")
    update, insert = ws.audit_log()
    assert (insert.action, insert.table_name, insert.record_key) == (
        "insert",
        "practice",
        "123456789",
    )
    assert insert.before is None and insert.after is not None
    assert insert.after["name"] == "Smith Family Practice"
    assert update.action == "update"
    assert update.before is not None and update.before["name"] == "Smith Family Practice"
    assert update.after is not None and update.after["name"] == "Smith & Lee Family Practice"
    assert update.changed_fields == ["name"]
    assert update.user == "jane"


def test_saving_an_unchanged_practice_writes_no_audit_row(ws: Workspace) -> None:
    ws.save_practice(practice())
    ws.save_practice(practice())
    assert _audit_count(ws) == 1


def test_audit_time_is_utc_iso_8601(ws: Workspace) -> None:
    start = dt.datetime.now(dt.UTC)
    ws.add_clinician(clinician())
    raw = ws.db.execute("SELECT at FROM audit_log").fetchone()[0]
    parsed = dt.datetime.fromisoformat(raw)
    assert parsed.utcoffset() == dt.timedelta(0)
    assert raw.endswith("+00:00")
    assert start <= parsed <= dt.datetime.now(dt.UTC)


def test_clinician_add_update_remove_each_leave_an_audit_row(ws: Workspace) -> None:
    ws.add_clinician(clinician())
    ws.update_clinician("1234567893", clinician(last="Lee-Park"))
    ws.remove_clinician("1234567893")
    assert ws.clinicians() == []
    delete, update, insert = ws.audit_log()
    assert [e.action for e in (insert, update, delete)] == ["insert", "update", "delete"]
    assert {e.record_key for e in (insert, update, delete)} == {"1234567893"}
    assert update.before is not None and update.before["last_name"] == "Lee"
    assert update.after is not None and update.after["last_name"] == "Lee-Park"
    assert delete.before == update.after and delete.after is None


def test_clinicians_are_sorted_by_last_then_first_name(ws: Workspace) -> None:
    ws.add_clinicians(
        [
            clinician(NPIS[0], "Zed", "adams"),
            clinician(NPIS[1], "Amy", "Baker"),
            clinician(NPIS[2], "Al", "Adams"),
        ]
    )
    assert [c.sort_name for c in ws.clinicians()] == ["Adams, Al", "adams, Zed", "Baker, Amy"]


def test_adding_a_clinician_twice_is_refused_naming_the_existing_one(ws: Workspace) -> None:
    ws.add_clinician(clinician())
    with pytest.raises(
        WorkspaceError, match=r"NPI 1234567893 is already in this workspace \(Ann Lee\)"
    ):
        ws.add_clinician(clinician(first="Other"))
    assert _audit_count(ws) == 1


def test_update_and_remove_of_unknown_npi_are_refused(ws: Workspace) -> None:
    with pytest.raises(WorkspaceError, match="no clinician with NPI 1234567893"):
        ws.update_clinician("1234567893", clinician())
    with pytest.raises(WorkspaceError, match="no clinician with NPI 1234567893"):
        ws.remove_clinician("1234567893")
    assert _audit_count(ws) == 0


def test_correcting_an_npi_moves_the_reporting_entities_along(ws: Workspace) -> None:
    ws.add_clinician(clinician(NPIS[0]))
    ws.add_clinician(clinician(NPIS[1], "Bo", "Kim"))
    ws.save_reporting_entity(ReportingEntity(year=2025, tin="123456789", npi=NPIS[0]))
    with pytest.raises(WorkspaceError, match=f"NPI {NPIS[1]} already belongs to Bo Kim"):
        ws.update_clinician(NPIS[0], clinician(NPIS[1]))
    ws.update_clinician(NPIS[0], clinician(NPIS[2]))
    assert ws.clinician(NPIS[0]) is None and ws.clinician(NPIS[2]) == clinician(NPIS[2])
    (entity,) = ws.reporting_entities(2025)
    assert entity.npi == NPIS[2]
    moved = ws.audit_log(1)[0]
    assert moved.table_name == "reporting_entities" and moved.action == "update"
    assert moved.before is not None and moved.before["npi"] == NPIS[0]
    assert moved.after is not None and moved.after["npi"] == NPIS[2]


def test_removing_a_clinician_removes_their_reporting_entities_audited(ws: Workspace) -> None:
    ws.add_clinician(clinician())
    ws.save_reporting_entity(ReportingEntity(year=2025, tin="123456789"))
    ws.save_reporting_entity(ReportingEntity(year=2025, tin="123456789", npi="1234567893"))
    ws.remove_clinician("1234567893")
    assert [e.key for e in ws.reporting_entities()] == ["123456789"]
    actions = [(e.table_name, e.action) for e in ws.audit_log(2)]
    assert actions == [("clinicians", "delete"), ("reporting_entities", "delete")]


def test_reporting_entities_insert_update_and_key(ws: Workspace) -> None:
    ws.add_clinician(clinician())
    group = ReportingEntity(year=2025, tin="123456789")
    ws.save_reporting_entity(group)
    ws.save_reporting_entity(ReportingEntity(year=2024, tin="123456789", npi="1234567893"))
    ws.save_reporting_entity(group.model_copy(update={"reporting_option": "M0005"}))
    assert [(e.year, e.key, e.reporting_option) for e in ws.reporting_entities()] == [
        (2024, "123456789/1234567893", "traditional"),
        (2025, "123456789", "M0005"),
    ]
    assert [e.key for e in ws.reporting_entities(2024)] == ["123456789/1234567893"]
    last = ws.audit_log(1)[0]
    assert (last.action, last.record_key) == ("update", "123456789")
    assert last.changed_fields == ["reporting_option"]
    assert ws.remove_reporting_entity(2025, "123456789") is True
    assert ws.remove_reporting_entity(2025, "123456789") is False
    assert ws.audit_log(1)[0].action == "delete"


def test_reporting_entity_for_an_unknown_clinician_is_refused(ws: Workspace) -> None:
    with pytest.raises(WorkspaceError, match="NPI 1234567893 is not a clinician in this workspace"):
        ws.save_reporting_entity(ReportingEntity(year=2025, tin="123456789", npi="1234567893"))
    assert ws.reporting_entities() == [] and _audit_count(ws) == 0


def test_add_clinicians_is_all_or_nothing_when_a_write_fails_midway(ws: Workspace) -> None:
    ws.add_clinician(clinician(NPIS[3], "Pre", "Existing"))
    before_audit = _audit_count(ws)
    # A constraint violation on the third insert, after two rows and two audit rows were written.
    ws.db.execute(
        "CREATE TEMP TRIGGER refuse_third BEFORE INSERT ON clinicians "
        f"WHEN NEW.npi = '{NPIS[2]}' BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
    )
    batch = [clinician(NPIS[0]), clinician(NPIS[1], "Bo", "Kim"), clinician(NPIS[2], "Cy", "Ng")]
    with pytest.raises(WorkspaceError, match="nothing was saved"):
        ws.add_clinicians(batch)
    assert [c.npi for c in ws.clinicians()] == [NPIS[3]]
    assert _audit_count(ws) == before_audit
    ws.db.execute("DROP TRIGGER refuse_third")
    ws.add_clinicians(batch)
    assert len(ws.clinicians()) == 4
    assert _audit_count(ws) == before_audit + 3


def test_add_clinicians_refuses_duplicates_and_existing_npis_before_writing(ws: Workspace) -> None:
    ws.add_clinician(clinician(NPIS[0]))
    with pytest.raises(WorkspaceError, match="more than once"):
        ws.add_clinicians([clinician(NPIS[1]), clinician(NPIS[1])])
    with pytest.raises(WorkspaceError, match=f"already in this workspace.*{NPIS[0]}"):
        ws.add_clinicians([clinician(NPIS[1]), clinician(NPIS[0])])
    assert [c.npi for c in ws.clinicians()] == [NPIS[0]]


def test_feature_write_and_audit_commit_together_or_not_at_all(ws: Workspace) -> None:
    ws.db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
    with ws.write("notes") as db:
        db.execute("INSERT INTO notes (id, text) VALUES (1, 'hello')")
        ws.audit("notes", "1", "insert", None, {"text": "hello"})
    with pytest.raises(RuntimeError), ws.write("notes") as db:
        db.execute("INSERT INTO notes (id, text) VALUES (2, 'lost')")
        ws.audit("notes", "2", "insert", None, {"text": "lost"})
        raise RuntimeError("feature code failed")
    assert ws.db.execute("SELECT id FROM notes").fetchall() == [(1,)]
    assert [e.record_key for e in ws.audit_log(table="notes")] == ["1"]


def test_audit_outside_a_write_is_refused(ws: Workspace) -> None:
    with pytest.raises(WorkspaceError, match=r"inside Workspace\.write"):
        ws.audit("notes", "1", "insert", None, {"x": 1})


def test_audit_log_is_append_only_even_with_raw_sql(ws: Workspace) -> None:
    ws.add_clinician(clinician())
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        ws.db.execute("UPDATE audit_log SET user = 'mallory'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        ws.db.execute("DELETE FROM audit_log")
    other = sqlite3.connect(ws.path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            other.execute("DELETE FROM audit_log WHERE id = 1")
    finally:
        other.close()
    (entry,) = ws.audit_log()
    assert entry.user == "jane"


def test_audit_log_is_newest_first_with_limit_and_filters(ws: Workspace) -> None:
    ws.save_practice(practice())
    for npi in NPIS[:3]:
        ws.add_clinician(clinician(npi))
    entries = ws.audit_log()
    assert [e.id for e in entries] == sorted((e.id for e in entries), reverse=True)
    assert [e.record_key for e in ws.audit_log(2)] == [NPIS[2], NPIS[1]]
    assert [e.table_name for e in ws.audit_log(table="practice")] == ["practice"]
    assert len(ws.audit_log(record_key=NPIS[0])) == 1
    assert isinstance(entries[0], AuditEntry)
    assert entries[0].to_dict()["after"]["npi"] == NPIS[2]


def test_subscribers_hear_about_committed_changes_only(ws: Workspace) -> None:
    heard: list[str] = []
    unsubscribe = ws.subscribe(heard.append)
    ws.save_practice(practice())
    ws.add_clinician(clinician())
    with pytest.raises(WorkspaceError):
        ws.add_clinician(clinician())  # refused: no notification
    with pytest.raises(RuntimeError), ws.write("notes"):
        raise RuntimeError("rolled back")
    assert heard == ["practice", "clinicians"]
    unsubscribe()
    ws.add_clinician(clinician(NPIS[1]))
    assert heard == ["practice", "clinicians"]


def test_notifications_come_after_the_commit(ws: Workspace) -> None:
    seen: list[tuple[str, bool, int]] = []

    def observer(table: str) -> None:
        # Another connection must already see the change when we are told.
        other = sqlite3.connect(ws.path)
        try:
            count = other.execute("SELECT count(*) FROM clinicians").fetchone()[0]
        finally:
            other.close()
        seen.append((table, ws.db.conn.in_transaction, count))

    ws.subscribe(observer)
    ws.add_clinician(clinician())
    assert seen == [("clinicians", False, 1)]


def test_notify_inside_a_write_waits_for_the_commit(ws: Workspace) -> None:
    heard: list[str] = []
    ws.subscribe(heard.append)
    with ws.write("measurements"):
        ws.notify("eligibility")
        assert heard == []
        with ws.write("elections"):  # nested: a savepoint, still one transaction
            pass
        assert heard == []
    assert heard == ["measurements", "eligibility", "elections"]
    ws.notify("catalog")
    assert heard[-1] == "catalog"


def test_a_failing_observer_does_not_stop_others_or_undo_the_change(ws: Workspace) -> None:
    heard: list[str] = []

    def broken(table: str) -> None:
        raise ValueError("observer bug")

    ws.subscribe(broken)
    ws.subscribe(heard.append)
    ws.add_clinician(clinician())
    assert heard == ["clinicians"]
    assert ws.clinician("1234567893") is not None


def test_busy_workspace_gives_a_clear_error(ws_path: str) -> None:
    with (
        Workspace.open(ws_path, busy_timeout=0.05) as first,
        Workspace.open(ws_path, busy_timeout=0.05) as second,
    ):
        with first.write("clinicians"), pytest.raises(WorkspaceError, match="is busy"):
            second.add_clinician(clinician())
        second.add_clinician(clinician())
        assert first.clinician("1234567893") is not None


def test_a_save_that_changes_nothing_notifies_nobody(ws: Workspace) -> None:
    ws.save_practice(practice())
    heard: list[str] = []
    ws.subscribe(heard.append)
    ws.save_practice(practice())
    assert heard == []


def test_audit_user_comes_from_the_settings_when_set(ws_path: Path) -> None:
    save_settings(Settings(user_name="Front Desk (Maria)"))
    with Workspace.open(ws_path) as ws:
        ws.add_clinician(clinician())
        assert ws.user == "Front Desk (Maria)"
        assert ws.audit_log()[0].user == "Front Desk (Maria)"


def test_audit_summary_reads_as_a_sentence(ws: Workspace) -> None:
    ws.add_clinician(clinician())
    ws.update_clinician("1234567893", clinician(first="Anne"))
    changed, added = ws.audit_log()
    assert added.summary == "jane added clinicians 1234567893"
    assert changed.summary == "jane changed clinicians 1234567893 (first_name)"


def test_workspace_can_be_used_from_a_worker_thread(ws: Workspace) -> None:
    heard: list[tuple[str, str]] = []
    ws.subscribe(lambda table: heard.append((table, threading.current_thread().name)))
    errors: list[BaseException] = []

    def work() -> None:
        try:
            ws.add_clinicians([clinician(NPIS[0]), clinician(NPIS[1], "Bo", "Kim")])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    worker = threading.Thread(target=work, name="import-worker")
    worker.start()
    worker.join()
    assert errors == []
    assert [c.npi for c in ws.clinicians()] == [NPIS[1], NPIS[0]]
    assert heard == [("clinicians", "import-worker")]


def test_a_stored_future_enrollment_date_still_loads(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A clinician saved before future dates were refused stays readable and fixable."""
    import sqlite3

    from desktop_app.store import Workspace

    path = tmp_path / "p.mipsdesk"
    with Workspace.open(path) as ws:
        ws.add_clinician(clinician(NPIS[0]))
    con = sqlite3.connect(path)
    con.execute("UPDATE clinicians SET medicare_enrollment_date = '2999-01-01'")
    con.commit()
    con.close()
    with Workspace.open(path) as ws:
        (loaded,) = ws.clinicians()
        assert loaded.medicare_enrollment_date is not None
        assert loaded.medicare_enrollment_date.year == 2999
