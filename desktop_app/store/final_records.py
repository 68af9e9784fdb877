"""Final records: rows a workspace file's own triggers refuse to delete.

Feature packages make records final with triggers stored in the file (a
confirmed election, the agreement to be scored in Promoting Interoperability):
``BEFORE DELETE ... RAISE(ABORT, ...)``, possibly with a ``WHEN`` condition. The
store does not import those packages; it finds final records generically by
asking the file: for every table with a ``BEFORE DELETE`` trigger, each row whose
DELETE the triggers refuse (tried inside a savepoint that is always rolled back,
on a private in-memory copy) is final. The append-only audit log is the store's
own and is left out.

A record is identified by the table's natural key: its first UNIQUE constraint
or primary key that is not the plain row id (``elections``: year, tin, npi).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

_DELETE_TRIGGER_RE: Final = re.compile(r"\bBEFORE\s+DELETE\s+ON\b", re.IGNORECASE)
# Tables of the store itself (and SQLite's) whose rows are never carried over.
_OWN_TABLES: Final = frozenset({"audit_log", "_sqlite_migrations"})
KEEP_ACTION: Final = "keep_final"
KEEP_TEXT: Final = "kept final record across restore"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class TableShape:
    """What the store needs to know of a table to compare and copy its rows."""

    name: str
    columns: tuple[str, ...]  # every column except a rowid alias (INTEGER PRIMARY KEY)
    key: tuple[str, ...]  # the natural key columns (all columns if the table has none)


@dataclass(frozen=True)
class FinalRecord:
    """One final row: its table, natural key and every column value (rowid alias aside)."""

    table: str
    key_columns: tuple[str, ...]
    values: dict[str, Any] = field(hash=False)

    @property
    def key_values(self) -> tuple[Any, ...]:
        return tuple(self.values[c] for c in self.key_columns)

    @property
    def record_key(self) -> str:
        """For the audit log: ``2025:123456789/1234567893`` (empty parts left out)."""
        parts = [str(v) for v in self.key_values if v not in (None, "")]
        if not parts:
            return ""
        return parts[0] + (":" + "/".join(parts[1:]) if len(parts) > 1 else "")

    @property
    def label(self) -> str:
        """For people: ``Election 2025, TIN 12-3456789 / NPI 1234567893 (Ada Quinn): Opt-In,
        confirmed 2026-11-23 18:32 UTC by jane``.

        Tables with a :class:`RecordLabel` (see :func:`register_record_label`) get its
        title, name and details; any other table is described from its column names.
        """
        spec = _labels.get(self.table)
        title = spec.title if spec else self.table.replace("_", " ").capitalize()
        head = f"{title} {_key_words(self.key_columns, self.values)}".rstrip()
        if spec and spec.name_column and self.values.get(spec.name_column):
            head += f" ({_short(self.values[spec.name_column])})"
        details = spec.details_for(self.values) if spec else None
        if details is None:
            shown = (spec.name_column,) if spec and spec.name_column else ()
            details = ", ".join(
                f"{c.replace('_', ' ')} {_word(v)}"
                for c, v in self.values.items()
                if c not in self.key_columns and c not in shown and v not in (None, "")
            )
        return head + (f": {details}" if details else "")

    def same_content(self, values: dict[str, Any]) -> bool:
        return all(values.get(c) == v for c, v in self.values.items())


@dataclass(frozen=True)
class RecordLabel:
    """How people read a final record of one table (the store knows no feature table).

    ``details`` is a :meth:`str.format` template over the row's columns, each
    value shown in words (``values`` maps a column's stored codes to labels;
    timestamps read ``2026-11-23 18:32 UTC``). If a column it names is empty,
    the columns are listed instead. ``name_column`` is shown after the key.
    """

    title: str
    details: str = ""
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    name_column: str | None = None

    def details_for(self, row: dict[str, Any]) -> str | None:
        if not self.details:
            return None
        words: dict[str, str] = {}
        for column, value in row.items():
            if value in (None, ""):
                continue
            coded = self.values.get(column, {})
            words[column] = coded.get(str(value), _word(value))
        try:
            return self.details.format_map(words)
        except (KeyError, IndexError, ValueError):
            return None


_labels: dict[str, RecordLabel] = {}


def register_record_label(table: str, label: RecordLabel) -> None:
    """Give ``table``'s final records a readable label (features call this at import)."""
    _labels[table] = label


