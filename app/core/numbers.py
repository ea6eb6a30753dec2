"""Numbers as people write them: "1.250", "1.250,5", "Rp 1.250.000.000,00", "1,25 M", "Rp 2,5 miliar",
"2,5 juta", "15%", read the way the writer's language writes them. The one parser of the product: the
workbook import, the page forms and numbers the API receives as text all read through it.

In Bahasa Indonesia dots group thousands and the comma marks decimals; in English the other way round.
So "1.250" is one thousand two hundred and fifty to an Indonesian reader and one and a quarter to an
English one: text that reads both ways is read as the language writes it, never guessed. Text that is a
number only one way ("1,250,000", "190,5", "Rp 1.200.000.000") has one reading whatever the language.
What could mean two amounts is refused with a message saying how to write it: "1,25 M" in English (a
million to some writers, a miliar, a thousand million, to others), "M" or "T" in lower case in
Indonesian (metres? tonnes?); and so is what is no number at all, with the language's way of writing.

A value is a ``Decimal``, exact: a Rupiah amount is a whole number ("Rp 1.250.000.000,00" keeps its
",00"; other sen are refused), a target keeps every decimal written.
"""

import re
from decimal import Decimal, InvalidOperation

from flask import current_app, has_app_context, has_request_context, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

# Groups and decimals by language: (thousands separator, decimal mark).
SEPARATORS = {"id": (".", ","), "en": (",", ".")}

# Scale words, by language; Indonesian words are understood in English text too (budgets are written
# with them whatever the page's language), English ones only in English.
_SCALES_ID = {
    "ribu": 3,
    "rb": 3,
    "juta": 6,
    "jt": 6,
    "miliar": 9,
    "milyar": 9,
    "m": 9,
    "triliun": 12,
    "t": 12,
}
_SCALES_EN = {
    "thousand": 3,
    "k": 3,
    "million": 6,
    "mn": 6,
    "billion": 9,
    "bn": 9,
    "trillion": 12,
    "tn": 12,
}
# Letters that mean one amount to one writer and another to the next (an English M is a million, an
# Indonesian M a miliar): refused in English, where both writers are found.
_AMBIGUOUS_EN = {"m": ("million", "miliar")}

# What spreadsheets and other programs put around a number: non-breaking and thin spaces (LibreOffice's
# and Google Sheets' grouping in some locales), zero-width characters, a typographic minus, an apostrophe
# that marks a cell as text.
_SPACES = re.compile("[\u00a0\u2007\u202f\u2009\u200a\u3000\t]")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_CURRENCY = re.compile(r"^(?:rp\.?|idr)\s*", re.IGNORECASE)
_SCALE = re.compile(r"^(.*?\d)\s*([a-z]+)\.?$", re.IGNORECASE)
_WHOLE_RUPIAH_END = re.compile(r"[,.]-$")


class NumberRefused(ValueError):
    """The text is no number, or could be read two ways; ``message`` (lazy) says how to write it."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _body_re(group: str, decimal: str) -> re.Pattern:
    g, d = re.escape(group), re.escape(decimal)
    return re.compile(rf"^(\d{{1,3}}(?:{g}\d{{3}})+|\d{{1,3}}(?: \d{{3}})+|\d+)(?:{d}(\d+))?$")


_BODIES = {language: _body_re(*marks) for language, marks in SEPARATORS.items()}


def number_locale(locale: str | None = None) -> str:
    """The language numbers are read in: the one given, else the one a request states in Content-Language,
    else the page's language; the API's default is the platform's (a machine's numbers do not change with
    its token owner's choice of language)."""
    if locale is None and has_request_context():
        stated = (request.headers.get("Content-Language") or "").split(",")[0].strip()[:2].lower()
        if stated in SEPARATORS:
            locale = stated
        elif not request.path.startswith("/api/"):
            locale = str(get_locale())
    if locale is None and has_request_context():
        locale = current_app.config.get("BABEL_DEFAULT_LOCALE", "id")
    elif locale is None and has_app_context():
        # A job reads in its requester's language (the runner sets it), else the platform's default.
        locale = str(get_locale() or current_app.config.get("BABEL_DEFAULT_LOCALE", "id"))
    language = str(locale or "id")[:2].lower()
    return language if language in SEPARATORS else "id"


def example(value: Decimal, locale: str) -> str:
    """``value`` written as ``locale`` writes it: 1250.5 → "1.250,5" (id), "1,250.5" (en)."""
    group, decimal = SEPARATORS[locale]
    sign, value = ("-" if value < 0 else ""), abs(value)
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    whole, _sep, fraction = text.partition(".")
    grouped = f"{int(whole):,}".replace(",", group)
    return sign + grouped + (decimal + fraction if fraction else "")


def _how(locale: str) -> str:
    return str(
        _l("In Bahasa Indonesia dots group thousands and a comma marks decimals: 1.250.000 or 1,25.")
        if locale == "id"
        else _l("In English commas group thousands and a point marks decimals: 1,250,000 or 1.25.")
    )


