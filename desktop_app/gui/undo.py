"""Undo and redo of the Promoting Interoperability and Improvement Activities edits.

One :class:`~PySide6.QtGui.QUndoStack` per :class:`AppContext` (so the PI and IA
pages share one history), cleared when another workspace is opened and gone
when the window closes. Each edit is saved at once (and audited) by the core;
the command keeps a snapshot of the entity's entries before and after, and undo
/ redo restore them through the same audited core functions.

The main window can put the stack's actions in its Edit menu::

    stack = undo_stack(ctx)
    menu.addAction(stack.createUndoAction(menu, "&Undo"))   # Ctrl+Z via setShortcut
    menu.addAction(stack.createRedoAction(menu, "&Redo"))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand, QUndoStack

from desktop_app.attestation import (
    Evidence,
    Snapshot,
    add_evidence_bytes,
    remove_evidence,
    restore_snapshot,
    take_snapshot,
)
from desktop_app.reporting import EntityKey

if TYPE_CHECKING:
    from desktop_app.gui.context import AppContext


def undo_stack(ctx: AppContext) -> QUndoStack:
    """The context's undo stack (one per AppContext; cleared on another workspace)."""
    return ctx.undo_stack


class SnapshotCommand(QUndoCommand):
    """An edit already saved; undo/redo restore the snapshots around it."""

    def __init__(self, ctx: AppContext, text: str, before: Snapshot, after: Snapshot) -> None:
        super().__init__(text)
        self.ctx = ctx
        self.before = before
        self.after = after
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        ws = self.ctx.workspace
        if ws is not None:
            restore_snapshot(ws, self.after)

    def undo(self) -> None:
        ws = self.ctx.workspace
        if ws is not None:
            restore_snapshot(ws, self.before)


def record_edit(ctx: AppContext, entity: EntityKey, text: str, edit: Callable[[], object]) -> bool:
    """Run ``edit`` (a core call that saves), and put it on the undo stack if it changed
    anything. Errors from ``edit`` propagate and nothing is recorded."""
    ws = ctx.workspace
    if ws is None:
        return False
    before = take_snapshot(ws, entity)
    edit()
    after = take_snapshot(ws, entity)
    if before.same_as(after):
        return False
    undo_stack(ctx).push(SnapshotCommand(ctx, text, before, after))
    return True


class EvidenceCommand(QUndoCommand):
    """Attach (or remove) an evidence file; undo removes (or attaches it again)."""

    def __init__(
        self,
        ctx: AppContext,
        text: str,
        evidence: Evidence,
        content: bytes,
        *,
        attached: bool,
    ) -> None:
        super().__init__(text)
        self.ctx = ctx
        self.evidence = evidence
        self.content = content
        self.attached = attached
        self._first = True

    def _attach(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        e = self.evidence
        self.evidence = add_evidence_bytes(
            ws,
            e.entity,
            e.category,
            e.measure_id,
            e.file_name,
            self.content,
            added_at=e.added_at,
            added_by=e.added_by,
            catalog=self.ctx.catalog,
        )

    def _remove(self) -> None:
        ws = self.ctx.workspace
        if ws is not None:
            remove_evidence(ws, self.evidence)

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._attach() if self.attached else self._remove()

    def undo(self) -> None:
        self._remove() if self.attached else self._attach()
