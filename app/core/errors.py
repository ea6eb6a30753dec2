"""Domain errors raised by services, and how they reach API clients and people.

Services raise these; the API answers JSON ``{"code", "message", "errors"}`` and pages render an error
page in the product's layout. Another tenant's object is always ``NotFound``, never ``PermissionDenied``.
"""

import sqlite3

from flask import Flask, render_template, request
from flask_babel import LazyString, force_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, InternalServerError

from app.core.tenancy import CrossTenantWrite


class LazyText(LazyString):
    """A lazy message that templates escape like any text. Flask-Babel's LazyString calls itself safe
    HTML, and an error message may quote what someone typed (a code, a status)."""

    def __html__(self):
        return escape(str(self))


def as_text(value):
    """Lazy messages, alone or in error lists and mappings, as ``LazyText``; anything else as it is."""
    if isinstance(value, LazyString) and not isinstance(value, LazyText):
        return LazyText(str, value)
    if isinstance(value, list):
        return [as_text(item) for item in value]
    if isinstance(value, dict):
        return {key: as_text(item) for key, item in value.items()}
    return value


def rendered(value):
    """Lazy messages as text in the current language, in error lists and mappings too (for JSON, mail,
    a database column or a join, which take only ``str``)."""
    if isinstance(value, LazyString):
        return str(value)
    if isinstance(value, list):
        return [rendered(item) for item in value]
    if isinstance(value, dict):
        return {key: rendered(item) for key, item in value.items()}
    return value


