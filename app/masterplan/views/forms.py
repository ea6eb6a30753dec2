"""Page forms: described once as fields, rendered by one macro, read through the API's schemas.

A posted form is turned into the same data the API takes and loaded with the same marshmallow schema,
so a page and the API check input alike and name the same fields in their errors.
"""

import uuid
from dataclasses import dataclass, field, replace

from flask import request
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError

from app.core import bounds
from app.core.form_errors import page_errors


@dataclass
class FormField:
    name: str
    label: str
    kind: str = "text"  # text, textarea, number, year, date, select, checkboxes, checkbox
    choices: list[tuple[str, str]] = field(default_factory=list)
    required: bool = False
    help: str | None = None
    width: int = 12  # Bootstrap columns at md and up
    max_length: int | None = None  # shown on the input (maxlength and a hint); the schema enforces it


def with_limits(fields: list[FormField], schema: Schema) -> list[FormField]:
    """``fields`` with the length limit of their schema field, so every text input shows what it holds."""
    limited = []
    for f in fields:
        length = getattr(schema.fields.get(f.name), "max_length", None)
        limited.append(replace(f, max_length=length) if length and f.kind in ("text", "textarea") else f)
    return limited


def read_form(
    fields: list[FormField], schema: Schema, *, partial: bool = False, extra: dict | None = None
) -> tuple[dict, dict]:
    """The posted values of ``fields`` loaded with ``schema``: (data, errors by field name).

    Empty inputs are left out, or sent as null where the schema allows it (so clearing a field clears
    it); unticked checkboxes are false."""
    raw: dict = {}
    missing = {}
    for f in fields:
        schema_field = schema.fields.get(f.name)
        if schema_field is None or schema_field.dump_only:
            continue
        if f.kind == "checkboxes":
            raw[f.name] = [v for v in request.form.getlist(f.name) if v]
        elif f.kind == "checkbox":
            raw[f.name] = f.name in request.form
        else:
            value = request.form.get(f.name, "").strip()
            if value:
                raw[f.name] = value
            elif f.required:
                # Clearing a required input is an error, not "leave it as it was".
                missing[f.name] = [_("Required.")]
            elif schema_field.allow_none:
                raw[f.name] = None
    data, errors = load(schema, {**raw, **(extra or {})}, partial=partial)
    return (data, {}) if not (errors or missing) else ({}, {**errors, **missing})


def load(schema: Schema, raw: dict, *, partial: bool = False) -> tuple[dict, dict]:
    try:
        return schema.load(raw, partial=partial), {}
    except ValidationError as error:
        return {}, page_errors(error.messages)


def rows_from_form(prefix: str, names: tuple[str, ...], filled: tuple[str, ...] = ()) -> list[dict]:
    """Repeated row inputs (``budget-year``, ``budget-amount``, ... once per row) as a list of dicts.

    Rows whose ``filled`` inputs (all of them by default) are all empty are dropped, so a form can offer
    spare rows for adding; a select that always has a value (a status) does not make a row count."""
    columns = {name: request.form.getlist(f"{prefix}-{name}") for name in names}
    count = max((len(v) for v in columns.values()), default=0)
    rows = []
    for i in range(count):
        row = {name: (columns[name][i].strip() if i < len(columns[name]) else "") for name in names}
        if any(row[name] for name in filled or names):
            rows.append({k: v for k, v in row.items() if v != ""})
    return rows


def uuid_arg(name: str) -> uuid.UUID | None:
    """A query-string id, or None when absent or malformed (a filter, never an error)."""
    try:
        return uuid.UUID(request.args.get(name, ""))
    except ValueError:
        return None


def int_arg(name: str) -> int | None:
    """A query-string whole number, or None when absent, malformed or beyond what an Integer column holds
    (a filter, never an error)."""
    value = request.args.get(name, "").strip()
    if value.isascii() and value.isdigit() and len(value.lstrip("0")) <= len(str(bounds.INT32_MAX)):
        number = int(value)
        return number if number <= bounds.INT32_MAX else None
    return None


def form_values(fields: list[FormField], form=None, obj=None, defaults: dict | None = None) -> dict:
    """What each input shows: the posted value after a failed post, else the object's, else a default."""
    values = {}
    for f in fields:
        if form is not None:
            if f.kind == "checkboxes":
                values[f.name] = form.getlist(f.name)
            elif f.kind == "checkbox":
                values[f.name] = f.name in form
            else:
                values[f.name] = form.get(f.name, "")
            continue
        value = obj.get(f.name) if isinstance(obj, dict) else getattr(obj, f.name, None)
        if value is None and defaults:
            value = defaults.get(f.name)
        if f.kind == "checkboxes":
            values[f.name] = [str(v) for v in value or []]
        else:
            values[f.name] = "" if value is None else value
    return values
