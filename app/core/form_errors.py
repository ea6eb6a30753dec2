"""Form errors as a person reads them: the field's label instead of its name, and marshmallow's English
validation messages in the page's language. The API keeps marshmallow's own wording and field names.

A page view that runs a service turns its refusal into the form's errors with ``form_errors(error)``.
"""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields

from app.core.errors import DomainError, ValidationFailed
from app.extensions import db

_FIELD_LABELS: dict[str, object] = {}

# marshmallow's fixed messages (fields and schemas), as pages show them.
_FIXED = {
    "Missing data for required field.": _l("Required."),
    "Field may not be null.": _l("Required."),
    "Invalid value.": _l("Not a valid value."),
    "Not a valid integer.": _l("Not a whole number."),
    "Not a valid number.": _l("Not a valid number."),
    "Number too large.": _l("The number is too large."),
    "Not a valid string.": _l("Not a valid text."),
    "Not a valid UUID.": _l("Not one of the choices."),
    "Not a valid boolean.": _l("Not a valid yes/no value."),
    "Not a valid list.": _l("Not a valid list."),
    "Not a valid date.": _l("Not a valid date."),
    "Not a valid email address.": _l("Not a valid email address."),
    "Unknown field.": _l("Unknown field."),
    "Invalid input type.": _l("Not a valid value."),
}

# marshmallow's messages with numbers in them: (pattern, message with the same placeholders).
_PATTERNS = [
    (re.compile(r"Must be greater than or equal to (?P<min>\S+)\.$"), _l("At least %(min)s.")),
    (re.compile(r"Must be less than or equal to (?P<max>\S+)\.$"), _l("At most %(max)s.")),
    (
        re.compile(
            r"Must be greater than or equal to (?P<min>\S+) and less than or equal to (?P<max>\S+)\.$"
        ),
        _l("From %(min)s to %(max)s."),
    ),
    (re.compile(r"Shorter than minimum length (?P<min>\d+)\.$"), _l("At least %(min)s characters.")),
    (re.compile(r"Longer than maximum length (?P<max>\d+)\.$"), _l("At most %(max)s characters.")),
    (
        re.compile(r"Length must be between (?P<min>\d+) and (?P<max>\d+)\.$"),
        _l("From %(min)s to %(max)s characters."),
    ),
    (re.compile(r"Must be one of: (?P<choices>.+)\.$"), _l("Must be one of: %(choices)s.")),
]


def register_field_labels(labels: dict) -> None:
    """A domain names its form fields once (lazy labels); ``name-*`` covers ``name-<anything>``, with the
    label formatted with ``%(part)s``."""
    _FIELD_LABELS.update(labels)


def field_label(name: str) -> str:
    label = _FIELD_LABELS.get(name)
    if label is not None:
        return str(label)
    prefix, dash, part = name.rpartition("-")
    pattern = _FIELD_LABELS.get(f"{prefix}-*") if dash else None
    return str(pattern) % {"part": part} if pattern is not None else name


def page_message(message) -> str:
    """A validation message in the page's language (service messages are translated already)."""
    text = str(message)
    if text in _FIXED:
        return str(_FIXED[text])
    for pattern, translated in _PATTERNS:
        match = pattern.match(text)
        if match:
            return str(translated) % match.groupdict()
    return text


def page_errors(messages: dict) -> dict[str, list[str]]:
    """marshmallow's errors ({"budget_lines": {1: {"amount": [...]}}}) for a page: by top-level field,
    nested rows and fields named ("row 2, Amount: Not a whole number.")."""
    return {str(name): list(_texts(value, [])) for name, value in messages.items()}


def check_form(schema, form) -> None:
    """Check a form a view hands to its service by hand against the API's schema for the same input, so a
    page refuses what the API refuses (a value longer than its column, control characters, a bad email)
    with 422 naming the field. ``form`` is the posted form (lists read with ``getlist``) or a dict. Empty
    inputs and fields the schema does not know are left to the service, which decides what is required."""
    filled = {}
    for name, field in schema.fields.items():
        many = isinstance(field, fields.List) and hasattr(form, "getlist")
        value = [v for v in form.getlist(name) if v] if many else form.get(name)
        if value and not field.dump_only:
            filled[name] = value
    try:
        schema.load(filled, partial=True)
    except ValidationError as error:
        raise ValidationFailed(errors=page_errors(error.messages)) from None


def form_errors(error: DomainError, message=None, *, field: str = "_") -> dict[str, list]:
    """Roll back a change a service refused and say why, by field, for the form that asked for it (a
    refusal without fields goes under ``field``, with ``message`` when the error has none). A refusal of
    the person (403) or an object out of reach (404) is raised to the error page instead."""
    db.session.rollback()
    if error.status in (403, 404):
        raise error
    return error.errors or {field: [error.message or message or _("This change could not be saved.")]}


def _texts(value, where: list[str]):
    if isinstance(value, dict):
        for key, inner in value.items():
            label = _("row %(n)s", n=key + 1) if isinstance(key, int) else field_label(str(key))
            yield from _texts(inner, [*where, label])
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item, where)
    else:
        prefix = ", ".join(where)
        yield f"{prefix}: {page_message(value)}" if prefix else page_message(value)
