"""Tenant context and the ORM hooks that enforce it.

The current tenant lives in a ContextVar, set for a request by the URL resolver, for a job by the job
wrapper, and for CLI and tests by ``tenant_context``. With it:

* every ORM SELECT/UPDATE/DELETE touching a ``TenantOwned`` model gets ``tenant_id = current`` added;
  one with no tenant set raises ``TenantContextMissing`` (fail closed);
* inserts are stamped with the current tenant, and a row of another tenant is refused;
* on PostgreSQL the tenant is passed to row-level security as a transaction-local setting.

``cross_tenant_read`` is the single escape hatch for reads across tenants (ministry comparisons, a user's
list of memberships). Grep for it to review every use.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from app.core.db import TenantOwned

_current_tenant: ContextVar[uuid.UUID | None] = ContextVar("current_tenant", default=None)
_cross_tenant: ContextVar[str | None] = ContextVar("cross_tenant", default=None)

RLS_TENANT_SETTING = "app.tenant_id"
RLS_CROSS_TENANT_SETTING = "app.cross_tenant"


class TenantContextMissing(RuntimeError):
    """A tenant-owned query ran with no tenant set."""


class CrossTenantWrite(RuntimeError):
    """A write would put or move a row into a tenant other than the current one."""


def current_tenant_id() -> uuid.UUID | None:
    return _current_tenant.get()


def in_cross_tenant_read() -> bool:
    return _cross_tenant.get() is not None


@contextmanager
def tenant_context(tenant_id: uuid.UUID | None) -> Iterator[None]:
    """Run the block as tenant ``tenant_id`` (None: no tenant, for platform-only work)."""
    token = _current_tenant.set(tenant_id)
    try:
        yield
    finally:
        _current_tenant.reset(token)


def enter_tenant(tenant_id: uuid.UUID | None):
    """Set the tenant until ``leave_tenant(token)``; for request hooks that cannot use a with-block."""
    return _current_tenant.set(tenant_id)


def leave_tenant(token) -> None:
    _current_tenant.reset(token)


@contextmanager
def cross_tenant_read(reason: str) -> Iterator[None]:
    """Escape hatch: read tenant-owned rows of every tenant. Writes stay confined to the current tenant."""
    if not reason:
        raise ValueError("cross_tenant_read needs a reason")
    token = _cross_tenant.set(reason)
    try:
        yield
    finally:
        _cross_tenant.reset(token)


def _touches_tenant_data(state: ORMExecuteState) -> bool:
    return any(issubclass(m.class_, TenantOwned) for m in state.all_mappers)


@event.listens_for(Session, "do_orm_execute")
def _scope_to_tenant(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if in_cross_tenant_read():
        if not state.is_select:
            raise CrossTenantWrite("cross_tenant_read allows reads only")
        return
    tenant_id = current_tenant_id()
    if tenant_id is None and _touches_tenant_data(state):
        raise TenantContextMissing("a tenant-owned query ran outside a tenant context")
    # Added even with no tenant set, so a tenant table reached through a join matches nothing.
    state.statement = state.statement.options(
        with_loader_criteria(TenantOwned, lambda cls: cls.tenant_id == tenant_id, include_aliases=True)
    )


@event.listens_for(Session, "before_flush")
def _guard_writes(session: Session, flush_context, instances) -> None:
    tenant_id = current_tenant_id()
    for obj in session.new:
        if not isinstance(obj, TenantOwned):
            continue
        if tenant_id is None:
            raise TenantContextMissing(f"cannot insert {type(obj).__name__} outside a tenant context")
        if obj.tenant_id is None:
            obj.tenant_id = tenant_id
        elif obj.tenant_id != tenant_id:
            raise CrossTenantWrite(f"{type(obj).__name__} belongs to another tenant")
    for obj in list(session.dirty) + list(session.deleted):
        if not isinstance(obj, TenantOwned):
            continue
        if inspect(obj).attrs.tenant_id.history.has_changes():
            raise CrossTenantWrite(f"{type(obj).__name__}.tenant_id cannot change")
        if obj.tenant_id != tenant_id:
            raise CrossTenantWrite(f"{type(obj).__name__} belongs to another tenant")


def install_rls_setting(engine: Engine) -> None:
    """On PostgreSQL, pass the current tenant to row-level security before each statement.

    The setting is transaction-local (``set_config(..., true)``), so a pooled connection never carries a
    tenant into the next transaction; it is sent again only when the value differs within a transaction.
    """
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "before_cursor_execute")
    def _set_tenant(conn, cursor, statement, parameters, context, executemany):
        wanted = (str(current_tenant_id() or ""), "on" if in_cross_tenant_read() else "")
        if conn.info.get("rls") == wanted:
            return
        cursor.execute(
            "select set_config(%s, %s, true), set_config(%s, %s, true)",
            (RLS_TENANT_SETTING, wanted[0], RLS_CROSS_TENANT_SETTING, wanted[1]),
        )
        conn.info["rls"] = wanted

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _forget(conn):
        conn.info.pop("rls", None)

    @event.listens_for(engine, "checkin")
    def _forget_on_return(dbapi_connection, connection_record):
        # The pool may end a transaction itself (reset on return); the setting went with it.
        connection_record.info.pop("rls", None)
