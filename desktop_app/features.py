"""The feature modules that register workspace migrations.

The store knows only its own tables; each feature registers its migrations when it is
imported. Whatever opens a workspace (the command line, the GUI) loads all of them
first, so every table is migrated, checked for damage and kept across a restore, whichever
command or page happens to run.
"""

from __future__ import annotations

import importlib

FEATURE_MODULES = (
    "desktop_app.eligibility.store",
    "desktop_app.elections.store",
    "desktop_app.reporting.store",
    "desktop_app.quality.store",
    "desktop_app.attestation.tables",
    "desktop_app.importing.ecqm_ids",
)


def load_feature_modules() -> None:
    """Import every feature module that registers migrations (once per process)."""
    for name in FEATURE_MODULES:
        importlib.import_module(name)
