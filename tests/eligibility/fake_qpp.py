"""A fake QPP Eligibility API: a Starlette app under uvicorn on 127.0.0.1 (random port).

It answers as CMS documents the v6 API: ``{"data": {...}}`` on 200,
``{"error": {"type", "message"}}`` on 400 (InvalidFormatNpi) and 404
(NoProviderInformation). Tests script extra answers per NPI (status, body,
headers, delay) to get 5xx, 429 with Retry-After, malformed and slow answers.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

ACCEPT_V6 = "application/vnd.qpp.cms.gov.v6+json"


def scenario(
    *,
    eligible: bool = False,
    opt_in_eligible: bool = False,
    low_volume: bool = True,
    reason: str = "",
    small: bool = True,
    rural: bool = False,
    group: bool = False,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "aciHardship": False,
        "aciReweighting": small,
        "ambulatorySurgicalCenter": False,
        "extremeHardship": False,
        "hospitalBasedClinician": False,
        "hpsaClinician": False,
        "isEligible": {"group": eligible}
        if group
        else {"individual": eligible, "group": eligible, "mipsApm": False, "virtualGroup": False},
        "isFacilityBased": False,
        "isOptedIn": None,
        "isOptInEligible": opt_in_eligible,
        "lowVolumeServices": 310,
        "lowVolumeStatusReasons": (
            [{"lowVolStusRsnCd": reason, "lowVolStusRsnDesc": "reason " + reason}] if reason else []
        ),
        "lowVolumeSwitch": low_volume,
        "mipsEligibleSwitch": True,
        "nonPatientFacing": False,
        "optInDecisionDate": None,
        "ruralClinician": rural,
        "smallGroupPractitioner": small,
    }
    if not group:
        data["specialty"] = {
            "specialtyDescription": "Family Practice",
            "categoryReference": "Physicians",
            "typeDescription": "Doctor of Medicine",
        }
    return data


def provider(
    npi: str,
    *,
    tin_masked: str = "XXXXX6789",
    org_name: str = "Maple Family Medicine",
    individual: dict[str, Any] | None = None,
    group: dict[str, Any] | None = None,
    qp_status: str = "N",
    newly_enrolled: bool = False,
) -> dict[str, Any]:
    return {
        "data": {
            "firstName": "Ada",
            "lastName": "Quinn",
            "npi": npi,
            "nationalProviderIdentifierType": 1,
            "firstApprovedDate": "2012-05-01",
            "newlyEnrolled": newly_enrolled,
            "qpStatus": qp_status,
            "isMaqi": False,
            "amsMipsEligibleClinician": True,
            "organizations": [
                {
                    "TIN": tin_masked,
                    "prvdrOrgName": org_name,
                    "addressLineOne": "12 ELM ST",
                    "city": "SPRINGFIELD",
                    "state": "IL",
                    "zip": "627010000",
                    "individualScenario": individual
                    or scenario(opt_in_eligible=True, reason="BENE"),
                    "groupScenario": group
                    or scenario(opt_in_eligible=True, reason="BENE", group=True),
                    "apms": [],
                    "virtualGroups": [],
                }
            ],
        }
    }


@dataclass
class Scripted:
    status: int = 200
    body: bytes | str | dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class FakeQpp:
    """State of the fake server: known providers, scripted answers, requests seen."""

    def __init__(self) -> None:
        self.providers: dict[tuple[str, int], dict[str, Any]] = {}
        self.script: dict[str, list[Scripted]] = {}
        self.requests: list[dict[str, Any]] = []
        self.base_url = ""

    def app(self) -> Starlette:
        async def lookup(request: Request) -> Response:
            npi = request.path_params["npi"]
            year = request.query_params.get("year", "")
            self.requests.append(
                {"npi": npi, "year": year, "accept": request.headers.get("accept", "")}
            )
            queue = self.script.get(npi)
            if queue:
                answer = queue.pop(0)
                if answer.delay:
                    await asyncio.sleep(answer.delay)
                body = answer.body
                if isinstance(body, dict):
                    return JSONResponse(body, answer.status, headers=answer.headers)
                return Response(
                    body or b"",
                    answer.status,
                    headers=answer.headers,
                    media_type="application/json",
                )
            if not (npi.isdigit() and len(npi) == 10):
                return JSONResponse(
                    {"error": {"type": "InvalidFormatNpi", "message": "Please supply a valid NPI"}},
                    400,
                )
            found = self.providers.get((npi, int(year) if year.isdigit() else 0))
            if found is None:
                return JSONResponse(
                    {
                        "error": {
                            "type": "NoProviderInformation",
                            "message": "No individual clinician information exists for this NPI",
                        }
                    },
                    404,
                )
            return Response(json.dumps(found), 200, media_type=ACCEPT_V6)

        return Starlette(routes=[Route("/api/eligibility/npi/{npi}", lookup)])


class ServerThread:
    def __init__(self, fake: FakeQpp) -> None:
        self.fake = fake
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        port = self.sock.getsockname()[1]
        config = uvicorn.Config(
            fake.app(),
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )
        fake.base_url = f"http://127.0.0.1:{port}"

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake QPP server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


def free_port_closed() -> int:
    """A port nothing listens on (for the no-connection test)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_npi(first_nine: str) -> str:
    """A valid NPI (Luhn check digit with prefix 80840) starting with ``first_nine``."""
    from desktop_app.models.identifiers import npi_check_digit

    return first_nine + str(npi_check_digit(first_nine))