def _read_body(body: str, locale: str) -> Decimal:
    """The digits and separators of a number, read in ``locale``'s convention; text that is a number
    only in the other language's convention ("1,250,000" or "190,5" on an English page) has one reading
    and is read so."""
    match = _BODIES[locale].match(body) or _BODIES["en" if locale == "id" else "id"].match(body)
    if match is None:
        raise ValueError(body)
    whole = re.sub(r"\D", "", match.group(1))
    fraction = match.group(2) or ""
    return Decimal(f"{whole}.{fraction}" if fraction else whole)


def parse_decimal(text: str, locale: str | None = None, *, max_digits: int = 30) -> Decimal:
    """A number written as people write it in ``locale`` (see the module), exactly, as a ``Decimal``.

    Raises ``NumberRefused`` with a message saying how to write it."""
    locale = number_locale(locale)
    original = str(text).strip()
    shown = original if len(original) <= 40 else original[:40] + "…"
    value = _INVISIBLE.sub("", _SPACES.sub(" ", original)).strip().lstrip("'").strip()
    value = value.replace("\u2212", "-").replace("\u2013", "-")
    if not value or len(value) > 60:
        raise NumberRefused(_l("“%(value)s” is not a number.", value=shown))
    negative = value.startswith("-")
    value = value.lstrip("-").strip()
    value = _CURRENCY.sub("", value)
    if value.endswith("%"):
        value = value[:-1].strip()  # 15% is 15: a percentage is stored in percent
    value = _WHOLE_RUPIAH_END.sub("", value)  # "Rp 1.250.000,-": whole Rupiah
    exponent = 0
    if scaled := _SCALE.match(value):
        value, word = scaled.group(1).strip(), scaled.group(2)
        exponent = _scale(word, locale, shown)
    try:
        number = _read_body(value, locale)
    except ValueError:
        raise NumberRefused(
            _l("“%(value)s” is not a number. %(how)s", value=shown, how=_how(locale))
        ) from None
    if len(number.as_tuple().digits) + exponent > max_digits:
        raise NumberRefused(_l("“%(value)s” is too large.", value=shown))
    number = number.scaleb(exponent)
    return -number if negative else number


def _scale(word: str, locale: str, shown: str) -> int:
    """The power of ten a scale word after a number stands for (juta: 6, miliar and, in Indonesian, M: 9)."""
    folded = word.casefold()
    if len(word) == 1:
        if locale == "en" and folded in _AMBIGUOUS_EN:
            english, indonesian = _AMBIGUOUS_EN[folded]
            raise NumberRefused(
                _l(
                    "“%(value)s” could mean %(english)s or %(indonesian)s: write the word in full.",
                    value=shown,
                    english=english,
                    indonesian=indonesian,
                )
            )
        # Indonesian writes M (miliar) and T (triliun) in capitals; a lower-case m may be metres.
        found = _SCALES_ID.get(folded) if locale == "id" and word.isupper() else None
        found = {"k": 3, "b": 9, "t": 12}.get(folded) if locale == "en" else found
    else:
        found = (_SCALES_ID if locale == "id" else {**_SCALES_ID, **_SCALES_EN}).get(folded)
    if found is None:
        raise NumberRefused(_l("“%(value)s”: %(word)s is no amount word we know.", value=shown, word=word))
    return found


def parse_rupiah(text: str, locale: str | None = None) -> int:
    """An amount in whole Rupiah as people write it: "Rp 1.250.000.000,00", "2,5 miliar", "1,25 M".

    ",00" sen are accepted (RKA and DPA documents write them); other sen are refused."""
    amount = parse_decimal(text, locale)
    if amount != amount.to_integral_value():
        raise NumberRefused(
            _l(
                "“%(value)s”: amounts are in whole Rupiah (sen other than ,00 cannot be stored).",
                value=str(text).strip()[:40],
            )
        )
    return int(amount)


def as_rupiah(value, locale: str | None = None) -> int:
    """Whole Rupiah from a spreadsheet cell or a JSON value (taken as it is) or from text (parsed)."""
    if isinstance(value, str):
        return parse_rupiah(value, locale)
    amount = as_decimal(value, locale)
    if amount != amount.to_integral_value():
        raise NumberRefused(
            _l("“%(value)s”: amounts are in whole Rupiah (sen other than ,00 cannot be stored).", value=value)
        )
    return int(amount)


def as_decimal(value, locale: str | None = None) -> Decimal:
    """A number from a spreadsheet cell or a JSON value (taken as it is) or from text (parsed)."""
    if isinstance(value, bool):
        raise NumberRefused(_l("“%(value)s” is not a number.", value=value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        try:
            number = Decimal(repr(value))  # 0.1 stays 0.1, not its binary expansion
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            raise NumberRefused(_l("“%(value)s” is not a number.", value=value))
        return number
    if isinstance(value, Decimal):
        return value
    return parse_decimal(str(value), locale)


def input_text(value, locale: str | None = None) -> str:
    """A stored number as a form shows it for editing, written as the page's language writes it."""
    if value is None or value == "":
        return ""
    return example(as_decimal(value), number_locale(locale))