# The final tables of this version. They belong to the elections and attestation
# features; they are declared here because the store must not import those
# packages and a restore can run before they are loaded. A feature may replace
# its entry with register_record_label.
register_record_label(
    "elections",
    RecordLabel(
        "Election",
        "{election}, confirmed {confirmed_at} by {confirmed_by}",
        {"election": {"opt_in": "Opt-In", "voluntary": "Report Voluntarily"}},
        name_column="entity_name",
    ),
)
register_record_label(
    "attestation_pi_consent",
    RecordLabel("PI scoring agreement", "agreed {agreed_at} by {user}"),
)

_TIMESTAMP_RE: Final = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]00:?00)?$"
)


def _word(value: Any) -> str:
    """A stored value as people read it: UTC timestamps without seconds, the rest short."""
    text = _short(value)
    match = _TIMESTAMP_RE.match(text)
    if match:
        return f"{match[1]} {match[2]}" + (" UTC" if match[3] else "")
    return text


def _key_words(columns: tuple[str, ...], values: dict[str, Any]) -> str:
    """``2025, TIN 12-3456789 / NPI 1234567893`` (``(group)`` when the NPI is empty)."""
    parts: list[str] = []
    for column in columns:
        value = values.get(column)
        text = _short(value)
        if column == "year":
            parts.append(text or "(no year)")
        elif column == "tin":
            shown = f"{text[:2]}-{text[2:]}" if len(text) == 9 and text.isdigit() else text
            parts.append(f"TIN {shown or '(none)'}")
        elif column == "npi":
            if text:
                parts.append(f"/ NPI {text}")
            else:
                parts.append("(group)")
        else:
            parts.append(f"{column.replace('_', ' ')} {_word(value) or '(none)'}")
    out = ""
    for part in parts:
        if not out:
            out = part
        elif part.startswith(("/", "(")):
            out += " " + part
        else:
            out += ", " + part
    return out


