"""Language, time zone and number formats.

Bahasa Indonesia by default; English by a switch remembered in the session (and on the user when logged
in). Times show in the current tenant's zone (WIB/WITA/WIT).
"""

from decimal import Decimal

from flask import Flask, current_app, g, request, session
from flask_babel import format_datetime, format_decimal, get_locale

from app.extensions import babel


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    wanted = request.args.get("lang") if request else None
    if wanted in languages:
        return wanted
    if session.get("locale") in languages:
        return session["locale"]
    user = g.get("user")
    if user is not None and user.locale in languages:
        return user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    tenant = g.get("tenant")
    return tenant.timezone if tenant is not None else current_app.config["BABEL_DEFAULT_TIMEZONE"]


def format_rupiah(amount: int | float | Decimal | None) -> str:
    """Rupiah without decimals, grouped for the locale: Rp 1.250.000.000 (id), Rp 1,250,000,000 (en)."""
    if amount is None:
        return "–"
    return "Rp " + format_decimal(Decimal(amount).quantize(Decimal(1)), format="#,##0")


def format_number(value, digits: int = 0) -> str:
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern)


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.filters["rupiah"] = format_rupiah
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": (
        format_datetime(value, fmt) if value else "–"
    )
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
