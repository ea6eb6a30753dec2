"""Helpers shared by page views: login requirement, form values and re-rendering with errors."""

import uuid
from functools import wraps

from flask import abort, g, redirect, request, url_for


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
    """Only same-site paths are followed after login, never another host."""
    target = request.values.get("next") or ""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target.rstrip("?")
    return default
