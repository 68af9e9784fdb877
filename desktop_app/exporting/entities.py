"""Which reporting entities a practice can export, and how the user names them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop_app.models.identifiers import validate_npi, validate_tin
from desktop_app.reporting import VALUES_TABLE, EntityKey, ensure_tables
from desktop_app.store.errors import WorkspaceError

if TYPE_CHECKING:
    from desktop_app.store import Workspace


class EntityChoiceError(ValueError):
    """An entity written as ``TIN`` or ``TIN/NPI`` that can't be used; the message says why."""


def parse_entity(text: str, year: int) -> EntityKey:
    """``123456789`` (the group) or ``123456789/1234567893`` (a clinician) as an entity."""
    raw = text.strip()
    if not raw:
        raise EntityChoiceError(
            "Name the entity as TIN (the group) or TIN/NPI (one clinician), "
            "for example 123456789 or 123456789/1234567893."
        )
    tin_text, _, npi_text = raw.partition("/")
    try:
        tin = validate_tin(tin_text)
        npi = validate_npi(npi_text) if npi_text.strip() else None
    except ValueError as exc:
        raise EntityChoiceError(str(exc)) from exc
    return EntityKey(year=year, tin=tin, npi=npi)


@dataclass(frozen=True)
class EntityChoice:
    """A reporting entity offered for export, with a label a practice manager reads."""

    key: EntityKey
    label: str
    reporting_option: str
    """``traditional`` or an MVP id (from the workspace's reporting entities)."""
    has_data: bool

    @property
    def text_key(self) -> str:
        return self.key.tin + (f"/{self.key.npi}" if self.key.npi else "")


def _entities_with_data(ws: Workspace, year: int) -> set[tuple[str, str | None]]:
    ensure_tables(ws)
    rows = ws.db.execute(
        f"SELECT DISTINCT tin, npi FROM {VALUES_TABLE} WHERE year = ?",  # noqa: S608
        [year],
    ).fetchall()
    return {(str(r[0]), str(r[1]) or None) for r in rows}


def _clinician_names(ws: Workspace) -> list[tuple[str, str]]:
    """(NPI, name) of the practice's clinicians, by name. A stored clinician this version
    can't read is still listed (by its stored NPI and name), so that the pre-export check
    of that clinician says what is wrong instead of the whole list failing."""
    try:
        return [(c.npi, c.full_name) for c in ws.clinicians()]
    except WorkspaceError:
        rows = ws.db.execute(
            "SELECT npi, first_name, last_name FROM clinicians "
            "ORDER BY last_name COLLATE NOCASE, first_name COLLATE NOCASE, npi"
        ).fetchall()
        return [
            (str(r[0]), " ".join(str(x) for x in (r[1], r[2]) if x) or "Clinician") for r in rows
        ]


def export_choices(ws: Workspace, year: int) -> list[EntityChoice]:
    """The group and each clinician of the practice (plus any entity with stored data),
    group first, clinicians by name. ``has_data`` says whether there is anything to export."""
    practice = ws.practice()
    with_data = _entities_with_data(ws, year)
    options = {(e.tin, e.npi): e.reporting_option for e in ws.reporting_entities(year)}
    clinicians = _clinician_names(ws)
    names = dict(clinicians)
    keys: list[tuple[str, str | None]] = []
    if practice is not None:
        keys.append((practice.tin, None))
        keys.extend((practice.tin, npi) for npi, _name in clinicians)
    for extra in sorted(options, key=lambda k: (k[0], k[1] or "")) + sorted(
        with_data, key=lambda k: (k[0], k[1] or "")
    ):
        if extra not in keys:
            keys.append(extra)
    choices: list[EntityChoice] = []
    for tin, npi in keys:
        try:
            entity = EntityKey(year=year, tin=tin, npi=npi)
        except ValueError:
            continue  # an unusable stored identifier: the pre-export check reports it
        if npi is None:
            label = f"Group (TIN {tin})"
        else:
            label = f"{names.get(npi, 'Clinician')} (TIN/NPI {tin}/{npi})"
        choices.append(
            EntityChoice(
                key=entity,
                label=label,
                reporting_option=options.get((tin, npi), "traditional"),
                has_data=(tin, npi) in with_data,
            )
        )
    return choices
