"""What the user picked on the Quality page: measures per entity, the practice's specialty.

The measurement values themselves live in :mod:`desktop_app.reporting` (one store for
manual entry and imports); this module keeps only the choices that have no place in a
QPP submission: which measures (and collection types) an entity means to report before
any count is entered, and the specialty measure set the suggestions use.
"""

# SQL below interpolates only this module's constant table names.
# ruff: noqa: S608

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlite_utils import Database, Migrations

from desktop_app.reporting import EntityKey, delete_value, stored_values
from desktop_app.store import register_migrations

if TYPE_CHECKING:
    from desktop_app.store import Workspace

SELECTIONS_TABLE = "quality_selections"
SETTINGS_TABLE = "quality_settings"
MIGRATIONS = Migrations("mipsdesk.quality")


@MIGRATIONS()
def m001_quality_choices(db: Database) -> None:
    db.execute(
        f"""CREATE TABLE {SELECTIONS_TABLE} (
            year INTEGER NOT NULL,
            tin TEXT NOT NULL,
            npi TEXT NOT NULL DEFAULT '',
            measure_id TEXT NOT NULL,
            submission_method TEXT NOT NULL,
            PRIMARY KEY (year, tin, npi, measure_id, submission_method)
        )"""
    )
    db.execute(f"CREATE TABLE {SETTINGS_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


register_migrations(MIGRATIONS)


_FEATURE_MODULES = (
    "desktop_app.eligibility.store",
    "desktop_app.elections.store",
    "desktop_app.reporting.store",
)


def prepare_workspace(ws: Workspace) -> None:
    """Create every feature table quality data and imports touch, before any transaction.

    A workspace opened before a feature module was imported lacks that module's tables
    (saving a value checks eligibility and elections), and tables can't be created
    inside a write transaction.
    """
    for name in _FEATURE_MODULES:
        importlib.import_module(name)  # registers its migrations
    if not ws.db.conn.in_transaction and ws.pending_migrations():
        ws.migrate()


def ensure_tables(ws: Workspace) -> None:
    """Create the tables in a workspace opened before this module was imported."""
    if MIGRATIONS.pending(ws.db):
        ws.migrate()


@dataclass(frozen=True)
class SelectedMeasure:
    measure_id: str
    submission_method: str
    has_data: bool
    program_name: str = "mips"


def _key(entity: EntityKey) -> list[object]:
    return [entity.year, entity.tin, entity.npi or ""]


def select_measure(ws: Workspace, entity: EntityKey, measure_id: str, method: str) -> None:
    """Add a measure (one collection type) to the entity's list; audited."""
    ensure_tables(ws)
    with ws.write(SELECTIONS_TABLE) as db:
        cur = db.execute(
            f"INSERT OR IGNORE INTO {SELECTIONS_TABLE} (year, tin, npi, measure_id, "
            "submission_method) VALUES (?, ?, ?, ?, ?)",
            [*_key(entity), measure_id, method],
        )
        if cur.rowcount:
            ws.audit(
                SELECTIONS_TABLE,
                f"{entity.label}/{measure_id}/{method}",
                "insert",
                None,
                {"measure_id": measure_id, "submission_method": method},
            )


def unselect_measure(
    ws: Workspace,
    entity: EntityKey,
    measure_id: str,
    method: str,
    *,
    program_name: str = "mips",
) -> None:
    """Remove a measure from the list and delete its entered data, in one transaction."""
    prepare_workspace(ws)
    with ws.write(SELECTIONS_TABLE) as db:
        cur = db.execute(
            f"DELETE FROM {SELECTIONS_TABLE} WHERE year = ? AND tin = ? AND npi = ? "
            "AND measure_id = ? AND submission_method = ?",
            [*_key(entity), measure_id, method],
        )
        if cur.rowcount:
            ws.audit(
                SELECTIONS_TABLE,
                f"{entity.label}/{measure_id}/{method}",
                "delete",
                {"measure_id": measure_id, "submission_method": method},
                None,
            )
        delete_value(
            ws,
            entity,
            "quality",
            measure_id,
            submission_method=method,
            program_name=program_name,
        )


def selected_measures(ws: Workspace, entity: EntityKey) -> list[SelectedMeasure]:
    """The entity's measures: those picked and those with stored data (e.g. imported)."""
    ensure_tables(ws)
    rows = ws.db.execute(
        f"SELECT measure_id, submission_method FROM {SELECTIONS_TABLE} "
        "WHERE year = ? AND tin = ? AND npi = ?",
        _key(entity),
    ).fetchall()
    stored = stored_values(ws, entity, "quality")
    found: dict[tuple[str, str], SelectedMeasure] = {}
    for v in stored:
        found[(v.measure_id, v.submission_method)] = SelectedMeasure(
            v.measure_id, v.submission_method, True, v.program_name
        )
    for mid, method in rows:
        found.setdefault((mid, method), SelectedMeasure(mid, method, False))
    return sorted(found.values(), key=lambda s: (s.measure_id, s.submission_method))


def practice_specialty(ws: Workspace) -> str | None:
    """The specialty measure set chosen for suggestions (a measureSets key), if any."""
    ensure_tables(ws)
    row = ws.db.execute(f"SELECT value FROM {SETTINGS_TABLE} WHERE key = 'specialty'").fetchone()
    return str(row[0]) if row else None


def set_practice_specialty(ws: Workspace, specialty: str | None) -> None:
    ensure_tables(ws)
    before = practice_specialty(ws)
    if before == specialty:
        return
    with ws.write(SETTINGS_TABLE) as db:
        db.execute(f"DELETE FROM {SETTINGS_TABLE} WHERE key = 'specialty'")
        if specialty:
            db.execute(
                f"INSERT INTO {SETTINGS_TABLE} (key, value) VALUES ('specialty', ?)", [specialty]
            )
        ws.audit(
            SETTINGS_TABLE,
            "specialty",
            "update" if before else "insert",
            {"specialty": before} if before else None,
            {"specialty": specialty},
        )
