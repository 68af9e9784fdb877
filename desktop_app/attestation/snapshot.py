"""Snapshots of an entity's PI and IA entries, for undo and redo.

An edit takes a snapshot before and after; undo restores the first, redo the
second. Restoring writes only what differs, through the same audited functions
as any edit, so the audit log shows undos and redos too.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop_app.attestation.entity import entity_facts, set_entity_flags
from desktop_app.attestation.ia import ia_entry, update_ia_period
from desktop_app.attestation.pi import _target, entry_set, pi_entry, set_fields
from desktop_app.attestation.tables import IA_DATES_TABLE, ensure_tables
from desktop_app.reporting import (
    EntityKey,
    delete_value,
    save_set_fields,
    save_value,
    stored_values,
)

if TYPE_CHECKING:
    from desktop_app.store import Workspace


@dataclass(frozen=True)
class Snapshot:
    entity: EntityKey
    pi_values: dict[str, Any]
    pi_fields: tuple[str | None, dt.date | None, dt.date | None]
    ia_done: dict[str, tuple[dt.date | None, dt.date | None]]
    flags: tuple[bool, bool] = (False, False)
    """(MIPS APM participant, approved PI hardship) as stated by the user."""

    def same_as(self, other: Snapshot) -> bool:
        return (
            json.dumps(self.pi_values, sort_keys=True)
            == json.dumps(other.pi_values, sort_keys=True)
            and self.pi_fields == other.pi_fields
            and self.ia_done == other.ia_done
            and self.flags == other.flags
        )


def take_snapshot(ws: Workspace, entity: EntityKey) -> Snapshot:
    pi = pi_entry(ws, entity)
    ia = ia_entry(ws, entity)
    facts = entity_facts(ws, entity)
    return Snapshot(
        entity,
        dict(pi.values),
        set_fields(ws, entity, "pi"),  # the edited set's own fields, not merged ones
        {k: (v.start, v.end) for k, v in ia.items()},
        (facts.apm_participant, facts.pi_hardship),
    )


def restore_snapshot(ws: Workspace, snap: Snapshot) -> None:
    """Make the entity's PI and IA entries what they were in ``snap`` (one transaction)."""
    ensure_tables(ws)
    entity = snap.entity
    now = take_snapshot(ws, entity)
    # Edits went to each category's entry set (an imported EHR set is edited in place).
    pi_key = _target(entry_set(ws, entity, "pi"))
    ia_key = _target(entry_set(ws, entity, "ia"))
    with ws.write("") as db:
        for mid in now.pi_values.keys() - snap.pi_values.keys():
            _delete_everywhere(ws, entity, "pi", mid)
        for mid, value in snap.pi_values.items():
            if now.pi_values.get(mid) != value:
                save_value(ws, entity, "pi", mid, value, **pi_key)
        if now.pi_fields != snap.pi_fields:
            cehrt, start, end = snap.pi_fields
            save_set_fields(
                ws,
                entity,
                "pi",
                **pi_key,
                cehrt_id=cehrt,
                performance_start=start,
                performance_end=end,
            )
        npi = entity.npi or ""
        for mid in now.ia_done.keys() - snap.ia_done.keys():
            _delete_everywhere(ws, entity, "ia", mid)
            db.execute(
                f"DELETE FROM {IA_DATES_TABLE} WHERE year = ? AND tin = ? AND npi = ? "  # noqa: S608
                "AND measure_id = ?",
                [entity.year, entity.tin, npi, mid],
            )
            ws.audit(
                IA_DATES_TABLE, f"{entity.year}/{entity.tin}/{npi or '-'}/{mid}", "undo", None, None
            )
        for mid, (start, end) in snap.ia_done.items():
            if now.ia_done.get(mid) == (start, end):
                continue
            if mid not in now.ia_done:
                save_value(ws, entity, "ia", mid, True, **ia_key)
            db.execute(
                f'INSERT INTO {IA_DATES_TABLE} (year, tin, npi, measure_id, start, "end") '  # noqa: S608
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (year, tin, npi, measure_id) DO UPDATE "
                'SET start = excluded.start, "end" = excluded."end"',
                [
                    entity.year,
                    entity.tin,
                    npi,
                    mid,
                    start.isoformat() if start else None,
                    end.isoformat() if end else None,
                ],
            )
            ws.audit(
                IA_DATES_TABLE,
                f"{entity.year}/{entity.tin}/{npi or '-'}/{mid}",
                "restore",
                None,
                {
                    "start": start.isoformat() if start else None,
                    "end": end.isoformat() if end else None,
                },
            )
        if now.ia_done != snap.ia_done:
            update_ia_period(ws, entity)
        if now.flags != snap.flags:
            set_entity_flags(ws, entity, apm_participant=snap.flags[0], pi_hardship=snap.flags[1])


def _delete_everywhere(ws: Workspace, entity: EntityKey, category: str, measure_id: str) -> None:
    """Remove a measure's value from every set of the category that holds it."""
    for v in stored_values(ws, entity, category):  # type: ignore[arg-type]
        if v.measure_id == measure_id:
            delete_value(
                ws,
                entity,
                v.category,
                measure_id,
                submission_method=v.submission_method,
                program_name=v.program_name,
            )
