"""Bounds on what a client may send, declared once: page numbers and sizes, numbers that fit their
columns, text that fits its column and holds no control characters.

The API's schemas, the page forms and the services take their limits from here, so a bad value is
refused with 422 naming its field instead of failing in the database (an integer overflow, a NUL that
PostgreSQL refuses, a string longer than its column) or later in a page or an export (control characters
an XLSX cannot hold).
"""

import re
from datetime import date
from decimal import Decimal

from flask import Flask, abort, request
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

from app.core.errors import ValidationFailed
from app.core.numbers import NumberRefused, parse_decimal, parse_rupiah

# --- numbers ----------------------------------------------------------------------------------------

# What an Integer and a BigInteger column hold (PostgreSQL's integer and bigint).
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# Whole Rupiah, stored as BigInteger. A thousand trillion is beyond any city's budget, leaves room to add
# up many amounts within 64 bits, and stays exact in a browser's JavaScript numbers (below 2**53).
RUPIAH_MAX = 10**15

# Calendar dates a person means (a legal date, a filter): a filter's day after or a conversion between time
# zones stays within what Python and the database hold.
DATE_MIN, DATE_MAX = date(1900, 1, 1), date(2999, 12, 31)

# --- lists --------------------------------------------------------------------------------------------

PAGE_SIZE = 20
PAGE_SIZE_MAX = 100
# Any page a list can have; the row offset, (page - 1) * size, then always fits a bigint.
PAGE_MAX = INT32_MAX

# --- text -----------------------------------------------------------------------------------------

# Long text (Text columns: a vision, a condition, a description) has no length in the database; this is
# about five pages, more than any narrative of a masterplan holds.
NARRATIVE_MAX = 10_000
# A free-text filter in a query string.
SEARCH_MAX = 100

# C0 controls but tab, line feed and carriage return; DEL; C1 controls; lone surrogates (no UTF-8 encoding
# exists for them) and U+FFFE/U+FFFF (not allowed in XML, so not in an XLSX). NUL is among them: PostgreSQL
# refuses it in text.
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
_NOT_IN_TEXT = re.compile(f"[{_CONTROL}]")
# A single line also takes no tab or line break (nor Unicode's line and paragraph separators).
_NOT_ON_A_LINE = re.compile("[\t\n\r\u2028\u2029]")

CONTROL_CHARACTERS = _l("Must not contain control characters.")
NOT_ONE_LINE = _l("Must be a single line, without tabs or line breaks.")


def text_problem(value: str, *, multiline: bool = False):
    """Why ``value`` cannot be stored as text (a lazy message), or None when it can."""
    if _NOT_IN_TEXT.search(value):
        return CONTROL_CHARACTERS
    if not multiline and _NOT_ON_A_LINE.search(value):
        return NOT_ONE_LINE
    return None


def column_length(column) -> int:
    """The length of a ``String(n)`` column (a model attribute such as ``Opd.name``), or ``column`` itself
    when it is a number."""
    if isinstance(column, int):
        return column
    length = getattr(column.property.columns[0].type, "length", None)
    if not length:
        raise TypeError(f"{column} has no length: use Narrative for Text columns")
    return length


# --- marshmallow fields: every load schema uses these instead of fields.String and fields.Integer ------


def _validators(extra) -> list:
    """A field's further ``validate=`` argument (one validator, a list or none) as a list."""
    if extra is None:
        return []
    return list(extra) if isinstance(extra, list | tuple) else [extra]


