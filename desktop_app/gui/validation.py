"""Per-field validation messages for forms, from the models' friendly errors."""

from __future__ import annotations

from pydantic import ValidationError

from desktop_app.models.errors import field_label, friendly_errors


def field_errors(exc: ValidationError) -> dict[str, str]:
    """Field name -> the first plain-language message for it (model-wide ones under "")."""
    found: dict[str, str] = {}
    for error, line in zip(exc.errors(), friendly_errors(exc), strict=True):
        loc = error.get("loc", ())
        field = str(loc[0]) if loc else ""
        if field:
            prefix = f"{field_label(field)}: "
            message = line.removeprefix(prefix)
            # Messages that start with "must ..." read better with the field name.
            if message[:1].islower() or message.startswith("Must "):
                message = f"{field_label(field)} {message[:1].lower() + message[1:]}"
            elif message.startswith("Required"):
                message = f"{field_label(field)} is required; please fill it in."
        else:
            message = line
        found.setdefault(field, message)
    return found
