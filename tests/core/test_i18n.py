"""Language, number, Rupiah, date and time formats, and the language switch a person uses."""

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from flask import g, session

from app.core import i18n
from app.extensions import db
from tests.conftest import csrf_token, login


def _in(app, locale: str, timezone: str | None = None):
    """A request in ``locale``, inside a tenant on ``timezone`` when given."""
    ctx = app.test_request_context(f"/?lang={locale}")
    ctx.push()
    g.tenant = SimpleNamespace(timezone=timezone) if timezone else None
    return ctx


@pytest.mark.parametrize(
    ("locale", "amount", "expected"),
    [
        ("id", 1_250_000_000, "Rp 1.250.000.000"),
        ("en", 1_250_000_000, "Rp 1,250,000,000"),
        ("id", Decimal("610000000.40"), "Rp 610.000.000"),
        ("id", -5000, "-Rp 5.000"),
        ("id", 0, "Rp 0"),
        ("id", None, "–"),
    ],
)
def test_rupiah_is_grouped_for_the_language(app, locale, amount, expected):
    ctx = _in(app, locale)
    try:
        assert i18n.format_rupiah(amount) == expected
    finally:
        ctx.pop()


def test_rupiah_in_short_form_for_cards_and_axes(app):
    ctx = _in(app, "id")
    try:
        assert i18n.format_rupiah(1_250_000_000, compact=True) == "Rp 1,25\xa0M"
        assert i18n.format_rupiah(3_500_000, compact=True) == "Rp 3,5\xa0jt"
    finally:
        ctx.pop()
    ctx = _in(app, "en")
    try:
        assert i18n.format_rupiah(1_250_000_000, compact=True) == "Rp 1.25B"
    finally:
        ctx.pop()


def test_numbers_and_percentages_follow_the_language(app):
    ctx = _in(app, "id")
    try:
        assert i18n.format_number(1234567) == "1.234.567"
        assert i18n.format_number(2.516, 2) == "2,52"
        assert i18n.format_percent(0.456, 1) == "45,6%"
    finally:
        ctx.pop()
    ctx = _in(app, "en")
    try:
        assert i18n.format_number(1234567) == "1,234,567"
        assert i18n.format_number(2.516, 2) == "2.52"
        assert i18n.format_percent(0.456, 1) == "45.6%"
    finally:
        ctx.pop()


def test_dates_in_indonesian_and_english(app):
    day = date(2024, 5, 22)
    ctx = _in(app, "id")
    try:
        assert i18n.format_date(day) == "22 Mei 2024"
        assert i18n.format_date(day, "long") == "22 Mei 2024"
    finally:
        ctx.pop()
    ctx = _in(app, "en")
    try:
        assert i18n.format_date(day) == "May 22, 2024"
    finally:
        ctx.pop()


def test_times_show_in_the_tenants_zone_with_its_label(app):
    # 06:30 UTC is 13:30 in Jakarta (WIB), 14:30 in Makassar (WITA), 15:30 in Jayapura (WIT).
    moment = datetime(2024, 5, 22, 6, 30, tzinfo=UTC)
    expected = {
        "Asia/Jakarta": "22 Mei 2024 13.30 WIB",
        "Asia/Makassar": "22 Mei 2024 14.30 WITA",
        "Asia/Jayapura": "22 Mei 2024 15.30 WIT",
    }
    for zone, text in expected.items():
        ctx = _in(app, "id", zone)
        try:
            assert i18n.format_datetime(moment) == text
        finally:
            ctx.pop()
    ctx = _in(app, "en", "Asia/Makassar")
    try:
        assert i18n.format_datetime(moment) == "May 22, 2024, 2:30\u202fPM WITA"
        assert i18n.format_datetime(moment, "short") == "5/22/24, 2:30\u202fPM WITA"
    finally:
        ctx.pop()


def test_a_stored_naive_time_is_read_as_utc_and_its_date_is_the_tenants(app):
    # SQLite hands back naive UTC; 20:00 UTC on 21 May is already 22 May in Makassar.
    late = datetime(2024, 5, 21, 20, 0)
    ctx = _in(app, "id", "Asia/Makassar")
    try:
        assert i18n.format_datetime(late) == "22 Mei 2024 04.00 WITA"
        assert i18n.format_date(late) == "22 Mei 2024"
    finally:
        ctx.pop()


def test_outside_a_tenant_times_are_in_wib(app):
    ctx = _in(app, "id")
    try:
        assert i18n.zone_label() == "WIB"
        assert i18n.format_datetime(datetime(2024, 1, 1, 0, 0, tzinfo=UTC)).endswith("07.00 WIB")
    finally:
        ctx.pop()


def test_role_names_are_translated(app):
    ctx = _in(app, "id")
    try:
        assert i18n.role_label("tenant_admin") == "Admin pemda"
        assert i18n.role_label("opd_operator") == "Operator OPD"
    finally:
        ctx.pop()
    ctx = _in(app, "en")
    try:
        assert i18n.role_label("tenant_admin") == "Tenant admin"
        assert i18n.role_label(None) == "–"
    finally:
        ctx.pop()


def test_language_is_chosen_by_query_then_session_then_user_then_indonesian(app):
    user = SimpleNamespace(locale="en")
    with app.test_request_context("/"):
        assert i18n.select_locale() == "id"
        g.user = user
        assert i18n.select_locale() == "en"
        session["locale"] = "id"
        assert i18n.select_locale() == "id"
    with app.test_request_context("/?lang=en"):
        assert i18n.select_locale() == "en"
    with app.test_request_context("/?lang=fr"):
        assert i18n.select_locale() == "id"