def _short(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def table_names(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return {str(r[0]) for r in rows}


def final_tables(conn: sqlite3.Connection) -> list[str]:
    """Tables (not the store's own) with a ``BEFORE DELETE`` trigger, by name."""
    rows = conn.execute(
        "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL"
    ).fetchall()
    found = {
        str(table)
        for table, sql in rows
        if _DELETE_TRIGGER_RE.search(str(sql)) and str(table) not in _OWN_TABLES
    }
    return sorted(found & table_names(conn))


def table_shape(conn: sqlite3.Connection, table: str) -> TableShape | None:
    """Columns and natural key of ``table``; None if the file has no such table."""
    info = conn.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
    if not info:
        return None
    pk = [str(r[1]) for r in sorted(info, key=lambda r: r[5]) if r[5]]
    rowid_alias = None
    if len(pk) == 1:
        declared = next(str(r[2]) for r in info if r[1] == pk[0])
        if declared.upper() == "INTEGER":
            rowid_alias = pk[0]
    columns = tuple(str(r[1]) for r in info if r[1] != rowid_alias)
    key: tuple[str, ...] = ()
    indexes = conn.execute(f"PRAGMA index_list({_quote(table)})").fetchall()
    # (seq, name, unique, origin, partial): prefer the primary key, then UNIQUE constraints.
    ordered = sorted(
        (r for r in indexes if r[2] and not r[4]), key=lambda r: (r[3] != "pk", r[3] != "u")
    )
    for index in ordered:
        cols = tuple(str(r[2]) for r in conn.execute(f"PRAGMA index_info({_quote(str(index[1]))})"))
        if cols and all(c in columns for c in cols):
            key = cols
            break
    return TableShape(table, columns, key or columns)


def _rows(conn: sqlite3.Connection, shape: TableShape) -> list[tuple[int, dict[str, Any]]]:
    cols = ", ".join(_quote(c) for c in shape.columns)
    rows = conn.execute(f"SELECT rowid, {cols} FROM {_quote(shape.name)}").fetchall()  # noqa: S608
    return [(int(r[0]), dict(zip(shape.columns, r[1:], strict=True))) for r in rows]


def delete_refused(conn: sqlite3.Connection, table: str, rowid: int) -> bool:
    """Whether the file's triggers refuse to delete this row (nothing is changed)."""
    conn.execute("SAVEPOINT final_probe")
    try:
        conn.execute(f"DELETE FROM {_quote(table)} WHERE rowid = ?", [rowid])  # noqa: S608
    except sqlite3.DatabaseError:
        return True
    finally:
        conn.execute("ROLLBACK TO final_probe")
        conn.execute("RELEASE final_probe")
    return False


def read_final_records(conn: sqlite3.Connection) -> list[FinalRecord]:
    """Every final record in the database on ``conn``.

    ``conn`` must be writable and in autocommit mode (``isolation_level=None``);
    every probe is rolled back, so nothing changes. Use a private copy.
    """
    found: list[FinalRecord] = []
    for table in final_tables(conn):
        shape = table_shape(conn, table)
        if shape is None:
            continue
        for rowid, values in _rows(conn, shape):
            if delete_refused(conn, table, rowid):
                found.append(FinalRecord(table, shape.key, values))
    return found


def final_records_of_file(path: str) -> list[FinalRecord]:
    """The final records of the workspace file at ``path``, read without changing it."""
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        copy = sqlite3.connect(":memory:", isolation_level=None)
        try:
            source.backup(copy)
            return read_final_records(copy)
        finally:
            copy.close()
    finally:
        source.close()


@dataclass
class CarryOver:
    """What carrying final records into another file did (or could not do)."""

    kept: list[FinalRecord] = field(default_factory=list)
    replaced_drafts: list[FinalRecord] = field(default_factory=list)
    # (record, why it can't be carried over)
    blocked: list[tuple[FinalRecord, str]] = field(default_factory=list)

    @property
    def schema_blocked(self) -> bool:
        return any(why.startswith(_SCHEMA_PREFIX) for _, why in self.blocked)


_SCHEMA_PREFIX: Final = "the backup "


def carry_over(
    conn: sqlite3.Connection, records: list[FinalRecord], user: str, at: str
) -> CarryOver:
    """Insert into ``conn``'s database every record it lacks, each audited as kept.

    Runs inside the caller's transaction; a draft (a row the triggers let go) that
    sits on the record's key is replaced. Records that can't be inserted (table
    missing or different, a different final record in the way) are listed in
    ``blocked`` and not written.
    """
    result = CarryOver()
    shapes: dict[str, TableShape | None] = {}
    for record in records:
        if record.table not in shapes:
            shapes[record.table] = table_shape(conn, record.table)
        shape = shapes[record.table]
        if shape is None:
            result.blocked.append(
                (record, f"{_SCHEMA_PREFIX}has no table {record.table} (it is older)")
            )
            continue
        lacking = [c for c in record.values if c not in shape.columns]
        if lacking:
            result.blocked.append(
                (
                    record,
                    f"{_SCHEMA_PREFIX}stores {record.table} without the column"
                    f"{'s' if len(lacking) > 1 else ''} {', '.join(lacking)}",
                )
            )
            continue
        where = " AND ".join(f"{_quote(c)} IS ?" for c in record.key_columns)
        cols = ", ".join(_quote(c) for c in shape.columns)
        existing = conn.execute(
            f"SELECT rowid, {cols} FROM {_quote(shape.name)} WHERE {where}",  # noqa: S608
            list(record.key_values),
        ).fetchall()
        before: dict[str, Any] | None = None
        in_the_way = [(int(r[0]), dict(zip(shape.columns, r[1:], strict=True))) for r in existing]
        if any(record.same_content(values) for _, values in in_the_way):
            continue  # the backup has it already
        conn.execute("SAVEPOINT keep_final")
        try:
            for rowid, values in in_the_way:
                if delete_refused(conn, shape.name, rowid):
                    raise _Blocked("the backup holds a different final record with the same key")
                conn.execute(f"DELETE FROM {_quote(shape.name)} WHERE rowid = ?", [rowid])  # noqa: S608
                before = values
            marks = ", ".join("?" for _ in record.values)
            names = ", ".join(_quote(c) for c in record.values)
            try:
                conn.execute(
                    f"INSERT INTO {_quote(shape.name)} ({names}) VALUES ({marks})",  # noqa: S608
                    list(record.values.values()),
                )
            except sqlite3.DatabaseError as exc:
                raise _Blocked(f"the backup refuses it ({exc})") from exc
            conn.execute(
                "INSERT INTO audit_log (at, user, table_name, record_key, action, before_json, "
                "after_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    at,
                    user,
                    shape.name,
                    record.record_key,
                    KEEP_ACTION,
                    _json(before),
                    _json(record.values),
                ],
            )
        except _Blocked as exc:
            conn.execute("ROLLBACK TO keep_final")
            conn.execute("RELEASE keep_final")
            result.blocked.append((record, str(exc)))
            continue
        conn.execute("RELEASE keep_final")
        result.kept.append(record)
        if before is not None:
            result.replaced_drafts.append(FinalRecord(shape.name, record.key_columns, before))
    return result


class _Blocked(Exception):
    pass


def _json(data: dict[str, Any] | None) -> str | None:
    if data is None:
        return None
    return json.dumps(
        {k: (f"<{len(v)} bytes>" if isinstance(v, bytes) else v) for k, v in data.items()},
        sort_keys=True,
        default=str,
    )


def describe(records: list[FinalRecord]) -> str:
    return "\n".join(f"  - {r.label}" for r in records)
