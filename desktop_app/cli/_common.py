"""Helpers shared by the command modules."""

from __future__ import annotations

import json
import sys
from typing import Any


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON on stdout (the ``--json`` output of every command)."""
    json.dump(data, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")