# --- the switch, as people use it -------------------------------------------------------------


def _saved_locale(app, email: str) -> str | None:
    from app.accounts import services as accounts

    with app.app_context():
        locale = accounts.find_user_by_email(email).locale
        db.session.remove()
    return locale


def test_pages_are_in_indonesian_by_default(client, demo):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="id">' in page
    assert "Masuk ke Kota Cerdas" in page


def test_the_switch_is_remembered_for_the_session(client, demo):
    token = csrf_token(client)
    response = client.post("/locale", data={"locale": "en", "next": "/login", "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page and "Log in to Kota Cerdas" in page


def test_the_switch_is_remembered_on_the_user_across_logins(app, demo):
    first = app.test_client()
    login(first, "admin@kota-palopo.demo")
    first.post("/locale", data={"locale": "en", "csrf_token": csrf_token(first, "/account/tokens")})
    assert _saved_locale(app, "admin@kota-palopo.demo") == "en"

    # Another browser: Indonesian until the user logs in, then the user's English.
    second = app.test_client()
    assert "Masuk ke Kota Cerdas" in second.get("/login").get_data(as_text=True)
    login(second, "admin@kota-palopo.demo")
    page = second.get("/t/kota-palopo/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Dashboard" in page


def test_a_language_chosen_before_logging_in_is_kept_and_saved(app, demo):
    client = app.test_client()
    client.post("/locale", data={"locale": "en", "csrf_token": csrf_token(client)})
    login(client, "admin@kota-balikpapan.demo")
    assert '<html lang="en">' in client.get("/t/kota-balikpapan/").get_data(as_text=True)
    client.post("/locale", data={"locale": "id", "csrf_token": csrf_token(client, "/account/tokens")})
    assert _saved_locale(app, "admin@kota-balikpapan.demo") == "id"


def test_an_unknown_language_is_refused_naming_the_field(client, demo):
    response = client.post("/locale", data={"locale": "fr", "csrf_token": csrf_token(client)})
    assert response.status_code == 422
    assert "locale" in response.get_data(as_text=True)


def test_after_a_refused_form_the_switch_returns_to_a_page_that_can_be_fetched(client, demo):
    login(client, "admin@kota-palopo.demo")
    token = csrf_token(client, "/account/tokens")
    invite = {"email": "", "role": "viewer", "csrf_token": token}
    refused = client.post("/t/kota-palopo/members/invite", data=invite)
    assert refused.status_code == 422
    # /members/invite takes only POST: the switch must not send the person back there.
    assert 'name="next" value=""' in refused.get_data(as_text=True)
    refused_opd = client.post("/t/kota-palopo/opds", data={"code": "", "name": "", "csrf_token": token})
    assert 'name="next" value="/t/kota-palopo/opds"' in refused_opd.get_data(as_text=True)


def test_the_switch_returns_to_the_same_list_without_the_lang_override(client, demo):
    login(client, "admin@kota-palopo.demo")
    page = client.get("/t/kota-palopo/opds?q=dinas&lang=en&page=1").get_data(as_text=True)
    assert 'name="next" value="/t/kota-palopo/opds?q=dinas&amp;page=1"' in page
    token = csrf_token(client, "/account/tokens")
    back = client.post(
        "/locale", data={"locale": "id", "next": "/t/kota-palopo/opds?q=dinas", "csrf_token": token}
    )
    assert back.headers["Location"] == "/t/kota-palopo/opds?q=dinas"
    assert "Cari kode" in client.get(back.headers["Location"]).get_data(as_text=True)


TRANSLATED_TEMPLATE = "|".join(
    (
        '{{ _("Save") }}',
        '{{ _("Progress: 100%%") }}',
        '{{ _("Hello %(name)s", name=who) }}',
        '{{ ngettext("%(num)d program", "%(num)d programs", 3) }}',
        '{{ ngettext("%(num)d program", "%(num)d programs", 1) }}',
        "{% trans count=2 %}{{ count }} file{% pluralize %}{{ count }} files{% endtrans %}",
        "{% trans %}Save{% endtrans %}",
        '{{ gettext("Save") }}',
    )
)


@pytest.mark.parametrize("locale", ["id", "en"])
def test_templates_translate_exactly_as_jinjas_own_gettext(app, locale):
    """Pages translate through the catalogue looked up once per render; what they show is what Jinja's
    newstyle gettext shows: translated, variables escaped, "%%" read as "%", plural forms."""
    from flask import render_template_string
    from flask_babel import force_locale, get_translations
    from jinja2 import Environment

    ctx = _in(app, "id")
    try:
        with force_locale(locale):
            shown = render_template_string(TRANSLATED_TEMPLATE, who="<b>Palopo</b>")
            catalogue = get_translations()
        reference = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
        reference.install_gettext_translations(catalogue, newstyle=True)
        expected = reference.from_string(TRANSLATED_TEMPLATE).render(who="<b>Palopo</b>")
    finally:
        ctx.pop()
    assert shown == expected
    assert "Hello &lt;b&gt;Palopo&lt;/b&gt;" in shown and "Progress: 100%|" in shown
    assert shown.startswith("Simpan|" if locale == "id" else "Save|")
