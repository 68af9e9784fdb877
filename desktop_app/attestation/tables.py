"""Workspace tables of the attestation package (registered as migration set
``mipsdesk.attestation``).

- ``attestation_flags``: facts the user states per entity and year that the
  eligibility data does not hold (MIPS APM participation, approved PI hardship).
- ``attestation_pi_consent``: the agreement to be scored in PI although it is
  reweighted to 0%; final (triggers refuse UPDATE, DELETE and an INSERT over an
  existing agreement, which is what INSERT OR REPLACE does).
- ``attestation_ia_dates``: each completed activity's own start and end dates.
- ``attestation_evidence``: evidence files as BLOBs with their SHA-256. A record is
  never changed in place (triggers refuse UPDATE and an INSERT over an existing id);
  detaching a file deletes its record (audited).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlite_utils import Database, Migrations

from desktop_app.store import register_migrations

if TYPE_CHECKING:
    from desktop_app.store import Workspace

FLAGS_TABLE = "attestation_flags"
CONSENT_TABLE = "attestation_pi_consent"
IA_DATES_TABLE = "attestation_ia_dates"
EVIDENCE_TABLE = "attestation_evidence"

MIGRATIONS = Migrations("mipsdesk.attestation")


@MIGRATIONS()
def m001_attestation(db: Database) -> None:
    db.execute(
        f"""CREATE TABLE {FLAGS_TABLE} (
            year INTEGER NOT NULL,
            tin TEXT NOT NULL,
            npi TEXT NOT NULL DEFAULT '',
            apm_participant INTEGER NOT NULL DEFAULT 0,
            pi_hardship INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (year, tin, npi)
        )"""
    )
    db.execute(
        f"""CREATE TABLE {CONSENT_TABLE} (
            year INTEGER NOT NULL,
            tin TEXT NOT NULL,
            npi TEXT NOT NULL DEFAULT '',
            agreed_at TEXT NOT NULL,
            user TEXT NOT NULL,
            statement TEXT NOT NULL,
            reason TEXT NOT NULL,
            PRIMARY KEY (year, tin, npi)
        )"""
    )
    for action in ("UPDATE", "DELETE"):
        db.execute(
            f"""CREATE TRIGGER {CONSENT_TABLE}_no_{action.lower()} BEFORE {action}
            ON {CONSENT_TABLE} BEGIN
            SELECT RAISE(ABORT,
                'The agreement to be scored in Promoting Interoperability is final.');
            END"""
        )
    db.execute(
        f"""CREATE TABLE {IA_DATES_TABLE} (
            year INTEGER NOT NULL,
            tin TEXT NOT NULL,
            npi TEXT NOT NULL DEFAULT '',
            measure_id TEXT NOT NULL,
            start TEXT,
            "end" TEXT,
            PRIMARY KEY (year, tin, npi, measure_id)
        )"""
    )
    db.execute(
        f"""CREATE TABLE {EVIDENCE_TABLE} (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL,
            tin TEXT NOT NULL,
            npi TEXT NOT NULL DEFAULT '',
            category TEXT NOT NULL CHECK (category IN ('pi', 'ia')),
            measure_id TEXT NOT NULL,
            file_name TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            added_at TEXT NOT NULL,
            added_by TEXT NOT NULL,
            content BLOB NOT NULL
        )"""
    )
    db.execute(
        f"CREATE INDEX {EVIDENCE_TABLE}_entity ON {EVIDENCE_TABLE} (year, tin, npi, category)"
    )


@MIGRATIONS()
def m002_final_rows_no_replace(db: Database) -> None:
    """Refuse INSERT ... OR REPLACE over a recorded agreement or evidence record.

    REPLACE deletes the row in the way without firing DELETE triggers, so the
    UPDATE/DELETE triggers alone let the agreement (who agreed, when, the statement)
    be rewritten. ``ifnull``: with REPLACE a NULL npi becomes the column default ''.
    """
    db.execute(
        """CREATE TRIGGER attestation_pi_consent_no_insert_over
        BEFORE INSERT ON attestation_pi_consent
        WHEN EXISTS (SELECT 1 FROM attestation_pi_consent AS final
            WHERE final.year = NEW.year AND final.tin = NEW.tin
            AND final.npi = ifnull(NEW.npi, ''))
        BEGIN
        SELECT RAISE(ABORT,
            'The agreement to be scored in Promoting Interoperability is final.');
        END"""
    )
    db.execute(
        """CREATE TRIGGER attestation_evidence_no_update BEFORE UPDATE ON attestation_evidence
        BEGIN
        SELECT RAISE(ABORT,
            'An evidence record can''t be changed: remove the file and attach the new one.');
        END"""
    )
    db.execute(
        """CREATE TRIGGER attestation_evidence_no_insert_over
        BEFORE INSERT ON attestation_evidence
        WHEN NEW.id IS NOT NULL
            AND EXISTS (SELECT 1 FROM attestation_evidence AS kept WHERE kept.id = NEW.id)
        BEGIN
        SELECT RAISE(ABORT,
            'An evidence record can''t be changed: remove the file and attach the new one.');
        END"""
    )


register_migrations(MIGRATIONS)


def ensure_tables(ws: Workspace) -> None:
    """Create the tables (and the reporting ones) in a workspace opened before import."""
    from desktop_app.reporting import ensure_tables as ensure_reporting

    ensure_reporting(ws)
    if MIGRATIONS.pending(ws.db):
        ws.migrate()
