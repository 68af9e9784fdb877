from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from election_data import (
    ELIGIBLE_FIGURES,
    NPI_ELIG,
    NPI_OPT,
    NPI_OPT2,
    OPT_IN_FIGURES,
    TIN,
)

from desktop_app.eligibility import store as el
from desktop_app.models.practice import Clinician, Practice
from desktop_app.store import Workspace


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    w = Workspace.open(tmp_path / "maple.mipsdesk", user="jane")
    w.save_practice(Practice(tin=TIN, name="Maple Family Medicine"))
    w.add_clinicians(
        [
            Clinician(
                npi=NPI_OPT,
                first_name="Ada",
                last_name="Quinn",
                clinician_type="MD",
                medicare_enrollment_date=dt.date(2015, 1, 1),
            ),
            Clinician(npi=NPI_OPT2, first_name="Cy", last_name="Stone", clinician_type="PA"),
            Clinician(npi=NPI_ELIG, first_name="Bo", last_name="Reyes", clinician_type="DO"),
        ]
    )
    for seg in (1, 2):
        el.save_figures(w, 2025, TIN, NPI_OPT, seg, OPT_IN_FIGURES)
        el.save_figures(w, 2025, TIN, NPI_OPT2, seg, OPT_IN_FIGURES)
        el.save_figures(w, 2025, TIN, NPI_ELIG, seg, ELIGIBLE_FIGURES)
        el.save_figures(w, 2025, TIN, None, seg, OPT_IN_FIGURES)
    yield w
    w.close()
