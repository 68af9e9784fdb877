"""The SQLite layout of a built measures catalog.

A catalog file is recognised by ``PRAGMA application_id`` and its layout version by
``PRAGMA user_version``; :class:`~desktop_app.catalog.Catalog` refuses files with
another layout (the catalog is rebuilt from its source instead of migrated, since
it holds nothing a user typed).
"""

from __future__ import annotations

APPLICATION_ID = 0x4D495053  # "MIPS"
SCHEMA_VERSION = 2
"""Layout 2 (November 2026) added ``measures.tier`` and hashes only the data files."""

CATEGORIES: tuple[str, ...] = ("quality", "ia", "pi", "cost")

DDL = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE source (
    path TEXT NOT NULL,
    version TEXT,
    content_hash TEXT NOT NULL,
    built_at TEXT NOT NULL,
    years TEXT NOT NULL          -- JSON list of ints
);
CREATE TABLE measures (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    measure_id TEXT NOT NULL,
    category TEXT NOT NULL,
    tier INTEGER NOT NULL,       -- search order group, see desktop_app.catalog.model.TIERS
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    metric_type TEXT NOT NULL,
    emeasure_id TEXT COLLATE NOCASE,
    emeasure_uuid TEXT COLLATE NOCASE,
    data TEXT NOT NULL,          -- the full source record as JSON
    UNIQUE (year, measure_id)
);
CREATE INDEX measures_year_category ON measures (year, category);
CREATE INDEX measures_emeasure_id ON measures (year, emeasure_id);
CREATE INDEX measures_emeasure_uuid ON measures (year, emeasure_uuid);
CREATE TABLE benchmarks (
    year INTEGER NOT NULL,
    measure_id TEXT NOT NULL,
    submission_method TEXT NOT NULL,
    benchmark_year INTEGER,
    is_inverse INTEGER NOT NULL,
    is_topped_out INTEGER NOT NULL,
    is_topped_out_by_program INTEGER NOT NULL,
    metric_type TEXT,
    percentiles TEXT,            -- JSON object percentile -> value, or NULL
    deciles TEXT,                -- JSON list, or NULL
    average_performance_rate REAL,
    data TEXT NOT NULL,
    PRIMARY KEY (year, measure_id, submission_method)
);
CREATE TABLE mvps (
    year INTEGER NOT NULL,
    mvp_id TEXT NOT NULL,
    title TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (year, mvp_id)
);
-- Full-text index over measures (rowid = measures.id). other_ids holds the eCQM
-- id (CMS122v14) and NQF ids so that typing them finds the measure.
CREATE VIRTUAL TABLE measures_fts USING fts5 (
    measure_id, title, description, other_ids,
    tokenize = 'unicode61 remove_diacritics 2'
);
"""

REQUIRED_TABLES = frozenset({"meta", "source", "measures", "benchmarks", "mvps", "measures_fts"})
