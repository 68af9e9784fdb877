"""PI numerators and denominators as typed: thousands commas only where they belong."""

from __future__ import annotations

import pytest

from desktop_app.attestation import AttestationError
from desktop_app.attestation.pi import parse_count


@pytest.mark.parametrize("typed,value", [("1204", 1204), ("1,204", 1204), ("0", 0), ("", None)])
def test_plain_and_grouped_counts_are_read(typed: str, value: int | None) -> None:
    assert parse_count(typed, "numerator") == value


@pytest.mark.parametrize("typed", ["1,0", "12,04", ",100", "100,", "²", "1.5", "-3", "1e3"])
def test_misplaced_commas_and_other_characters_are_refused_with_what_to_type(
    typed: str,
) -> None:
    with pytest.raises(AttestationError, match="like 1204 or 1,204"):
        parse_count(typed, "numerator")
