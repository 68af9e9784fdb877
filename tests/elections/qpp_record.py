"""Store a QPP Eligibility lookup that records (or doesn't) an opt-in decision."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "eligibility"))
from fake_qpp import provider, scenario

from desktop_app.eligibility import store as el
from desktop_app.store import Workspace

LOOKED_UP = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def recorded(
    is_opted_in: bool | None, decision_date: str | None, *, group: bool = False, **kw: bool
) -> dict:  # type: ignore[type-arg]
    data = scenario(opt_in_eligible=True, reason="BENE", group=group, **kw)
    data["isOptedIn"] = is_opted_in
    data["optInDecisionDate"] = decision_date
    return data


def save_qpp_lookup(
    ws: Workspace,
    npi: str,
    is_opted_in: bool | None,
    decision_date: str | None,
    *,
    group_opted_in: bool | None = None,
    group_date: str | None = None,
    year: int = 2025,
    eligible: bool = False,
) -> None:
    answer = provider(
        npi,
        individual=recorded(is_opted_in, decision_date, eligible=eligible),
        group=recorded(group_opted_in, group_date, group=True),
    )
    el.save_lookup(ws, npi, year, json.dumps(answer), "http://127.0.0.1:9", LOOKED_UP)
