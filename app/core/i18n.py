"""Language, time zone and number formats.

Bahasa Indonesia by default; English by a switch remembered in the session and on the user when logged
in. Numbers, Rupiah and dates follow the chosen language; times show in the current tenant's zone
(WIB/WITA/WIT), labelled with the zone so a reader in Jakarta and one in Makassar read the same time.
"""

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from urllib.parse import urlencode

from babel.dates import get_date_format, get_datetime_format, get_time_format
from babel.numbers import LC_NUMERIC, NumberPattern, format_compact_decimal, parse_pattern
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import LazyString, get_locale, get_timezone, get_translations, gettext
from flask_babel import format_date as babel_format_date
from flask_babel import format_datetime as babel_format_datetime
from flask_babel import lazy_gettext as _l
from jinja2 import pass_context
from markupsafe import Markup

from app.core.pages import local_path, safe_next
from app.extensions import babel

# Indonesia's three time zones, by the IANA names the product stores, with the labels people use.
TIME_ZONES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}

# Role names as people read them; the stored codes stay English and stable.
ROLE_LABELS = {
    "platform_admin": _l("Platform admin"),
    "ministry_admin": _l("Ministry admin"),
    "evaluator": _l("Evaluator"),
    "tenant_admin": _l("Tenant admin"),
    "planner": _l("Planner (Bappeda)"),
    "opd_operator": _l("OPD operator"),
    "council_member": _l("Council member"),
    "viewer": _l("Viewer"),
}

EMPTY = "–"


