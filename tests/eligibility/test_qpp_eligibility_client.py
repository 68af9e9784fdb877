"""The real QPP Eligibility API client over HTTP against a local fake server."""

from __future__ import annotations

import json

import pytest
from fake_qpp import ACCEPT_V6, FakeQpp, Scripted, free_port_closed, make_npi, provider, scenario

from desktop_app.eligibility.lookup import outcome
from desktop_app.eligibility.model import Status
from desktop_app.qpp_api._http import (
    QppNetworkError,
    QppRequestError,
    QppResponseError,
    QppServerError,
    QppTimeoutError,
    RetryPolicy,
    retry_after_seconds,
)
from desktop_app.qpp_api.eligibility import EligibilityClient

NPI = make_npi("123456789")


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def client(fake: FakeQpp, sleeps: Sleeps, **policy: float) -> EligibilityClient:
    settings = {"max_attempts": 4, "base_delay": 1.0, "max_delay": 30.0, "timeout": 2.0, **policy}
    return EligibilityClient(fake.base_url, policy=RetryPolicy(**settings), sleep=sleeps)  # type: ignore[arg-type]


def test_lookup_sends_v6_accept_and_year_and_maps_the_answer(fake_qpp: FakeQpp) -> None:
    fake_qpp.providers[(NPI, 2025)] = provider(NPI)
    response, raw = client(fake_qpp, Sleeps()).fetch(NPI, 2025)
    assert fake_qpp.requests == [{"npi": NPI, "year": "2025", "accept": ACCEPT_V6}]
    assert response.data.display_name == "Ada Quinn"
    assert json.loads(raw)["data"]["npi"] == NPI
    import datetime as dt

    found = outcome(response, 2025, dt.datetime(2026, 1, 5, tzinfo=dt.UTC), tin="123456789")
    assert found.individual is not None and found.group is not None
    assert found.individual.status is Status.OPT_IN_ELIGIBLE
    assert found.individual.source == "qpp"
    assert any("200 or fewer Part B beneficiaries" in r for r in found.individual.reasons)
    assert "small_practice" in found.group.special_statuses
    assert "Matched the practice by its TIN" in found.note


def test_tin_digits_that_differ_do_not_match(fake_qpp: FakeQpp) -> None:
    fake_qpp.providers[(NPI, 2025)] = provider(NPI, tin_masked="XXXXX1111", org_name="Other Clinic")
    response, _ = client(fake_qpp, Sleeps()).fetch(NPI, 2025)
    import datetime as dt

    found = outcome(response, 2025, dt.datetime.now(dt.UTC), tin="123456789", practice_name="Maple")
    assert found.individual is None
    assert "none could be matched" in found.note


def test_eligible_and_exempt_scenarios(fake_qpp: FakeQpp) -> None:
    fake_qpp.providers[(NPI, 2024)] = provider(
        NPI,
        individual=scenario(eligible=True, low_volume=False),
        group=scenario(eligible=False, opt_in_eligible=False, reason="ALL", group=True),
    )
    response, _ = client(fake_qpp, Sleeps()).fetch(NPI, 2024)
    import datetime as dt

    found = outcome(response, 2024, dt.datetime.now(dt.UTC), tin="123456789")
    assert found.individual is not None and found.individual.status is Status.ELIGIBLE
    assert found.group is not None and found.group.status is Status.EXEMPT
    assert any("$90,000 or less" in r and "200 or fewer covered" in r for r in found.group.reasons)


def test_400_invalid_npi(fake_qpp: FakeQpp) -> None:
    with pytest.raises(QppRequestError) as err:
        client(fake_qpp, Sleeps()).fetch("12345", 2025)
    assert err.value.status_code == 400
    assert err.value.kind == "InvalidFormatNpi"
    assert "not a valid NPI" in str(err.value) and "Please supply a valid NPI" in str(err.value)


def test_404_no_provider_information(fake_qpp: FakeQpp) -> None:
    with pytest.raises(QppRequestError) as err:
        client(fake_qpp, Sleeps()).fetch(NPI, 2026)
    assert err.value.status_code == 404
    assert f"QPP has no information for NPI {NPI} in 2026" in str(err.value)
    assert err.value.kind == "NoProviderInformation"


def test_500_then_200_retries_with_backoff(fake_qpp: FakeQpp) -> None:
    fake_qpp.providers[(NPI, 2025)] = provider(NPI)
    fake_qpp.script[NPI] = [Scripted(500, {"error": {"type": "Oops"}}), Scripted(503, b"")]
    sleeps = Sleeps()
    response, _ = client(fake_qpp, sleeps).fetch(NPI, 2025)
    assert response.data.npi == NPI
    assert sleeps.calls == [1.0, 2.0]
    assert len(fake_qpp.requests) == 3


