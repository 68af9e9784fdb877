"""Who can report for a year: the one list the entity pickers of every page show.

The group (the practice's TIN), every clinician of the practice (TIN/NPI), then any
other reporting entity already stored for the year (for example one an import
created under another TIN). A page only formats the labels.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.reporting import EntityKey
from desktop_app.store.workspace import Workspace


@dataclass(frozen=True)
class EntityChoice:
    """One entry of an entity picker."""

    key: EntityKey
    name: str
    """The practice's name for a group, the clinician's full name for an individual."""

    @property
    def is_group(self) -> bool:
        return self.key.npi is None


def entity_choices(ws: Workspace, year: int) -> list[EntityChoice]:
    """The group, each clinician of the practice, then other stored reporting entities."""
    practice = ws.practice()
    practice_name = practice.name if practice is not None else "Group"
    names = {c.npi: c.full_name for c in ws.clinicians()}
    choices: list[EntityChoice] = []
    seen: set[EntityKey] = set()

    def add(key: EntityKey) -> None:
        if key in seen:
            return
        seen.add(key)
        name = practice_name if key.npi is None else names.get(key.npi, "Clinician")
        choices.append(EntityChoice(key, name))

    if practice is not None:
        add(EntityKey(year, practice.tin, None))
        for npi in names:
            add(EntityKey(year, practice.tin, npi))
    for stored in ws.reporting_entities(year):
        add(EntityKey(year, stored.tin, stored.npi))
    return choices