def select_locale() -> str:
    """The language of this response: an explicit ?lang=, the session, the user's choice, else Indonesian."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        # Jobs, the CLI and mails built outside a request speak the default language.
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    wanted = request.args.get("lang")
    if wanted in languages:
        return wanted
    if session.get("locale") in languages:
        return session["locale"]
    user = g.get("user")
    if user is not None and user.locale in languages:
        return user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def switch_target() -> str:
    """Where the language switch returns: this page, without a ``lang`` that would override the choice.

    After a form's answer (a POST) only a page that can be fetched again; otherwise the default. A page
    reached by an odd path (``//host``, ``/%09/host``, a backslash) is not offered as the way back."""
    if request.method != "GET":
        target = request.path if request.url_rule and "GET" in request.url_rule.methods else ""
    else:
        query = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
        target = f"{request.path}?{urlencode(query)}" if query else request.path
    return local_path(target) or ""


# Outside a tenant: the zone of the user's only tenant, if they have exactly one (set by app.tenants,
# since core imports no domain). A function of the user returning a zone name or None.
_home_timezone = None


def register_home_timezone(find) -> None:
    global _home_timezone
    _home_timezone = find


def select_timezone() -> str:
    """The tenant's zone on its pages; elsewhere the zone of the user's only tenant, else WIB."""
    tenant = g.get("tenant")
    if tenant is not None:
        return tenant.timezone
    home = _user_home_timezone()
    return home or current_app.config["BABEL_DEFAULT_TIMEZONE"]


def _user_home_timezone() -> str | None:
    """The zone of the only tenant of the user of this request (looked up once per request), or None."""
    if not has_request_context() or _home_timezone is None:
        return None
    if "home_timezone" not in g:
        user = g.get("user")
        g.home_timezone = _home_timezone(user) if user is not None else None
    return g.home_timezone


def zone_note() -> str:
    """The footer's sentence on the zone of the page's times: plain about the default outside a tenant."""
    if g.get("tenant") is not None or _user_home_timezone():
        return gettext("Times are shown in %(zone)s.", zone=zone_label())
    return gettext(
        "Times on this page are shown in %(zone)s (Jakarta time); a tenant's pages show its own zone.",
        zone=zone_label(),
    )


def zone_label(timezone: str | None = None) -> str:
    """WIB, WITA or WIT for the given zone (the current one when omitted)."""
    name = timezone or str(get_timezone())
    return TIME_ZONES.get(name, name)


def role_label(role: str | None) -> str:
    if not role:
        return EMPTY
    return str(ROLE_LABELS.get(role, role))


def lazy_join(parts, separator: str = ", ") -> LazyString:
    """Lazy messages (and plain text) joined when read, so a list inside a lazy message reads in the
    same language as the message around it."""
    parts = list(parts)
    return LazyString(lambda: separator.join(str(part) for part in parts))


def format_rupiah(amount: int | float | Decimal | None, compact: bool = False) -> str:
    """Rupiah without decimals, grouped for the locale: Rp 1.250.000.000 (id), Rp 1,250,000,000 (en).

    ``compact`` gives the short form used on cards and chart axes: Rp 1,25 M (id), Rp 1.25B (en)."""
    if amount is None:
        return EMPTY
    value = Decimal(str(amount))
    sign = "-" if value < 0 else ""
    if compact:
        digits = format_compact_decimal(abs(value), fraction_digits=2, locale=get_locale())
    else:
        digits = _formatted_number(abs(value).quantize(Decimal(1)), "#,##0")
    # Indonesian writes the sign before the currency: -Rp 5.000.
    return f"{sign}Rp {digits}"


@lru_cache(maxsize=32)
def _number_pattern(pattern: str) -> NumberPattern:
    # Parsed once: a page formats dozens of figures with the same few patterns.
    return parse_pattern(pattern)


def _formatted_number(value, pattern: str) -> str:
    """``value`` in the locale's digits and separators, as Flask-Babel's format_decimal formats it."""
    return _number_pattern(pattern).apply(value, get_locale() or LC_NUMERIC)


def format_number(value, digits: int = 0) -> str:
    if value is None:
        return EMPTY
    return _formatted_number(value, "#,##0" + ("." + "0" * digits if digits else ""))


def format_percent(value, digits: int = 0) -> str:
    """A share (0.456) as a percentage for the locale: 45,6% (id) or 45.6% (en) with digits=1."""
    if value is None:
        return EMPTY
    return _formatted_number(value, "#,##0" + ("." + "0" * digits if digits else "") + "%")


def format_file_size(size: int | None) -> str:
    """A file's size for the locale: 340 KB, 1,2 MB (id) or 1.2 MB (en)."""
    if size is None:
        return EMPTY
    if size < 1024 * 1024:
        return f"{format_number(max(size / 1024, 1))} KB"
    return f"{format_number(size / (1024 * 1024), 1)} MB"


def format_date(value: date | datetime | None, fmt: str = "medium") -> str:
    """A calendar date for the locale: 22 Mei 2024 (id), May 22, 2024 (en)."""
    if value is None:
        return EMPTY
    if isinstance(value, datetime):
        # A moment in time falls on the tenant's calendar day, not UTC's.
        return babel_format_datetime(value, _date_pattern(fmt))
    return babel_format_date(value, fmt)


def _date_pattern(fmt: str) -> str:
    return get_date_format(fmt, locale=get_locale()).pattern


def format_datetime(value: datetime | None, fmt: str = "medium") -> str:
    """A moment in the tenant's zone, to the minute, with the zone: 22 Mei 2024 14.30 WITA."""
    if value is None:
        return EMPTY
    locale = get_locale()
    date_part = _date_pattern(fmt)
    time_part = get_time_format("short", locale=locale).pattern
    pattern = get_datetime_format(fmt, locale=locale).replace("{1}", date_part).replace("{0}", time_part)
    return f"{babel_format_datetime(value, pattern)} {zone_label()}"


# --- translations in templates -----------------------------------------------------------------------

CATALOGUE = "_catalogue"


def _catalogue(context):
    """The catalogue a template translates with: the one render_template put in its context (looked up
    once per render, in the language then in force, a forced one included), else looked up now (a macro
    imported without context, a template rendered outside render_template)."""
    catalogue = context.get(CATALOGUE)
    return catalogue if catalogue is not None else get_translations()


def _formatted(context, text: str, variables: dict):
    # As Jinja's "newstyle" gettext: marked safe under autoescape (so the variables are escaped), and
    # always a format string, even without variables ("100%%" shows "100%").
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


@pass_context
def _template_gettext(context, message: str, **variables):
    return _formatted(context, _catalogue(context).ugettext(message), variables)


@pass_context
def _template_ngettext(context, singular: str, plural: str, num: int, **variables):
    variables.setdefault("num", num)
    return _formatted(context, _catalogue(context).ungettext(singular, plural, num), variables)


def _install_template_translations(app: Flask) -> None:
    """A page calls gettext a hundred times; Flask-Babel's callables look the language and the catalogue
    up on every call (a tenth of a page's time). These behave as Jinja's newstyle ones and take the
    catalogue that render_template looked up once."""
    app.context_processor(lambda: {CATALOGUE: get_translations()})
    app.jinja_env.globals.update(gettext=_template_gettext, _=_template_gettext, ngettext=_template_ngettext)


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    _install_template_translations(app)
    app.jinja_env.filters.update(
        rupiah=format_rupiah,
        number=format_number,
        percent=format_percent,
        date=format_date,
        datetime=format_datetime,
        file_size=format_file_size,
        role_label=role_label,
    )
    from app.core.form_errors import field_label, page_message
    from app.core.numbers import input_text

    # A stored number in a form field, as the page's language writes it (12,5 or 12.5).
    app.jinja_env.filters["input_number"] = input_text

    app.jinja_env.globals.update(
        current_locale=lambda: str(get_locale()),
        zone_label=zone_label,
        zone_note=zone_note,
        switch_target=switch_target,
        safe_next=safe_next,
        field_label=field_label,
        page_message=page_message,
    )
