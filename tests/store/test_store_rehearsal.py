"""``Workspace.rehearsal``: see what the workspace would say after a change, then undo it."""

from __future__ import annotations

from store_helpers import NPIS, clinician, practice

from desktop_app.store import Workspace


def test_writes_inside_are_seen_inside_and_gone_after_without_notifying(ws: Workspace) -> None:
    told: list[str] = []
    ws.subscribe(told.append)
    with ws.rehearsal():
        ws.save_practice(practice())
        ws.add_clinician(clinician(NPIS[0]))
        assert ws.practice() == practice() and len(ws.clinicians()) == 1
    assert ws.practice() is None and ws.clinicians() == []
    assert ws.audit_log() == [] and told == []
    ws.save_practice(practice())  # the workspace writes normally afterwards
    assert ws.practice() == practice() and told == ["practice"]


def test_inside_a_write_only_the_rehearsed_part_is_undone(ws: Workspace) -> None:
    with ws.write("practice"):
        ws.save_practice(practice())
        with ws.rehearsal():
            ws.add_clinician(clinician(NPIS[0]))
            assert len(ws.clinicians()) == 1
        assert ws.clinicians() == []
    assert ws.practice() == practice()
    assert [e.table_name for e in ws.audit_log()] == ["practice"]
