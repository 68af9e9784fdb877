"""Client of the QPP Eligibility (Participation Status) API.

``GET {base}/api/eligibility/npi/{npi}?year=YYYY`` with
``Accept: application/vnd.qpp.cms.gov.v6+json``; no token. The answer is
``{"data": {npi, firstName, lastName, firstApprovedDate, newlyEnrolled, qpStatus,
organizations: [{TIN (masked), prvdrOrgName, individualScenario, groupScenario,
apms}]}}``; errors are ``{"error": {"type", "message"}}`` with 400
(InvalidFormatNpi) and 404 (NoProviderInformation).

:class:`EligibilityResponse` validates the shape (unknown fields are kept in the
raw JSON but ignored here); :func:`parse_response` turns text into it and raises
QppResponseError when the shape is wrong.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any, Final

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from desktop_app import __version__
from desktop_app.qpp_api._http import (
    QppApiError,
    QppRequestError,
    QppResponseError,
    QppServerError,
    RetryNotice,
    RetryPolicy,
    Sleep,
    send_with_retries,
)
from desktop_app.settings import Settings

DEFAULT_BASE_URL: Final = "https://qpp.cms.gov"
ENV_BASE_URL: Final = "MIPSDESK_QPP_BASE_URL"
ACCEPT_V6: Final = "application/vnd.qpp.cms.gov.v6+json"


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class LowVolumeReason(_Lenient):
    lowVolStusRsnCd: str = ""
    lowVolStusRsnDesc: str = ""


class IsEligible(_Lenient):
    individual: bool | None = None
    group: bool | str | None = None
    mipsApm: bool | None = None
    virtualGroup: bool | None = None


class Specialty(_Lenient):
    specialtyDescription: str | None = None
    categoryReference: str | None = None
    typeDescription: str | None = None


class Scenario(_Lenient):
    """``individualScenario`` (TIN/NPI) or ``groupScenario`` (TIN) of one organization."""

    isEligible: IsEligible = Field(default_factory=IsEligible)
    isOptInEligible: bool | None = None
    isOptedIn: bool | None = None
    optInDecisionDate: str | None = None
    lowVolumeSwitch: bool | None = None
    lowVolumeStatusReasons: list[LowVolumeReason] = Field(default_factory=list)
    lowVolumeServices: int | None = None
    mipsEligibleSwitch: bool | None = None
    smallGroupPractitioner: bool | None = None
    ruralClinician: bool | None = None
    hpsaClinician: bool | None = None
    nonPatientFacing: bool | None = None
    hospitalBasedClinician: bool | None = None
    ambulatorySurgicalCenter: bool | None = None
    isFacilityBased: bool | None = None
    aciHardship: bool | None = None
    aciReweighting: bool | None = None
    extremeHardship: bool | None = None
    specialty: Specialty | None = None


class Organization(_Lenient):
    TIN: str = ""
    prvdrOrgName: str | None = None
    addressLineOne: str | None = None
    city: str | None = None
    state: str | None = None
    individualScenario: Scenario | None = None
    groupScenario: Scenario | None = None
    apms: list[dict[str, Any]] = Field(default_factory=list)


class ProviderData(_Lenient):
    npi: str
    firstName: str | None = None
    middleName: str | None = None
    lastName: str | None = None
    firstApprovedDate: str | None = None
    newlyEnrolled: bool | None = None
    qpStatus: str | None = None
    organizations: list[Organization] = Field(default_factory=list)

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.firstName, self.lastName) if p) or f"NPI {self.npi}"


class EligibilityResponse(_Lenient):
    data: ProviderData


def parse_response(text: str | bytes) -> EligibilityResponse:
    """Validate an answer's body; QppResponseError says what is wrong with it."""
    try:
        raw = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise QppResponseError(
            "QPP's answer is not valid JSON (it may be an error page from a proxy or a "
            f"maintenance notice): {exc}. Try again later.",
            kind="malformed",
        ) from exc
    try:
        return EligibilityResponse.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise QppResponseError(
            "QPP's answer does not have the expected shape of the Eligibility API "
            f"(v6): {where}: {first['msg']}. MIPS Desk may need an update for a newer "
            "API version.",
            kind="unexpected",
        ) from exc


