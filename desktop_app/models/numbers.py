"""Whole numbers as users type them: digits, optionally grouped in thousands."""

from __future__ import annotations

import re
from typing import Final

THOUSANDS_GROUPED: Final = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")
"""'1,204' or '95,000': commas only between groups of three ASCII digits."""
_PLAIN: Final = re.compile(r"[0-9]+")
_SPACE_GROUPED: Final = re.compile(r"[0-9]{1,3}(?: [0-9]{3})+")


def grouped_whole_number(text: str, *, space_groups: bool = False) -> int | None:
    """'1204' or '1,204' (and '1 204' with ``space_groups``) -> 1204; None for anything
    else: a misplaced comma ('1,0'), another kind of digit ('²'), a sign or a decimal
    point is never guessed at. ``text`` is expected stripped."""
    if _PLAIN.fullmatch(text) or THOUSANDS_GROUPED.fullmatch(text):
        return int(text.replace(",", ""))
    if space_groups and _SPACE_GROUPED.fullmatch(text):
        return int(text.replace(" ", ""))
    return None
