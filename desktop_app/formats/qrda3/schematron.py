"""The CMS QRDA Category III schematron, run with lxml.

The rules are CMS's ``EP_CAT_III.sch`` (ISO Schematron, XSLT 1 binding) with its
``voc.xml``, one folder per performance year: ``RULES_DIR/YEAR/EP_CAT_III.sch``.
They are compiled once per process (ISO include -> abstract expansion -> SVRL
XSLT, parsed with the ``.sch`` location as base URL so ``document('voc.xml')``
resolves) and run in the ``errors`` phase: every ``svrl:failed-assert`` is an error.

Where the rules are looked for, first match wins:

1. the environment variable ``MIPSDESK_SCHEMATRON_DIR``;
2. the ``schematron_dir`` setting in settings.json (when the Settings model has it);
3. ``qrda3-schematron`` in the user data folder;
4. ``../shared/qrda3-schematron`` beside a source checkout (developers).

The product does not ship the rules; without them validation runs the structural
checks only and says so.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from lxml import etree, isoschematron  # type: ignore[attr-defined]

from desktop_app import paths

ENV_SCHEMATRON_DIR = "MIPSDESK_SCHEMATRON_DIR"
SCH_FILE = "EP_CAT_III.sch"
SVRL = "http://purl.oclc.org/dsdl/svrl"


class SchematronUnavailable(Exception):
    """The CMS rules for a year can't be found or compiled; ``str()`` says why."""


@dataclass(frozen=True)
class SchematronFailure:
    """One failed CMS assertion."""

    id: str
    message: str
    location: str
    """A readable XPath of the failing element (``/ClinicalDocument/component/...``)."""
    line: int | None


def _configured_dir() -> tuple[Path | None, str | None]:
    value = os.environ.get(ENV_SCHEMATRON_DIR)
    if value and value.strip():
        return Path(value.strip()).expanduser(), f"The environment variable {ENV_SCHEMATRON_DIR}"
    try:
        from desktop_app.settings import load_settings

        setting = load_settings().schematron_dir
    except Exception:  # a broken settings file is reported where settings are loaded
        setting = None
    if isinstance(setting, str) and setting.strip():
        return Path(setting.strip()).expanduser(), "The schematron_dir setting in settings.json"
    return None, None


def rules_dir() -> Path | None:
    """The folder holding ``YEAR/EP_CAT_III.sch``, or None when there is none.

    Raises :class:`SchematronUnavailable` if the environment variable or the setting
    names a folder that does not exist.
    """
    configured, where = _configured_dir()
    if configured is not None:
        if not configured.is_dir():
            raise SchematronUnavailable(
                f"{where} names {configured}, which is not an existing folder. Point it to a "
                "folder with one sub-folder per year holding CMS's EP_CAT_III.sch and voc.xml."
            )
        return configured
    user = paths.data_dir() / "qrda3-schematron"
    if user.is_dir():
        return user
    shared = paths.developer_shared_dir()
    if shared is not None and (shared / "qrda3-schematron").is_dir():
        return shared / "qrda3-schematron"
    return None


def rules_file(year: int) -> Path:
    """The ``EP_CAT_III.sch`` of ``year``; raises :class:`SchematronUnavailable`."""
    folder = rules_dir()
    if folder is None:
        raise SchematronUnavailable(
            "The CMS QRDA III rules (schematron) are not available on this computer: put "
            f"CMS's EP_CAT_III.sch and voc.xml in {paths.data_dir() / 'qrda3-schematron'}"
            f"/YEAR/ or set {ENV_SCHEMATRON_DIR}. Only MIPS Desk's structural checks ran."
        )
    path = folder / str(year) / SCH_FILE
    if not path.is_file():
        have = sorted(p.name for p in folder.iterdir() if (p / SCH_FILE).is_file())
        raise SchematronUnavailable(
            f"There are no CMS QRDA III rules for performance year {year} in {folder} "
            f"(rules found for: {', '.join(have) or 'no year'}). Only MIPS Desk's structural "
            "checks ran."
        )
    return path


_lock = threading.Lock()
_compiled: dict[tuple[str, float], etree.XSLT] = {}


def _compile(path: Path) -> etree.XSLT:
    key = (str(path.resolve()), path.stat().st_mtime)
    with _lock:
        cached = _compiled.get(key)
        if cached is not None:
            return cached
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        try:
            sch = etree.parse(str(path), parser)
            included = isoschematron.iso_dsdl_include(sch)
            expanded = isoschematron.iso_abstract_expand(included)
            svrl_xslt = isoschematron.iso_svrl_for_xslt1(
                expanded, phase=etree.XSLT.strparam("errors")
            )
            # Re-parse with the .sch location as base URL so document('voc.xml') resolves.
            xslt_doc = etree.fromstring(etree.tostring(svrl_xslt), parser, base_url=str(path))
            access = etree.XSLTAccessControl(  # type: ignore[call-arg]
                read_file=True,
                write_file=False,
                create_dir=False,
                read_network=False,
                write_network=False,
            )
            transform = etree.XSLT(xslt_doc, access_control=access)
        except (OSError, etree.LxmlError) as exc:
            raise SchematronUnavailable(
                f"The CMS rules in {path} can't be compiled: {exc}"
            ) from exc
        _compiled[key] = transform
        return transform


_STEP = re.compile(
    r"\*:?\[local-name\(\)\s*=\s*'([^']+)'(?:\s+and\s+namespace-uri\(\)\s*=\s*'[^']*')?\]"
)


def readable_location(location: str) -> str:
    """``/*[local-name()='ClinicalDocument' and namespace-uri()='urn:hl7-org:v3']/...[2]``
    -> ``/ClinicalDocument/...[2]``."""
    return _STEP.sub(lambda m: m.group(1), location)


def run(tree: etree._ElementTree, year: int) -> list[SchematronFailure]:
    """Run the CMS rules of ``year`` (errors phase) on ``tree``; [] means it conforms.

    Raises :class:`SchematronUnavailable` when the rules for ``year`` aren't there.
    """
    transform = _compile(rules_file(year))
    report = transform(tree)
    failures: list[SchematronFailure] = []
    for fa in report.getroot().iter(f"{{{SVRL}}}failed-assert"):
        location = fa.get("location") or ""
        line: int | None = None
        try:
            hits = tree.xpath(location) if location else []
        except etree.XPathError:
            hits = []
        if isinstance(hits, list) and hits and isinstance(hits[0], etree._Element):
            source_line: Any = cast(Any, hits[0]).sourceline
            line = source_line if isinstance(source_line, int) else None
        text = fa.findtext(f"{{{SVRL}}}text") or ""
        failures.append(
            SchematronFailure(
                id=(fa.get("id") or "").removeprefix("a-").removesuffix("-error"),
                message=" ".join(text.split()),
                location=readable_location(location),
                line=line,
            )
        )
    return failures
