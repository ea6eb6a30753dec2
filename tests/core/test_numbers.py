"""Numbers as Indonesians (and English readers) write them: one parser, every form, ambiguity refused."""

from decimal import Decimal

import pytest
from flask import Flask, has_request_context, request
from flask_babel import Babel, force_locale

from app.core.numbers import NumberRefused, as_decimal, example, number_locale, parse_decimal, parse_rupiah

D = Decimal


@pytest.fixture(scope="module")
def babel_app():
    """Only what the parser needs (messages and the language of a request), no database."""
    app = Flask(__name__)
    app.config.update(BABEL_DEFAULT_LOCALE="id", LANGUAGES=("id", "en"))
    Babel(app, locale_selector=lambda: request.args.get("lang", "id") if has_request_context() else "id")
    return app


# (language, text as written, value meant)
READ = [
    ("id", "1.250", D("1250")),
    ("id", "1.250,5", D("1250.5")),
    ("id", "1,25", D("1.25")),
    ("id", "1,250", D("1.25")),
    ("id", "0,5", D("0.5")),
    ("id", "1250", D("1250")),
    ("id", "1.000.000,50", D("1000000.50")),
    ("id", "Rp 1.250.000.000,00", D("1250000000")),
    ("id", "Rp1.250.000", D("1250000")),
    ("id", "Rp. 1.250.000,-", D("1250000")),
    ("id", "IDR 450.000.000", D("450000000")),
    ("id", "1,25 M", D("1250000000")),
    ("id", "Rp 2,5 M", D("2500000000")),
    ("id", "Rp 2,5 miliar", D("2500000000")),
    ("id", "2,5 milyar", D("2500000000")),
    ("id", "2,5 juta", D("2500000")),
    ("id", "750 jt", D("750000000")),
    ("id", "15 ribu", D("15000")),
    ("id", "1,2 triliun", D("1200000000000")),
    ("id", "15%", D("15")),
    ("id", "12,5 %", D("12.5")),
    ("id", "-3,5", D("-3.5")),
    ("id", "\u22123,5", D("-3.5")),  # a typographic minus
    ("id", "1\u00a0250\u00a0000", D("1250000")),  # LibreOffice groups with non-breaking spaces
    ("id", "1\u202f250,5", D("1250.5")),  # narrow no-break space
    ("id", "'1.250", D("1250")),  # the apostrophe that marks a cell as text
    ("id", "\u200b2.500\ufeff", D("2500")),  # zero-width characters pasted from a web page
    ("en", "1,250", D("1250")),
    ("en", "1,250.5", D("1250.5")),
    ("en", "1.25", D("1.25")),
    ("en", "Rp 1,250,000,000.00", D("1250000000")),
    ("en", "2.5 million", D("2500000")),
    ("en", "2.5 billion", D("2500000000")),
    ("en", "2.5 juta", D("2500000")),
    ("en", "2.5 miliar", D("2500000000")),
    ("en", "15%", D("15")),
    ("en", "5k", D("5000")),
    ("en", "3 B", D("3000000000")),  # a billion is a miliar: one amount, however it is called
    ("en", "2 T", D("2000000000000")),
    # Numbers only one way: one reading, whatever the language.
    ("id", "1,250,000", D("1250000")),
    ("id", "1,250.50", D("1250.50")),
    ("id", "1.25", D("1.25")),
    ("en", "190,5", D("190.5")),
    ("en", "Rp 1.200.000.000", D("1200000000")),
    ("en", "1.250,5", D("1250.5")),
]

# (language, text, words the refusal must hold: how to write it)
REFUSED = [
    ("en", "1,25 M", ["million", "miliar"]),  # M is a million to some and a miliar to others
    ("en", "1.5 m", ["million", "miliar"]),
    ("id", "1,5 m", ["m"]),  # metres? a lower-case m is no amount word
    ("id", "5 kg", ["kg"]),
    ("id", "1.2.3", ["not a number", "1.250.000", "1,25"]),
    ("id", "12.34.5", ["not a number", "1.250.000"]),
    ("en", "12,34,5", ["not a number", "1,250,000", "1.25"]),
    ("id", "satu juta", ["not a number"]),
    ("id", "", ["not a number"]),
    ("id", "1e5", ["not a number"]),
    ("id", "9" * 40, ["too large"]),
]


@pytest.mark.parametrize(("locale", "text", "meant"), READ)
def test_every_form_people_write_is_read_as_meant(babel_app, locale, text, meant):
    with babel_app.app_context():
        assert parse_decimal(text, locale) == meant


@pytest.mark.parametrize(("locale", "text", "words"), REFUSED)
def test_ambiguous_or_foreign_text_is_refused_saying_how_to_write_it(babel_app, locale, text, words):
    with babel_app.app_context(), force_locale("en"):
        with pytest.raises(NumberRefused) as refused:
            parse_decimal(text, locale)
        message = str(refused.value.message)
    for word in words:
        assert word in message


@pytest.mark.parametrize(
    ("locale", "text", "amount"),
    [
        ("id", "Rp 1.250.000.000,00", 1_250_000_000),
        ("id", "1,25 M", 1_250_000_000),
        ("id", "Rp 2,5 miliar", 2_500_000_000),
        ("id", "2,5 juta", 2_500_000),
        ("id", "450000000", 450_000_000),
        ("en", "Rp 1,250,000,000.00", 1_250_000_000),
    ],
)
def test_rupiah_amounts_are_whole_and_keep_their_zero_sen(babel_app, locale, text, amount):
    with babel_app.app_context():
        value = parse_rupiah(text, locale)
    assert value == amount and isinstance(value, int)


@pytest.mark.parametrize("text", ["Rp 1.250.000,50", "1,5", "1.250,01"])
def test_rupiah_with_sen_other_than_zero_is_refused(babel_app, text):
    with babel_app.app_context(), force_locale("en"), pytest.raises(NumberRefused) as refused:
        parse_rupiah(text, "id")
    assert "whole Rupiah" in str(refused.value.message)


def test_spreadsheet_numbers_are_taken_as_they_are(babel_app):
    with babel_app.app_context():
        assert as_decimal(1250) == D("1250")
        assert as_decimal(200.5) == D("200.5")
        assert as_decimal(0.1) == D("0.1")  # not 0.1000000000000000055511151231257827
        assert as_decimal("1.250", "id") == D("1250")
        for bad in (True, float("nan"), float("inf")):
            with pytest.raises(NumberRefused):
                as_decimal(bad)


def test_examples_are_written_the_languages_way():
    assert example(D("1250.5"), "id") == "1.250,5"
    assert example(D("1250.5"), "en") == "1,250.5"
    assert example(D("-1250000"), "id") == "-1.250.000"


def test_the_language_is_the_stated_one_else_the_pages(babel_app):
    with babel_app.test_request_context("/", headers={"Content-Language": "en"}):
        assert number_locale() == "en"
    with babel_app.test_request_context("/?lang=en"):
        assert number_locale() == "en"
    with babel_app.test_request_context("/"):
        assert number_locale() == "id"
    # The API reads in the platform's language unless the request states one, whoever's token it is.
    with babel_app.test_request_context("/api/v1/t/kota-palopo/indicators?lang=en"):
        assert number_locale() == "id"
    with babel_app.test_request_context(
        "/api/v1/t/kota-palopo/indicators", headers={"Content-Language": "en"}
    ):
        assert number_locale() == "en"
    with babel_app.app_context():
        assert number_locale() == "id"
        assert number_locale("en_US") == "en"
