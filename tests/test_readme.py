"""The README tells a fresh machine what CI does: same system packages, same test command."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _ci_qt_packages() -> set[str]:
    text = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    block = text.split("apt-get install", 1)[1].split(">/dev/null", 1)[0]
    words = re.findall(r"[a-z0-9][a-z0-9.+-]+", block.replace("\\\n", " "))
    return {w for w in words if w.startswith(("lib", "fonts-"))}


def test_readme_lists_every_system_library_ci_installs_for_qt() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(x for x in readme.splitlines() if "sudo apt-get install" in x)
    listed = set(line.split("apt-get install", 1)[1].strip(" `.").split())
    missing = _ci_qt_packages() - listed
    assert not missing, f"README's apt-get line lacks what .ci/run installs: {sorted(missing)}"
    assert "libxcb-cursor0" in listed  # without it Qt >= 6.5 can't open an X11 window


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    marker = readme.index("<!-- ci:test-command")
    command = readme[marker:].split("```sh", 1)[1].strip().splitlines()[0]
    assert "pip install" in command and "pytest" in command
    assert "ci:test-command" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
