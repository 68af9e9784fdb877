"""HTTP plumbing shared by the QPP API clients: errors, timeouts, retries with backoff.

:func:`send_with_retries` sends one request and retries, a bounded number of
times, on timeouts, dropped connections, 5xx answers and 429 (honouring
``Retry-After``, capped). Waiting goes through an injectable ``sleep`` so tests
run instantly. Every failure ends as a :class:`QppApiError` whose message a
practice manager can act on.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import httpx

RETRY_STATUSES: Final = frozenset({429, 500, 502, 503, 504})

Sleep = Callable[[float], None]
RetryNotice = Callable[[int, float, str], None]
"""``(attempt just failed, seconds to wait, why)``: lets a caller show progress."""


class QppApiError(Exception):
    """A QPP API call failed; ``str(exc)`` says what happened and what to do."""

    def __init__(self, message: str, *, status_code: int | None = None, kind: str = "") -> None:
        super().__init__(message)
        self.status_code = status_code
        self.kind = kind


class QppNetworkError(QppApiError):
    """No connection to QPP (offline, DNS, refused, dropped)."""


class QppTimeoutError(QppApiError):
    """QPP did not answer in time."""


class QppServerError(QppApiError):
    """QPP answered 5xx (or 429) on every attempt."""


class QppResponseError(QppApiError):
    """QPP answered, but not in the documented shape (malformed JSON, missing fields)."""


class QppRequestError(QppApiError):
    """QPP refused the request (4xx): the message comes from QPP's error type."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry.

    Attempt n (1-based) that fails is followed by a wait of
    ``min(base_delay * 2 ** (n - 1), max_delay)`` seconds, or by the server's
    Retry-After, also capped at ``max_delay``.
    """

    max_attempts: int = 3
    base_delay: float = 1.0
    max_delay: float = 30.0
    timeout: float = 15.0
    """Seconds for connecting and for each read."""

    def backoff(self, attempt: int) -> float:
        return float(min(self.base_delay * 2 ** (attempt - 1), self.max_delay))


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP date); None if unusable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())


def _host(request: httpx.Request) -> str:
    return f"{request.url.scheme}://{request.url.host}" + (
        f":{request.url.port}" if request.url.port else ""
    )


def send_with_retries(
    client: httpx.Client,
    request: httpx.Request,
    *,
    policy: RetryPolicy,
    sleep: Sleep = time.sleep,
    on_retry: RetryNotice | None = None,
) -> httpx.Response:
    """Send ``request``; retry per ``policy``. Returns the last response (any status).

    Raises QppTimeoutError / QppNetworkError when no answer came on any attempt.
    A 5xx or 429 on the last attempt is returned for the caller to report.
    """
    host = _host(request)
    attempts = max(1, policy.max_attempts)
    for attempt in range(1, attempts + 1):
        last = attempt == attempts
        try:
            response = client.send(request)
        except httpx.TimeoutException as exc:
            if last:
                raise QppTimeoutError(
                    f"{host} did not answer within {policy.timeout:g} seconds "
                    f"({attempts} attempts). QPP may be busy; try again later.",
                    kind="timeout",
                ) from exc
            why = "no answer in time"
        except httpx.TransportError as exc:
            if last:
                raise QppNetworkError(
                    f"Could not reach {host}: {_transport_reason(exc)}. Check the internet "
                    "connection (and any proxy), then try again. Results looked up "
                    "earlier stay available offline.",
                    kind="network",
                ) from exc
            why = "no connection"
        else:
            if response.status_code not in RETRY_STATUSES or last:
                return response
            why = f"HTTP {response.status_code}"
            header = retry_after_seconds(response.headers.get("Retry-After"))
            if header is not None:
                wait = min(header, policy.max_delay)
                response.close()
                if on_retry:
                    on_retry(attempt, wait, why)
                sleep(wait)
                continue
            response.close()
        wait = policy.backoff(attempt)
        if on_retry:
            on_retry(attempt, wait, why)
        sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


def _transport_reason(exc: httpx.TransportError) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        lowered = text.lower()
        if (
            "name or service not known" in lowered
            or "nodename" in lowered
            or "getaddrinfo" in (lowered)
        ):
            return "the name could not be resolved (no internet connection?)"
        if "refused" in lowered:
            return "the connection was refused"
    return text