class DomainError(Exception):
    """Messages are lazy (``_l``) where people read them: rendered in English for the API and in the
    reader's language on pages, whenever they are read."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str | None = None, errors: dict[str, list[str]] | None = None):
        super().__init__(message or self.code)
        self.message = as_text(message)
        self.errors = as_text(errors or {})


class NotFound(DomainError):
    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Stale(DomainError):
    status = 412
    code = "precondition_failed"


class ValidationFailed(DomainError):
    status = 422
    code = "unprocessable_entity"

    @classmethod
    def field(cls, name: str, message: str) -> "ValidationFailed":
        return cls(message, {name: [message]})


class TenantSuspended(DomainError):
    status = 403
    code = "tenant_suspended"


CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "unprocessable_entity",
    428: "precondition_required",
    429: "too_many_requests",
    500: "internal_error",
    503: "service_unavailable",
}

PAGE_TITLES = {
    400: _l("The request could not be understood"),
    401: _l("Please log in"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    409: _l("This change conflicts with the current data"),
    412: _l("Someone else changed this in the meantime"),
    413: _l("The file is too large"),
    422: _l("Some fields need attention"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
    503: _l("The service is unavailable for a moment"),
}


def is_api_request() -> bool:
    return request.path.startswith("/api/")


WEBARGS_LOCATIONS = ("json", "query", "form", "files", "multipart", "headers", "path")


def flatten_errors(errors) -> dict[str, list[str]]:
    """Errors as the API documents them: each field's name and a list of messages. webargs nests errors by
    location ({"json": {"name": [...]}}), and marshmallow by list index and mapping key
    ({"budget_lines": {"0": {"amount": [...]}}}): the location goes, and a nested message keeps its
    place in front ("0.amount: ...")."""
    if not isinstance(errors, dict):
        return {}
    flat: dict[str, list[str]] = {}
    for key, value in errors.items():
        if key in WEBARGS_LOCATIONS and isinstance(value, dict):
            for field, messages in value.items():
                flat[str(field)] = _messages(messages)
        else:
            flat[str(key)] = _messages(value)
    return flat


def _messages(value, place: str = "") -> list:
    if isinstance(value, dict):
        return [m for key, inner in value.items() for m in _messages(inner, f"{place}{key}.")]
    if isinstance(value, list | tuple):
        return [m for item in value for m in _messages(item, place)]
    return [f"{place[:-1]}: {value}" if place else value]


def api_error(status: int, message: str | None = None, errors=None, headers=None, code: str | None = None):
    # API messages stay English whatever the caller's language: programs read them, and the field
    # names and codes beside them are what a client relies on. Pages show the same errors translated.
    with force_locale("en"):
        payload = {
            "code": code or CODES.get(status, "error"),
            "message": str(message or PAGE_TITLES.get(status, "")),
        }
        if errors:
            payload["errors"] = rendered(flatten_errors(errors))
    return payload, status, headers or {}


def page_error(status: int, message: str | None = None, errors=None, template: str = "errors/error.html"):
    title = PAGE_TITLES.get(status, PAGE_TITLES[400])
    return render_template(template, status=status, title=title, message=message, errors=errors), status


def handle_http_exception(error: HTTPException):
    data = getattr(error, "data", None) or {}
    status = error.code or 500
    message = data.get("message")
    if isinstance(error, CSRFError):
        message = str(_l("The form had expired. Reload the page and try again."))
    if is_api_request():
        errors = data.get("errors") or data.get("messages")
        return api_error(status, message, errors, data.get("headers"))
    return page_error(status, message)


def handle_domain_error(error: DomainError):
    if is_api_request():
        return api_error(error.status, error.message, error.errors, code=error.code)
    if isinstance(error, TenantSuspended):
        return page_error(error.status, error.message, template="errors/suspended.html")
    return page_error(error.status, error.message, error.errors)


def handle_server_error(error: InternalServerError):
    """An unexpected failure (already logged by Flask): the error page, or JSON for the API."""
    # The failed transaction must not leak into rendering the error page (or the next request).
    _roll_back_quietly()
    try:
        if is_api_request():
            return api_error(500)
        return page_error(500)
    except Exception:  # noqa: BLE001 - the layout itself failed; answer plainly rather than not at all
        return FALLBACK_500, 500, {"Content-Type": "text/html; charset=utf-8"}


def _roll_back_quietly() -> None:
    """Roll the session back; on a dead connection that fails too, and an error handler must not raise."""
    from app.extensions import db

    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone; the pool replaces it
        db.session.close()


def handle_database_unavailable(error: Exception):
    """The database does not answer (down, restarting, out of connections): 503 with Retry-After, JSON
    for the API and, for pages, a page of its own in the reader's language that reads nothing from the
    database. Never raises for an outage: whatever fails here falls back to a plain bilingual page."""
    from flask import current_app

    if not is_database_outage(error):
        # A bad query (no such table, a syntax error) is a bug, not an outage: raised again, Flask logs
        # it and answers the usual 500 (or hands it to the test that caused it).
        raise error
    _roll_back_quietly()
    headers = {"Retry-After": str(current_app.config.get("DATABASE_RETRY_AFTER_SECONDS", 30))}
    try:
        if is_api_request():
            message = _l("The database is unavailable. Try again shortly.")
            return api_error(503, message, headers=headers)
        return render_template("errors/unavailable.html"), 503, headers
    except Exception:  # noqa: BLE001 - answer plainly rather than not at all
        return FALLBACK_503, 503, {**headers, "Content-Type": "text/html; charset=utf-8"}


FALLBACK_503 = (
    "<!doctype html><title>503</title><h1>Layanan sedang tidak tersedia / Service unavailable</h1>"
    "<p>Coba lagi sebentar lagi. / Please try again shortly.</p>"
)


FALLBACK_500 = (
    "<!doctype html><title>500</title><h1>Terjadi kesalahan / Something went wrong</h1>"
    '<p><a href="/">Kota Cerdas</a></p>'
)


def handle_cross_tenant_write(error: CrossTenantWrite):
    # A request that tries to write another tenant's row is treated like any other unreachable object.
    return handle_domain_error(NotFound())


# What SQLAlchemy raises when the database cannot be reached or a connection died under a request.
# OperationalError also covers mistakes in a query on SQLite ("no such table"), hence is_database_outage.
DATABASE_UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)

# PostgreSQL's error codes for a refused or lost connection: class 08 (connection exception), the server
# shutting down or starting up (57P01-57P03) and too many connections (53300).
POSTGRES_OUTAGE_STATES = ("08", "57P01", "57P02", "57P03", "53300")

# SQLite's result codes for a database that cannot be opened or is held by another process; anything
# else (SQLITE_ERROR: no such table, a syntax error) is a mistake in the query.
SQLITE_OUTAGE_CODES = (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def is_database_outage(error: Exception) -> bool:
    """Whether a database error means the database cannot be reached (503) rather than a bad query (500)."""
    if isinstance(error, sa_exc.InterfaceError | sa_exc.TimeoutError):
        return True  # a closed connection, or none free in the pool
    if getattr(error, "connection_invalidated", False):
        return True  # SQLAlchemy recognised a dropped connection
    original = getattr(error, "orig", None)
    if isinstance(original, sqlite3.Error):
        return (getattr(original, "sqlite_errorcode", 0) & 0xFF) in SQLITE_OUTAGE_CODES
    sqlstate = getattr(original, "sqlstate", None)
    # psycopg gives no SQLSTATE when it could not connect at all (refused, timed out, no such host).
    return sqlstate is None or sqlstate.startswith(POSTGRES_OUTAGE_STATES)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(InternalServerError, handle_server_error)
    for error in DATABASE_UNAVAILABLE:
        app.register_error_handler(error, handle_database_unavailable)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(CrossTenantWrite, handle_cross_tenant_write)