def test_429_honours_retry_after_capped(fake_qpp: FakeQpp) -> None:
    fake_qpp.providers[(NPI, 2025)] = provider(NPI)
    fake_qpp.script[NPI] = [
        Scripted(429, b"", {"Retry-After": "7"}),
        Scripted(429, b"", {"Retry-After": "3600"}),
    ]
    sleeps = Sleeps()
    client(fake_qpp, sleeps, max_delay=20.0).fetch(NPI, 2025)
    assert sleeps.calls == [7.0, 20.0]


def test_retries_are_bounded_and_the_message_says_so(fake_qpp: FakeQpp) -> None:
    fake_qpp.script[NPI] = [Scripted(502, b"bad gateway")] * 10
    sleeps = Sleeps()
    with pytest.raises(QppServerError) as err:
        client(fake_qpp, sleeps, max_attempts=3).fetch(NPI, 2025)
    assert len(fake_qpp.requests) == 3
    assert sleeps.calls == [1.0, 2.0]
    assert "HTTP 502" in str(err.value) and "try again later" in str(err.value)


def test_429_every_time(fake_qpp: FakeQpp) -> None:
    fake_qpp.script[NPI] = [Scripted(429, b"", {"Retry-After": "1"})] * 5
    with pytest.raises(QppServerError) as err:
        client(fake_qpp, Sleeps(), max_attempts=2).fetch(NPI, 2025)
    assert err.value.status_code == 429
    assert "too many requests" in str(err.value)


def test_malformed_json(fake_qpp: FakeQpp) -> None:
    fake_qpp.script[NPI] = [Scripted(200, b"<html>Maintenance</html>")]
    with pytest.raises(QppResponseError) as err:
        client(fake_qpp, Sleeps()).fetch(NPI, 2025)
    assert "not valid JSON" in str(err.value)


@pytest.mark.parametrize(
    "body",
    [
        {"result": []},
        {"data": {"firstName": "Ada"}},
        {"data": {"npi": NPI, "organizations": "none"}},
        {
            "data": {
                "npi": NPI,
                "organizations": [{"individualScenario": {"isOptInEligible": "maybe"}}],
            }
        },
    ],
)
def test_unexpected_shape(fake_qpp: FakeQpp, body: dict) -> None:
    fake_qpp.script[NPI] = [Scripted(200, body)]
    with pytest.raises(QppResponseError) as err:
        client(fake_qpp, Sleeps()).fetch(NPI, 2025)
    assert "expected shape" in str(err.value)


def test_slow_answer_times_out_then_succeeds(fake_qpp: FakeQpp) -> None:
    fake_qpp.providers[(NPI, 2025)] = provider(NPI)
    fake_qpp.script[NPI] = [Scripted(200, provider(NPI), delay=4.0)]
    sleeps = Sleeps()
    # a generous timeout: the retry's prompt answer must arrive in time on a busy machine
    response, _ = client(fake_qpp, sleeps, timeout=1.5).fetch(NPI, 2025)
    assert response.data.npi == NPI
    assert sleeps.calls == [1.0]


def test_slow_every_time_gives_a_timeout_message(fake_qpp: FakeQpp) -> None:
    fake_qpp.script[NPI] = [Scripted(200, provider(NPI), delay=1.5)] * 2
    with pytest.raises(QppTimeoutError) as err:
        client(fake_qpp, Sleeps(), timeout=0.3, max_attempts=2).fetch(NPI, 2025)
    assert "did not answer within 0.3 seconds" in str(err.value)


def test_no_network() -> None:
    port = free_port_closed()
    sleeps = Sleeps()
    c = EligibilityClient(
        f"http://127.0.0.1:{port}", policy=RetryPolicy(max_attempts=2, timeout=1), sleep=sleeps
    )
    with pytest.raises(QppNetworkError) as err:
        c.fetch(NPI, 2025)
    assert "Could not reach" in str(err.value) and "internet connection" in str(err.value)
    assert sleeps.calls == [1.0]


def test_npi_with_letters_is_refused_before_sending() -> None:
    with pytest.raises(QppRequestError) as err:
        EligibilityClient("http://127.0.0.1:9").fetch("12/../x", 2025)
    assert "digits only" in str(err.value)


def test_retry_after_http_date() -> None:
    import datetime as dt

    now = dt.datetime(2026, 1, 1, 12, 0, 0, tzinfo=dt.UTC)
    assert retry_after_seconds("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("soon", now) is None