def default_base_url(settings: Settings | None = None) -> str:
    """The QPP address: the ``qpp_base_url`` setting, MIPSDESK_QPP_BASE_URL, or qpp.cms.gov."""
    configured = settings.qpp_base_url if settings is not None else None
    if isinstance(configured, str) and configured.strip():
        return configured.strip().rstrip("/")
    env = os.environ.get(ENV_BASE_URL, "").strip()
    return (env or DEFAULT_BASE_URL).rstrip("/")


class EligibilityClient:
    """Looks clinicians up on QPP by NPI and year (synchronous; run it off the GUI thread)."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        policy: RetryPolicy | None = None,
        sleep: Sleep | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.policy = policy or RetryPolicy()
        self._sleep: Sleep = sleep if sleep is not None else time.sleep
        self._transport = transport

    def fetch(
        self, npi: str, year: int, *, on_retry: RetryNotice | None = None
    ) -> tuple[EligibilityResponse, str]:
        """Look ``npi`` up for ``year``: the validated answer and its raw JSON text."""
        npi = npi.strip()
        if not npi.isdigit():
            raise QppRequestError(
                f"NPI '{npi}' must contain digits only (10 digits).", kind="InvalidFormatNpi"
            )
        url = f"{self.base_url}/api/eligibility/npi/{npi}"
        headers = {"Accept": ACCEPT_V6, "User-Agent": f"MIPS-Desk/{__version__}"}
        timeout = httpx.Timeout(self.policy.timeout)
        with httpx.Client(
            timeout=timeout, transport=self._transport, follow_redirects=False
        ) as client:
            request = client.build_request("GET", url, params={"year": str(year)}, headers=headers)
            response = send_with_retries(
                client, request, policy=self.policy, sleep=self._sleep, on_retry=on_retry
            )
            body = response.read()
        status = response.status_code
        if status == 200:
            text = body.decode("utf-8", errors="replace")
            return parse_response(text), text
        raise _error_for(status, body, npi, year, self.base_url)


def _qpp_error(body: bytes) -> tuple[str, str]:
    try:
        err = json.loads(body).get("error", {})
        return str(err.get("type") or ""), str(err.get("message") or "")
    except (ValueError, AttributeError, UnicodeDecodeError):
        return "", ""


def _error_for(status: int, body: bytes, npi: str, year: int, base: str) -> QppApiError:
    kind, message = _qpp_error(body)
    said = f" (QPP says: {message})" if message else ""
    if status == 400:
        return QppRequestError(
            f"QPP did not accept NPI {npi}: it is not a valid NPI{said}. Check the 10 digits "
            "on the clinician's NPPES record.",
            status_code=400,
            kind=kind or "InvalidFormatNpi",
        )
    if status == 404:
        return QppRequestError(
            f"QPP has no information for NPI {npi} in {year}{said}. Check the NPI, and "
            f"whether the clinician billed Medicare Part B during the {year} determination "
            "period; you can still enter the low-volume figures by hand.",
            status_code=404,
            kind=kind or "NoProviderInformation",
        )
    if status == 429:
        return QppServerError(
            "QPP is limiting how often it can be asked (HTTP 429, too many requests) and "
            "kept refusing after several waits. Try again in a few minutes.",
            status_code=429,
            kind=kind or "RateLimited",
        )
    if status >= 500:
        return QppServerError(
            f"QPP's server had a problem (HTTP {status}) on every attempt. The QPP website "
            "may be down for maintenance; try again later.",
            status_code=status,
            kind=kind or "ServerError",
        )
    return QppRequestError(
        f"QPP refused the lookup of NPI {npi} for {year} (HTTP {status}){said}. "
        f"Check the QPP address in the settings ({base}).",
        status_code=status,
        kind=kind or f"HTTP{status}",
    )
