"""Turning pydantic validation errors into sentences a practice manager understands."""

from __future__ import annotations

from typing import Any, Final

from pydantic import ValidationError

# Field name -> label as the screens and CSV headers show it.
FIELD_LABELS: Final[dict[str, str]] = {
    "tin": "TIN",
    "npi": "NPI",
    "name": "Practice name",
    "first_name": "First name",
    "last_name": "Last name",
    "clinician_type": "Clinician type",
    "medicare_enrollment_date": "Medicare enrollment date",
    "address_line1": "Address line 1",
    "address_line2": "Address line 2",
    "city": "City",
    "state": "State",
    "zip": "ZIP code",
    "size": "Practice size",
    "special_statuses": "Special statuses",
    "year": "Performance year",
    "reporting_option": "Reporting option",
}

# pydantic error type -> plain message (used when the error is not one of ours).
_PLAIN: Final[dict[str, str]] = {
    "missing": "Required; please fill it in.",
    "string_too_short": "must not be empty.",
    "string_type": "must be text.",
    "int_parsing": "must be a whole number, for example 12.",
    "int_type": "must be a whole number, for example 12.",
    "int_from_float": "must be a whole number, for example 12.",
    "greater_than_equal": "must be at least {ge}.",
    "greater_than": "must be more than {gt}.",
    "less_than_equal": "must be at most {le}.",
    "date_parsing": "must be a date written as YYYY-MM-DD, for example 2025-03-31.",
    "date_from_datetime_parsing": "must be a date written as YYYY-MM-DD, for example 2025-03-31.",
    "date_type": "must be a date written as YYYY-MM-DD, for example 2025-03-31.",
    "list_type": "must be a list.",
    "extra_forbidden": "is not a field MIPS Desk knows; remove it.",
    "bool_parsing": "must be yes or no.",
}


def field_label(name: str | int) -> str:
    if isinstance(name, int):
        return f"item {name + 1}"
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def _message(error: Any) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "value_error":
        message = str(ctx.get("error") or error.get("msg", ""))
        return message.removeprefix("Value error, ")
    if kind == "enum":
        return f"must be one of: {ctx.get('expected', '')}."
    if kind == "literal_error":
        return f"must be one of: {ctx.get('expected', '')}."
    template = _PLAIN.get(kind)
    if template:
        try:
            return template.format(**ctx)
        except (KeyError, IndexError):
            return template
    message = str(error.get("msg", "is not valid."))
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def friendly_errors(exc: ValidationError) -> list[str]:
    """One ``Field label: message`` line per problem, without pydantic jargon."""
    lines: list[str] = []
    for error in exc.errors():
        loc = [part for part in error.get("loc", ()) if part not in ("__root__",)]
        # pydantic adds the validator name for unions/function validators; keep field names.
        labels = [field_label(part) for part in loc if isinstance(part, str | int)]
        labels = [label for label in labels if not label.startswith("function-")]
        message = _message(error)
        if not labels:
            lines.append(message[:1].upper() + message[1:])
            continue
        label = labels[0] if len(labels) == 1 else f"{labels[0]} ({', '.join(labels[1:])})"
        if message.casefold().startswith(labels[0].casefold()):
            lines.append(message)  # the message already starts with the field's name
        else:
            lines.append(f"{label}: {message[:1].upper() + message[1:]}")
    return lines


def field_errors(exc: ValidationError) -> dict[str, str]:
    """The first problem of each top-level field, keyed by field name (for forms)."""
    found: dict[str, str] = {}
    for error, line in zip(exc.errors(), friendly_errors(exc), strict=True):
        loc = error.get("loc", ())
        name = str(loc[0]) if loc else ""
        found.setdefault(name, line)
    return found


def friendly_error_text(exc: ValidationError) -> str:
    """All problems of ``exc`` as one text, one per line."""
    return "\n".join(friendly_errors(exc))
