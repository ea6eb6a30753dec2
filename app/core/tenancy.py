"""Tenant context, the ORM hooks that enforce it, and the two narrow ways to read beyond one tenant.

The current tenant lives in a ContextVar, set for a request by the URL resolver (after it checked the
caller's membership), for a job by the job runner (after it checked the requester), and for CLI, seeding
and tests by ``tenant_context``. With it:

* every ORM SELECT/UPDATE/DELETE touching a ``TenantOwned`` model gets ``tenant_id = current`` added;
  one with no tenant set raises ``TenantContextMissing`` (fail closed);
* inserts are stamped with the current tenant, and a row of another tenant is refused;
* on PostgreSQL the tenant is passed to row-level security as a transaction-local setting.

``tenant_context``/``enter_tenant`` set exactly one tenant; they never open a second one. Reads beyond
the current tenant exist only through:

* ``ministry_read(actor, tenant_ids, reason)``: a ministry role reads a set of tenants it may read,
  read-only, with one audit entry (who, which tenants, why). The allowed set it holds is the only value
  of the ORM's ``tenant_id IN (...)`` criteria and of the ``app.tenant_ids`` setting row-level security
  accepts; nothing else in the code sets them (``tests/isolation/test_ministry_read.py`` checks);
* ``own_memberships(user_id)``: a person's own memberships in every tenant (the tenant picker), and no
  other tenant row.
"""

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy import event, false, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from app.core.db import Base, TenantOwned

if TYPE_CHECKING:  # auth and errors import this module (CrossTenantWrite): imported where used
    from app.core.auth import Actor

_current_tenant: ContextVar[uuid.UUID | None] = ContextVar("current_tenant", default=None)
# Set only by ministry_read: the tenants a ministry role may read in the block (row-level security's
# 'app.tenant_ids'). Private, and a test fails if any other code touches it.
_ministry_tenants: ContextVar[frozenset[uuid.UUID] | None] = ContextVar("ministry_tenants", default=None)
# Set only by own_memberships: the person whose memberships the block reads (RLS's 'app.user_id').
_own_memberships_of: ContextVar[uuid.UUID | None] = ContextVar("own_memberships_of", default=None)

RLS_TENANT_SETTING = "app.tenant_id"
RLS_TENANT_SET_SETTING = "app.tenant_ids"
RLS_USER_SETTING = "app.user_id"
# The one tenant-owned column that names the person a row belongs to (Membership.user_id) carries
# ``__own_rows_column__ = "user_id"``; own_memberships reads rows through it and nothing else.
OWN_ROWS_MARKER = "__own_rows_column__"
MINISTRY_READ_EVENT = "ministry.read"


class TenantContextMissing(RuntimeError):
    """A tenant-owned query ran with no tenant set."""


class CrossTenantWrite(RuntimeError):
    """A write would put or move a row into a tenant other than the current one, or was made inside a
    read across tenants."""


def current_tenant_id() -> uuid.UUID | None:
    return _current_tenant.get()


def ministry_tenant_ids() -> frozenset[uuid.UUID] | None:
    """The tenants the current ministry read covers, or None outside one."""
    return _ministry_tenants.get()


def _refuse_inside_wider_read() -> None:
    # Entering a tenant inside a ministry read would step out of its allowed set (and out of its audit).
    if _ministry_tenants.get() is not None or _own_memberships_of.get() is not None:
        raise RuntimeError("a tenant cannot be entered inside ministry_read or own_memberships")


@contextmanager
def tenant_context(tenant_id: uuid.UUID | None) -> Iterator[None]:
    """Run the block as tenant ``tenant_id`` (None: no tenant, for platform-only work).

    The caller has already decided that this tenant is theirs to act in (the job runner checked the
    requester, a service its actor, the CLI is the operator's); it sets one tenant and never a set."""
    _refuse_inside_wider_read()
    token = _current_tenant.set(tenant_id)
    try:
        yield
    finally:
        _current_tenant.reset(token)


def enter_tenant(tenant_id: uuid.UUID | None):
    """Set the tenant until ``leave_tenant(token)``: for the URL resolver, whose before- and teardown
    hooks cannot share a with-block. The same rules as ``tenant_context``."""
    _refuse_inside_wider_read()
    return _current_tenant.set(tenant_id)


def leave_tenant(token) -> None:
    _current_tenant.reset(token)


# --- the ministry access path ----------------------------------------------------------------------


def _may_read(actor: "Actor", tenant_ids: frozenset[uuid.UUID], cycle_id: uuid.UUID | None) -> bool:
    from app.core.auth import EVALUATOR, MINISTRY_ADMIN

    if actor.user_id is None:
        return False
    if actor.platform_role == MINISTRY_ADMIN:
        return True
    if actor.platform_role != EVALUATOR or not actor.assignments:
        return False
    assigned = {t for c, t in actor.assignments if cycle_id is None or c == cycle_id}
    return tenant_ids <= assigned


