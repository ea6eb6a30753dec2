"""Helpers shared by page views: login requirement, form values, paginated lists and htmx fragments."""

import re
import unicodedata
import uuid
from dataclasses import dataclass
from functools import wraps
from urllib.parse import unquote, urlsplit

from flask import abort, g, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.core import bounds
from app.core.errors import ValidationFailed
from app.extensions import db


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if g.get("user") is None:
            return redirect(url_for("accounts.login", next=request.full_path))
        return view(*args, **kwargs)

    return wrapper


def platform_admin_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not g.actor.is_platform_admin:
            abort(404)
        return view(*args, **kwargs)

    return wrapper


def form_uuids(name: str) -> list[uuid.UUID]:
    values = []
    for raw in request.form.getlist(name):
        try:
            values.append(uuid.UUID(raw))
        except ValueError:
            continue
    return values


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def safe_next(default: str) -> str:
    """Where a login, an SSO login or the language switch goes next: the ``next`` asked for when it is a
    path on this site, else ``default`` (the start page)."""
    return local_path(request.values.get("next")) or default


# A redirect target is a path on this site, nothing else. Browsers forgive a lot in a Location header
# (they drop tabs and newlines, read "\\" as "/", trim leading spaces, map full-width characters), so a
# target is checked as sent and fully percent-decoded, and anything unusual is refused, never cleaned.
NEXT_MAX_LENGTH = 2000
_DECODE_ROUNDS = 5
_QUERY_START = re.compile(r"[?#]")


def local_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site (``/t/kota-palopo/opds?page=2``), else None.

    Refused: schemes and hosts (``https://x``, ``//x``, ``/%2F/x``), backslashes, whitespace and control
    characters anywhere (raw or percent-encoded, however often), non-ASCII or dot segments in the path."""
    if not target or len(target) > NEXT_MAX_LENGTH or any(c.isspace() for c in target):
        return None
    path, separator, query = _split_query(target)
    decoded_path, decoded_query = _decoded(path), _decoded(query)
    if decoded_path is None or decoded_query is None or not path.startswith("/"):
        return None
    if not _is_plain_path(decoded_path) or not _is_plain_query(decoded_query):
        return None
    return path if separator == "?" and not query else target  # "/opds?" (an empty query) is "/opds"


def _split_query(target: str) -> tuple[str, str, str]:
    """The path, the separator ("?" or "#", or "") and what follows, split where a browser splits."""
    found = _QUERY_START.search(target)
    if found is None:
        return target, "", ""
    return target[: found.start()], found.group(), target[found.end() :]


def _decoded(text: str) -> str | None:
    """``text`` percent-decoded until it no longer changes (``%252F`` is "/"); None if it never settles."""
    for _round in range(_DECODE_ROUNDS):
        decoded = unquote(text)
        if decoded == text:
            return text
        text = decoded
    return None


def _is_plain_path(path: str) -> bool:
    """One leading slash, then printable ASCII without spaces, backslashes or "." and ".." segments."""
    if not path.startswith("/") or path[1:2] == "/":
        return False
    if any(not ("!" <= c <= "~") or c == "\\" for c in path):
        return False
    if {".", ".."} & set(path.split("/")):
        return False
    parts = urlsplit(path)
    return not parts.scheme and not parts.netloc


def _is_plain_query(query: str) -> bool:
    """Text a person may search for (spaces and non-Latin letters included), without a backslash or any
    control, format or line-separator character."""
    for c in query:
        if c == "\\" or unicodedata.category(c)[0] == "C" or (c.isspace() and c != " "):
            return False
    return True


# --- lists: pagination and htmx fragments ------------------------------------------------------

PER_PAGE = 20


@dataclass
class Page:
    """One page of a list, with what the pagination links need."""

    items: list
    page: int
    per_page: int
    total: int
    param: str = "page"

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_index(self) -> int:
        """The 1-based position of the first row shown (0 when the list is empty)."""
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return min(self.page * self.per_page, self.total)


def page_number(name: str = "page") -> int:
    """The requested page from the query string; anything but a whole number from 1 (to
    ``bounds.PAGE_MAX``) is refused (422)."""
    raw = request.args.get(name, "").strip()
    if raw and not (raw.isascii() and raw.isdigit() and raw.strip("0")):
        raise ValidationFailed.field(name, _("Use a whole number from 1."))
    return bounds.whole_number(name, raw, maximum=bounds.PAGE_MAX) or 1


def paginate(stmt, *, per_page: int = PER_PAGE, rows: bool = False, param: str = "page") -> Page:
    """Run ``stmt`` for the requested page: a count and one page of rows, two queries at any size.

    A page past the end shows the last page. ``rows=True`` returns whole rows (several entities).
    ``param`` names the query parameter, for a second list on the same page."""
    wanted = page_number(param)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    page = min(wanted, max(1, -(-total // per_page)))
    query = stmt.limit(per_page).offset((page - 1) * per_page)
    items = db.session.execute(query).all() if rows else db.session.scalars(query).all()
    return Page(list(items), page, per_page, total, param)


def wants_fragment(target: str) -> bool:
    """An htmx request that swaps only the element ``target`` (e.g. a table while filtering).

    A history restore (back button after the cache is gone) asks for the whole page again."""
    return (
        is_htmx()
        and request.headers.get("HX-Target") == target
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def search_arg(name: str = "q", max_length: int = 100) -> str:
    """A free-text filter from the query string, trimmed; over ``max_length`` is refused (422)."""
    value = request.args.get(name, "").strip()
    if len(value) > max_length:
        raise ValidationFailed.field(name, _("At most %(count)d characters.", count=max_length))
    return value
