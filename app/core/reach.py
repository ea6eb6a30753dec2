"""Anything out of the caller's reach answers 404: an unknown id, another tenant's object, or one the
caller may not see all look the same, so nobody learns what exists elsewhere.

Getters end in one of these instead of repeating ``if x is None: raise NotFound()``::

    return one_or_404(select(Opd).where(Opd.id == opd_id))
    return found(db.session.get(User, user_id))
"""

from typing import Any, TypeVar

from app.core.errors import NotFound
from app.core.tenancy import current_tenant_id, ministry_tenant_ids
from app.extensions import db

T = TypeVar("T")


def found(value: T | None, message=None) -> T:
    """``value``, or 404 (with ``message``, a lazy sentence) when there is none."""
    if value is None:
        raise NotFound(message)
    return value


def one_or_404(stmt, message=None) -> Any:
    """The first object ``stmt`` selects (tenant-scoped like any query), or 404."""
    return found(db.session.scalar(stmt), message)


def within_reach(obj: Any) -> bool:
    """Whether ``obj`` belongs to the tenant being acted in (or, in a ministry read, to its tenants);
    platform objects (no ``tenant_id``) always are."""
    tenant_id = getattr(obj, "tenant_id", None)
    if obj is None or tenant_id is None:
        return True
    if tenant_id == current_tenant_id():
        return True
    return tenant_id in (ministry_tenant_ids() or ())
