"""Practice, Clinician and ReportingEntity validation, and the messages users see."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

import pytest
from pydantic import ValidationError

from desktop_app.models.errors import field_errors, friendly_errors
from desktop_app.models.practice import (
    Clinician,
    Practice,
    ReportingEntity,
    SpecialStatus,
    normalize_clinician_type,
)
from desktop_app.models.years import check_known_year, known_performance_years


def _errors(model: type, **data: object) -> list[str]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)  # type: ignore[attr-defined]
    return friendly_errors(info.value)


def test_practice_normalizes_what_users_type() -> None:
    p = Practice(
        tin="12-3456789",
        name="  Smith   Family Practice ",
        state="ny",
        zip="10001 1234",
        special_statuses="Small practice, rural, small_practice",
    )
    assert p.tin == "123456789"
    assert p.name == "Smith Family Practice"
    assert p.state == "NY"
    assert p.zip == "10001-1234"
    assert p.special_statuses == [SpecialStatus.SMALL_PRACTICE, SpecialStatus.RURAL]


def test_practice_address_fields_are_optional_and_none_means_empty() -> None:
    p = Practice(tin="123456789", name="A", city=None, zip=None)  # type: ignore[arg-type]
    assert (p.city, p.zip, p.state, p.size) == ("", "", "", None)


def test_practice_errors_read_as_plain_sentences() -> None:
    lines = _errors(Practice, tin="12", name=" ", state="XX", zip="1234", size=0)
    assert lines == [
        "TIN '12' must be the practice's 9-digit Taxpayer Identification Number (EIN or SSN), "
        "digits only, for example 123456789.",
        "Practice name must not be empty.",
        "State 'XX' is not a US state code; use the two-letter postal code, for example NY or TX.",
        "ZIP code '1234' must have 5 digits (12345) or 9 digits (12345-6789).",
        "Practice size: Must be at least 1.",
    ]
    assert not any("Value error" in line or "pydantic" in line for line in lines)


def test_unknown_special_status_lists_the_known_ones() -> None:
    (line,) = _errors(Practice, tin="123456789", name="A", special_statuses=["urban"])
    assert line.startswith("Special statuses: 'urban' is not a special status CMS assigns")
    assert "Small practice" in line and "Facility-based" in line


def test_missing_fields_are_named_with_their_labels() -> None:
    assert _errors(Clinician) == [
        "NPI: Required; please fill it in.",
        "First name: Required; please fill it in.",
        "Last name: Required; please fill it in.",
        "Clinician type: Required; please fill it in.",
    ]


def test_field_errors_map_fields_to_messages_for_forms() -> None:
    with pytest.raises(ValidationError) as info:
        Clinician(npi="1234567890", first_name="", last_name="Lee", clinician_type="MD")
    found = field_errors(info.value)
    assert set(found) == {"npi", "first_name"}
    assert "should be 3, not 0" in found["npi"]


def test_clinician_accepts_codes_labels_and_us_dates() -> None:
    c = Clinician(
        npi="1234567893",
        first_name="Ann",
        last_name="Lee",
        clinician_type="m.d.",
        medicare_enrollment_date="7/1/2019",  # type: ignore[arg-type]
    )
    assert c.clinician_type == "MD"
    assert c.medicare_enrollment_date == dt.date(2019, 7, 1)
    assert c.sort_name == "Lee, Ann" and c.full_name == "Ann Lee"
    assert c.is_mips_eligible_type
    assert normalize_clinician_type("Nurse practitioner") == "NP"
    other = c.model_copy(update={"clinician_type": "OTHER"})
    assert not other.is_mips_eligible_type


def test_unknown_clinician_type_lists_codes() -> None:
    (line,) = _errors(
        Clinician, npi="1234567893", first_name="A", last_name="B", clinician_type="RN"
    )
    assert line.startswith("Clinician type 'RN' is not one MIPS Desk knows. Use one of MD, DO")
    assert "OTHER" in line


def test_assignment_is_validated() -> None:
    c = Clinician(npi="1234567893", first_name="Ann", last_name="Lee", clinician_type="MD")
    with pytest.raises(ValidationError):
        c.npi = "1234567890"


def test_reporting_entity_group_and_individual_keys() -> None:
    group = ReportingEntity(year=2025, tin="123456789")
    individual = ReportingEntity(
        year=2025, tin="123456789", npi="1234567893", reporting_option="m0005"
    )
    assert group.is_group and group.key == "123456789" and not group.is_mvp
    assert not individual.is_group and individual.key == "123456789/1234567893"
    assert individual.reporting_option == "M0005" and individual.is_mvp
    assert ReportingEntity(year=2024, tin="123456789", npi="").npi is None


def test_reporting_entity_refuses_years_the_product_does_not_know() -> None:
    (line,) = _errors(ReportingEntity, year=2023, tin="123456789")
    known = ", ".join(str(y) for y in known_performance_years())
    assert line == f"Performance year 2023 is not one MIPS Desk supports; choose one of {known}."


def test_reporting_option_must_be_traditional_or_an_mvp_id() -> None:
    (line,) = _errors(ReportingEntity, year=2025, tin="123456789", reporting_option="APP")
    assert "'traditional'" in line and "M0005" in line
    for bad in ("GM0053", "M005", "X0005"):
        assert _errors(ReportingEntity, year=2025, tin="123456789", reporting_option=bad)


def test_mvp_ids_of_both_kinds_in_the_catalog_are_accepted() -> None:
    # qpp-measures-data names MVPs M0001... and, from 2024, G0053...
    for mvp in ("M0005", "G0053", "g0059"):
        entity = ReportingEntity(year=2025, tin="123456789", reporting_option=mvp)
        assert entity.reporting_option == mvp.upper() and entity.is_mvp


def test_performance_years_come_from_the_data_file() -> None:
    data = json.loads(
        resources.files("desktop_app.models").joinpath("performance_years.json").read_text()
    )
    assert known_performance_years() == tuple(sorted(data["performance_years"]))
    assert {2024, 2025, 2026} <= set(known_performance_years())
    assert data["source"]
    for year in known_performance_years():
        assert check_known_year(year) == year


def test_friendly_errors_drop_pydantic_prefixes_for_any_model() -> None:
    from pydantic import BaseModel, field_validator

    class Activity(BaseModel):
        start_date: dt.date
        minutes: int

        @field_validator("start_date")
        @classmethod
        def _in_year(cls, value: dt.date) -> dt.date:
            raise ValueError("the activity must start in 2025.")

    with pytest.raises(ValidationError) as info:
        Activity.model_validate({"start_date": "2024-05-01", "minutes": "many"})
    assert "Value error" in str(info.value)  # what pydantic itself would show
    assert friendly_errors(info.value) == [
        "Start date: The activity must start in 2025.",
        "Minutes: Must be a whole number, for example 12.",
    ]


@pytest.mark.parametrize("enrolled", ["2030-01-01", dt.date.today() + dt.timedelta(days=1)])
def test_enrollment_date_after_today_is_refused(enrolled: object) -> None:
    (line,) = _errors(
        Clinician,
        npi="1234567893",
        first_name="Ann",
        last_name="Lee",
        clinician_type="MD",
        medicare_enrollment_date=enrolled,
    )
    assert "Medicare enrollment date" in line and "is in the future" in line


def test_enrollment_date_today_is_accepted_and_a_stored_one_is_read_back() -> None:
    today = dt.date.today()
    c = Clinician(
        npi="1234567893",
        first_name="Ann",
        last_name="Lee",
        clinician_type="MD",
        medicare_enrollment_date=today,
    )
    assert c.medicare_enrollment_date == today
    # A row saved before the check existed still loads, so it can be opened and fixed.
    stored = Clinician.model_validate(
        {
            "npi": "1234567893",
            "first_name": "Ann",
            "last_name": "Lee",
            "clinician_type": "MD",
            "medicare_enrollment_date": "2030-01-01",
        },
        context={"stored": True},
    )
    assert stored.medicare_enrollment_date == dt.date(2030, 1, 1)
