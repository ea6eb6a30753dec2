"""Objects named in a tenant URL are resolved before the view runs, like the tenant itself.

Each domain registers the models behind its path parameters (``opd_id`` → ``Opd``). The resolver checks
that every such object exists in the current tenant and answers 404 otherwise, before the request body
is even read: another tenant's id gives nothing away, not even a validation error.
"""

import uuid
from collections.abc import Callable

from flask import Flask, abort, current_app, request
from sqlalchemy import select

from app.core.db import TenantOwned

_models: dict[str, type[TenantOwned]] = {}
PUBLIC_ATTR = "_public_in_tenant"
_memberships_finder: Callable | None = None


def public(view):
    """Mark a tenant view reachable without membership (its login page, invitation acceptance)."""
    setattr(view, PUBLIC_ATTR, True)
    return view


def is_public_view() -> bool:
    """The request goes to a tenant view marked ``public`` (flask-smorest MethodViews: on the class)."""
    view = request.endpoint and current_app.view_functions.get(request.endpoint)
    return bool(view and getattr(getattr(view, "view_class", view), PUBLIC_ATTR, False))


def register_memberships_finder(find: Callable) -> None:
    """The tenants package tells how a person's tenants are found (lower layers may not import it)."""
    global _memberships_finder
    _memberships_finder = find


def memberships_of(user_id: uuid.UUID) -> list:
    """The person's tenants with their role in each, as ``(tenant, role)`` pairs."""
    return _memberships_finder(user_id) if _memberships_finder else []


def register_path_param(name: str, model: type[TenantOwned]) -> None:
    _models[name] = model


def check_path_objects(view_args: dict) -> None:
    from app.extensions import db

    for name, value in view_args.items():
        model = _models.get(name)
        if not (model is not None and isinstance(value, uuid.UUID)):
            continue
        if db.session.scalar(select(model.id).where(model.id == value)) is None:
            abort(404)


def verify_registered(app: Flask) -> None:
    """Fail at start-up if a tenant route takes an object id that nothing resolves."""
    for rule in app.url_map.iter_rules():
        if "<tenant>" not in rule.rule:
            continue
        for name, converter in rule._converters.items():
            if name.endswith("_id") and type(converter).__name__ == "UUIDConverter" and name not in _models:
                raise RuntimeError(f"{rule.rule}: register_path_param({name!r}, Model) is missing")