class BoundedText(fields.String):
    """Text with a maximum length, checked for control characters (use ``Line`` or ``Narrative``)."""

    multiline = False

    def __init__(self, max_length: int, *, min_length: int | None = None, **kwargs):
        self.max_length = max_length
        checks = [validate.Length(min=min_length, max=max_length), *_validators(kwargs.pop("validate", None))]
        super().__init__(validate=checks, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(text, multiline=self.multiline)
        if problem is not None:
            raise ValidationError(problem)
        return text


class Line(BoundedText):
    """One line of text (a name, a code, a label, a filter): no control characters, tabs or line breaks,
    at most the length of its column: ``Line(Opd.name)`` or ``Line(40)``."""

    def __init__(self, column, **kwargs):
        super().__init__(column_length(column), **kwargs)


class Narrative(BoundedText):
    """Long text (a Text column): tabs and line breaks are kept, other control characters refused, at most
    ``NARRATIVE_MAX`` characters."""

    multiline = True

    def __init__(self, max_length: int = NARRATIVE_MAX, **kwargs):
        super().__init__(max_length, **kwargs)


class Email(fields.Email):
    """An email address that fits its column (``Email(User.email)``), without control characters."""

    def __init__(self, column=254, **kwargs):
        self.max_length = column_length(column)
        super().__init__(validate=validate.Length(max=self.max_length), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        address = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(address)
        if problem is not None:
            raise ValidationError(problem)
        return address


class Url(fields.Url):
    """A web address (http or https unless told) that fits its column, without control characters."""

    def __init__(self, column=500, **kwargs):
        self.max_length = column_length(column)
        kwargs.setdefault("schemes", {"http", "https"})
        super().__init__(validate=validate.Length(max=self.max_length), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        address = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(address)
        if problem is not None:
            raise ValidationError(problem)
        return address


class Integer(fields.Integer):
    """A whole number within ``minimum``..``maximum``, by default what an Integer column holds. 1.5 is
    refused, not cut to 1."""

    def __init__(self, *, minimum: int = INT32_MIN, maximum: int = INT32_MAX, **kwargs):
        checks = [validate.Range(min=minimum, max=maximum), *_validators(kwargs.pop("validate", None))]
        super().__init__(validate=checks, **kwargs)

    def _validated(self, value) -> int:
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


class Date(fields.Date):
    """A calendar date from ``DATE_MIN`` to ``DATE_MAX``."""

    def __init__(self, **kwargs):
        checks = [validate.Range(min=DATE_MIN, max=DATE_MAX), *_validators(kwargs.pop("validate", None))]
        super().__init__(validate=checks, **kwargs)


class DateTime(fields.DateTime):
    """A moment on a day from ``DATE_MIN`` to ``DATE_MAX``, with or without an offset."""

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        # Checked on its day: a moment without an offset cannot be compared with one that has it.
        validate.Range(min=DATE_MIN, max=DATE_MAX)(moment.date())
        return moment


class RupiahAmount(Integer):
    """Whole Rupiah: a JSON integer as it is, text as people write it ("Rp 1.250.000.000,00", "2,5 miliar")
    in the request's language (``app.core.numbers``)."""

    def _deserialize(self, value, attr, data, **kwargs) -> int:
        if isinstance(value, str):
            try:
                value = parse_rupiah(value)
            except NumberRefused as refused:
                raise ValidationError(refused.message) from None
        return super()._deserialize(value, attr, data, **kwargs)


def Rupiah(**kwargs) -> Integer:  # noqa: N802 - reads like the other field classes
    """An amount in whole Rupiah (a BigInteger column): from 0 to ``RUPIAH_MAX``."""
    return RupiahAmount(minimum=0, maximum=RUPIAH_MAX, **kwargs)


class Number(fields.Float):
    """A number (an indicator's baseline or target): a JSON number as it is, text as people write it in
    the request's language ("1.250" is one thousand two hundred and fifty in Bahasa Indonesia), never
    guessed (``app.core.numbers``)."""

    def __init__(self, **kwargs):
        super().__init__(allow_nan=False, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> float:
        if isinstance(value, str):
            try:
                value = float(parse_decimal(value))
            except NumberRefused as refused:
                raise ValidationError(refused.message) from None
        return super()._deserialize(value, attr, data, **kwargs)


class Numeric(fields.Decimal):
    """A decimal that fits a ``Numeric(precision, scale)`` column: at most ``scale`` decimals and
    ``precision - scale`` digits before the point, optionally within ``minimum``..``maximum``."""

    def __init__(self, precision: int, scale: int, *, minimum=None, maximum=None, **kwargs):
        self.scale = scale
        largest = Decimal(10) ** (precision - scale) - Decimal(1).scaleb(-scale)
        low = -largest if minimum is None else max(Decimal(minimum), -largest)
        high = largest if maximum is None else min(Decimal(maximum), largest)
        super().__init__(validate=validate.Range(min=low, max=high), **kwargs)
        self.error_messages["places"] = _l("At most %(places)d decimals.", places=scale)

    def _validated(self, value) -> Decimal:
        number = super()._validated(value)
        # 1.50 has two decimals however it is written (1.500 too).
        if number is not None and number.normalize().as_tuple().exponent < -self.scale:
            raise self.make_error("places")
        return number


# --- query strings and forms read by hand --------------------------------------------------------


def whole_number(name: str, raw: str | None, *, minimum: int = 1, maximum: int = INT32_MAX) -> int | None:
    """``raw`` (from a query string or a form) as a whole number within the bounds, None when empty;
    anything else is refused with 422 naming ``name``."""
    raw = (raw or "").strip()
    if not raw:
        return None
    # ASCII digits only: "²" and "١" pass str.isdigit() but are no number a person typed here; the length
    # is checked before int() so that a thousand digits cost nothing.
    digits = raw.lstrip("0") or "0"
    number = int(digits) if raw.isascii() and raw.isdigit() and len(digits) <= len(str(maximum)) else None
    if number is None or not minimum <= number <= maximum:
        raise ValidationFailed.field(
            name, _l("Use a whole number from %(minimum)d to %(maximum)d.", minimum=minimum, maximum=maximum)
        )
    return number


def refuse_control_characters_in_path(endpoint, values) -> None:
    """A path holding control characters names nothing (404), before anything looks it up (the tenant's
    slug is read from it first)."""
    if _NOT_IN_TEXT.search(request.path):
        abort(404)


def refuse_control_characters() -> None:
    """Before any view: a query string or form value (or its name) with control characters is refused
    with 422 naming it, so views and services that read values by hand, or look them up in the database,
    never see a NUL. Tabs and line breaks pass here: which fields must be one line is for their schemas."""
    values = list(request.args.items(multi=True))
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        # (An upload's file name is the files service's to clean: it keeps the printable characters.)
        values += list(request.form.items(multi=True))
    for name, value in values:
        if _NOT_IN_TEXT.search(name):
            raise ValidationFailed.field(_NOT_IN_TEXT.sub("?", name), CONTROL_CHARACTERS)
        if _NOT_IN_TEXT.search(value):
            raise ValidationFailed.field(name, CONTROL_CHARACTERS)


def init_app(app: Flask) -> None:
    # URL value preprocessors run before every before-request function, the tenant's resolver included.
    app.url_value_preprocessor(refuse_control_characters_in_path)
    app.before_request(refuse_control_characters)