@contextmanager
def ministry_read(
    actor: "Actor", tenant_ids: Iterable[uuid.UUID], reason: str, *, cycle_id: uuid.UUID | None = None
) -> Iterator[frozenset[uuid.UUID]]:
    """Read the data of ``tenant_ids`` as a ministry role, for ``reason``; the only read across tenants.

    A ministry admin reads any tenant; an evaluator only tenants among their assignments (of
    ``cycle_id`` when given). The read is recorded once in the platform's audit log (who, which tenants,
    why). In the block no tenant is current: tenant-owned queries see the allowed tenants only (ORM
    criteria and row-level security alike), a flush of any change raises ``CrossTenantWrite``, and no
    tenant can be entered. Callers filter to what a tenant released (enacted, published, submitted):
    this scopes tenants, not statuses."""
    if not reason:
        raise ValueError("ministry_read needs a reason")
    allowed = frozenset(uuid.UUID(str(t)) for t in tenant_ids)
    if not _may_read(actor, allowed, cycle_id):
        from app.core.errors import PermissionDenied

        raise PermissionDenied()
    _refuse_inside_wider_read()
    _flush_pending()  # writes made before the block are the caller's, not part of the read
    from app.core.audit import record_event

    tenant_token = _current_tenant.set(None)
    try:
        record_event(
            MINISTRY_READ_EVENT,
            user_id=actor.user_id,
            details={
                "reason": reason,
                "role": actor.platform_role,
                "cycle_id": cycle_id,
                "tenant_ids": sorted(str(t) for t in allowed),
            },
        )
        set_token = _ministry_tenants.set(allowed)
        try:
            yield allowed
        finally:
            _ministry_tenants.reset(set_token)
    finally:
        _current_tenant.reset(tenant_token)


@contextmanager
def own_memberships(user_id: uuid.UUID) -> Iterator[None]:
    """Read ``user_id``'s own memberships in every tenant (and platform tables), read-only.

    No other tenant-owned row is reachable in the block: a query on any other tenant table raises
    ``TenantContextMissing``, and row-level security shows only this person's membership rows."""
    if user_id is None:
        raise ValueError("own_memberships needs a user")
    _refuse_inside_wider_read()
    _flush_pending()
    tenant_token = _current_tenant.set(None)
    user_token = _own_memberships_of.set(uuid.UUID(str(user_id)))
    try:
        yield
    finally:
        _own_memberships_of.reset(user_token)
        _current_tenant.reset(tenant_token)


def _flush_pending() -> None:
    from app.extensions import db

    db.session.flush()


# --- ORM hooks ------------------------------------------------------------------------------------


def _tenant_mappers(state: ORMExecuteState) -> list:
    return [m for m in state.all_mappers if issubclass(m.class_, TenantOwned)]


def _read_only(state: ORMExecuteState, what: str) -> None:
    if not state.is_select:
        raise CrossTenantWrite(f"{what} allows reads only")


@event.listens_for(Session, "do_orm_execute")
def _scope_to_tenant(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    allowed = _ministry_tenants.get()
    if allowed is not None:
        _read_only(state, "ministry_read")
        ids = tuple(allowed)
        state.statement = state.statement.options(
            with_loader_criteria(TenantOwned, lambda cls: cls.tenant_id.in_(ids), include_aliases=True)
        )
        return
    person = _own_memberships_of.get()
    if person is not None:
        _read_only(state, "own_memberships")
        for mapper in _tenant_mappers(state):
            if getattr(mapper.class_, OWN_ROWS_MARKER, None) is None:
                raise TenantContextMissing(f"own_memberships reads no {mapper.class_.__name__}")
        state.statement = state.statement.options(*_own_rows_criteria(person))
        return
    tenant_id = current_tenant_id()
    if tenant_id is None and _tenant_mappers(state):
        raise TenantContextMissing("a tenant-owned query ran outside a tenant context")
    # Added even with no tenant set, so a tenant table reached through a join matches nothing.
    state.statement = state.statement.options(_tenant_criteria(tenant_id))


@lru_cache(maxsize=1024)
def _tenant_criteria(tenant_id: uuid.UUID | None):
    """The criteria option of one tenant, built once per tenant: building it for every statement cost
    about a fifth of a simple query's time. The lambda's closure holds this tenant only."""
    return with_loader_criteria(TenantOwned, lambda cls: cls.tenant_id == tenant_id, include_aliases=True)


def _own_rows_criteria(person: uuid.UUID) -> list:
    """Criteria for every tenant-owned model, also where a statement only counts or joins them: the
    person's own rows of the model that names its person, nothing of any other."""
    options = []
    for mapper in Base.registry.mappers:
        model = mapper.class_
        if not issubclass(model, TenantOwned):
            continue
        column = getattr(model, OWN_ROWS_MARKER, None)
        criterion = getattr(model, column) == person if column else false()
        options.append(with_loader_criteria(model, criterion, include_aliases=True))
    return options


@event.listens_for(Session, "before_flush")
def _guard_writes(session: Session, flush_context, instances) -> None:
    if _ministry_tenants.get() is not None or _own_memberships_of.get() is not None:
        if session.new or session.dirty or session.deleted:
            raise CrossTenantWrite("a read across tenants writes nothing")
        return
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


def _rls_values() -> tuple[str, str, str]:
    """The three settings row-level security reads: the tenant, the ministry's allowed set (a uuid[]
    literal), and the person reading their own memberships; '' where unset."""
    allowed = _ministry_tenants.get()
    person = _own_memberships_of.get()
    return (
        str(current_tenant_id() or ""),
        "" if allowed is None else "{" + ",".join(sorted(str(t) for t in allowed)) + "}",
        "" if person is None else str(person),
    )


def install_rls_setting(engine: Engine) -> None:
    """On PostgreSQL, pass the tenant (and a ministry read's set) to row-level security before each
    statement.

    The settings are transaction-local (``set_config(..., true)``), so a pooled connection never carries
    them into the next transaction; they are sent again only when they differ within a transaction.
    """
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "before_cursor_execute")
    def _set_tenant(conn, cursor, statement, parameters, context, executemany):
        wanted = _rls_values()
        if conn.info.get("rls") == wanted:
            return
        cursor.execute(
            "select set_config(%s, %s, true), set_config(%s, %s, true), set_config(%s, %s, true)",
            (RLS_TENANT_SETTING, wanted[0], RLS_TENANT_SET_SETTING, wanted[1], RLS_USER_SETTING, wanted[2]),
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
