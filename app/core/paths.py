"""Objects named in a tenant URL are resolved before the view runs, like the tenant itself.

Each domain registers the models behind its path parameters (``opd_id`` → ``Opd``). The resolver checks
that every such object exists in the current tenant and answers 404 otherwise, before the request body
is even read: another tenant's id gives nothing away, not even a validation error.
"""

import uuid

from flask import Flask, abort
from sqlalchemy import select

from app.core.db import TenantOwned

_models: dict[str, type[TenantOwned]] = {}


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
