"""The audit log's plumbing: who is acting, automatic capture of ORM writes, and ``record_event``.

Every INSERT, UPDATE and DELETE the services make through the ORM is captured with its before and after
values: rows of a tenant go to that tenant's audit log, platform rows (tenants, users, tokens) to the
platform's. The entries of one flush are written with one INSERT per log, in the same transaction as the
change itself, so a rolled-back write leaves no entry and a committed one always has its entry.

``record_event`` records things that are not row writes (logins, refusals, exports). An event is written
with the caller's transaction when it commits; if the caller rolls back or never commits (a refused
login answers an error page), the event is still written when the request or job ends: refusals are
exactly what an audit log must not lose.

Who acts comes from a ContextVar that the request layer (``install``) and the job runner set with
``acting_as``. The storage tables belong to the audit domain, which hands them to ``install``.
"""

import enum
import json
import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import Flask, g, request
from sqlalchemy import Table, event, insert, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session

from app.core import tenancy  # noqa: F401 - its listeners must run before ours (tenant criteria first)
from app.core.db import TenantOwned, new_id, utcnow
from app.core.tenancy import current_tenant_id, tenant_context

log = logging.getLogger("kotacerdas.audit")

CREATE, UPDATE, DELETE = "create", "update", "delete"
WRITE_ACTIONS = (CREATE, UPDATE, DELETE)
# Bookkeeping columns: the entry itself says which object (object_id), whose (tenant) and when (at).
IGNORED_COLUMNS = frozenset({"id", "tenant_id", "created_at", "updated_at", "last_used_at"})
# Columns whose values never reach the log; that they changed still does.
SECRET_MARKERS = ("password", "secret", "token_hash")
REDACTED = "***"

# How each object type reads on the audit pages; domains register theirs next to their nav entries.
_object_labels: dict[str, object] = {}
_value_labels: dict[tuple[str, str], Callable[[object], object]] = {}

_PENDING = "audit_pending_events"
_SENT = "audit_sent_events"


@dataclass(frozen=True)
class AuditActor:
    user_id: uuid.UUID | None
    origin: str  # web, api, job, cli, system
    reference: str | None = None  # the request id or the job run id


_SYSTEM = AuditActor(user_id=None, origin="system")
_actor: ContextVar[AuditActor] = ContextVar("audit_actor", default=_SYSTEM)
_tables: dict[str, Table] = {}


def register_object_label(object_type: str, label) -> None:
    _object_labels[object_type] = label


def object_label(object_type: str | None):
    return _object_labels.get(object_type or "", object_type or "")


def register_value_label(object_type: str, column: str, label: Callable[[object], object]) -> None:
    """How a stored code in ``column`` reads on the audit pages: ``label(code)`` (a job kind, a role)."""
    _value_labels[(object_type, column)] = label


def value_label(object_type: str | None, column: str, value):
    label = _value_labels.get((object_type or "", column))
    return label(value) if label is not None and value is not None and value != "" else value


_event_labels: dict[str, object] = {}
_field_labels: dict[tuple[str | None, str], object] = {}
_references: dict[tuple[str, str], str] = {}


def register_event_label(action: str, label) -> None:
    """How an event reads on the audit pages: ``register_event_label("sso.login", _l("signed in"))``."""
    _event_labels[action] = label


def event_label(action: str):
    return _event_labels.get(action)


def event_labels() -> dict[str, object]:
    return dict(_event_labels)


def register_field_label(column: str, label, object_type: str | None = None) -> None:
    """How a column (of one object type, or of any) is named on the audit pages."""
    _field_labels[(object_type, column)] = label


def field_label_of(object_type: str | None, column: str):
    """The audit pages' name for a column, or None when nobody named it."""
    return _field_labels.get((object_type, column)) or _field_labels.get((None, column))


def register_reference(object_type: str, column: str, target_type: str) -> None:
    """A column that names another object without a foreign key (a list of ids in one column, an id
    kept loose on purpose): the audit pages show that object's name instead of its id."""
    _references[(object_type, column)] = target_type


def registered_references() -> dict[tuple[str, str], str]:
    return dict(_references)


def current_actor() -> AuditActor:
    return _actor.get()


@contextmanager
def acting_as(user_id: uuid.UUID | None, origin: str, reference: str | None = None) -> Iterator[None]:
    """Attribute the writes and events of the block to ``user_id`` (None: the system)."""
    token = _actor.set(AuditActor(user_id, origin, reference))
    try:
        yield
    finally:
        _actor.reset(token)


# --- events --------------------------------------------------------------------------------------


def record_event(
    action: str,
    *,
    tenant_id: uuid.UUID | None = None,
    user_id: uuid.UUID | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    details: dict | None = None,
) -> None:
    """Record that ``action`` happened (e.g. ``sso.login``, ``sso.refused``), with who, where and details.

    It goes to the log of ``tenant_id`` (by default the current tenant), or to the platform's log when
    there is no tenant. ``user_id`` defaults to the acting user. ``details`` must never hold a secret
    (tokens, passwords, client secrets)."""
    entry = _entry(
        action,
        tenant_id=tenant_id or current_tenant_id(),
        object_type=object_type,
        object_id=object_id,
        details=_jsonable(details or {}),
        user_id=user_id,
    )
    log.info(json.dumps({k: v for k, v in entry.items() if k not in ("id", "at")}, default=str))
    if _tables:
        from app.extensions import db

        db.session().info.setdefault(_PENDING, []).append(entry)


def write_pending_events() -> None:
    """Write the events the current unit of work recorded but did not commit, in a transaction of their
    own. Called when a request or job ends; whatever else was left uncommitted is discarded, as it
    would be anyway."""
    from app.extensions import db

    session = db.session()
    if not session.info.get(_PENDING):
        return
    session.rollback()
    events = session.info.pop(_PENDING, [])
    _write(session, events)
    session.commit()


@event.listens_for(Session, "before_commit")
def _send_events(session: Session) -> None:
    events = session.info.pop(_PENDING, None)
    if events and _tables:
        _write(session, events)
        session.info.setdefault(_SENT, []).extend(events)


@event.listens_for(Session, "after_commit")
def _events_committed(session: Session) -> None:
    session.info.pop(_SENT, None)


@event.listens_for(Session, "after_rollback")
def _events_rolled_back(session: Session) -> None:
    # The events went down with the transaction: they are pending again, for write_pending_events.
    sent = session.info.pop(_SENT, None)
    if sent:
        session.info.setdefault(_PENDING, []).extend(sent)


# --- capture of ORM writes -------------------------------------------------------------------------


def _audited(cls: type, action: str) -> bool:
    """Models opt out with ``__audit__ = False`` or keep only some actions: ``__audit__ = {"create"}``."""
    setting = getattr(cls, "__audit__", True)
    return setting is True or (setting is not False and action in setting)


@event.listens_for(Session, "after_flush")
def _capture_flush(session: Session, flush_context) -> None:
    if not _tables:
        return
    changes = [(obj, CREATE) for obj in session.new]
    changes += [(obj, UPDATE) for obj in session.dirty if session.is_modified(obj, include_collections=False)]
    changes += [(obj, DELETE) for obj in session.deleted]
    entries = [e for obj, action in changes if (e := _row_entry(obj, action)) is not None]
    _write(session, entries)


@event.listens_for(Session, "do_orm_execute")
def _capture_bulk(state: ORMExecuteState):
    """Bulk ``update(Model)``/``delete(Model)`` statements bypass the flush: load the rows they touch
    first (one query, scoped like any other), run the statement, then record each row."""
    if not _tables or not (state.is_update or state.is_delete) or state.bind_mapper is None:
        return None
    cls = state.bind_mapper.class_
    action = UPDATE if state.is_update else DELETE
    if not _audited(cls, action):
        return None
    touched = select(cls)
    if state.statement.whereclause is not None:
        touched = touched.where(state.statement.whereclause)
    rows = state.session.scalars(touched).all()
    before = {id(obj): _column_values(obj) for obj in rows}
    result = state.invoke_statement()
    entries = []
    for obj in rows:
        after = None if action == DELETE else _column_values(obj)
        old, new = _diff(before[id(obj)], after)
        if action == DELETE or old or new:
            entries.append(_object_entry(obj, action, old, new))
    _write(state.session, entries)
    return result


def _column_values(obj) -> dict:
    state = inspect(obj)
    return {attr.key: state.dict[attr.key] for attr in state.mapper.column_attrs if attr.key in state.dict}


def _diff(before: dict, after: dict | None) -> tuple[dict | None, dict | None]:
    if after is None:
        return _clean(before), None
    keys = [k for k in after if k not in IGNORED_COLUMNS and before.get(k) != after[k]]
    return _clean({k: before.get(k) for k in keys}), _clean({k: after[k] for k in keys})


def _row_entry(obj, action: str) -> dict | None:
    if not _audited(type(obj), action):
        return None
    state = inspect(obj)
    if action == CREATE:
        return _object_entry(obj, action, None, _clean(_column_values(obj)))
    if action == DELETE:
        return _object_entry(obj, action, _clean(_column_values(obj)), None)
    before, after = {}, {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if attr.key in IGNORED_COLUMNS or not history.has_changes():
            continue
        before[attr.key] = history.deleted[0] if history.deleted else None
        after[attr.key] = history.added[0] if history.added else None
    if not after:
        return None
    return _object_entry(obj, action, _clean(before), _clean(after))


def _object_entry(obj, action: str, before: dict | None, after: dict | None) -> dict:
    state = inspect(obj)
    pk = [state.dict.get(state.mapper.get_property_by_column(c).key) for c in state.mapper.primary_key]
    tenant_id = state.dict.get("tenant_id") if isinstance(obj, TenantOwned) else None
    object_id = str(state.dict.get("id")) if isinstance(obj, TenantOwned) else ",".join(str(v) for v in pk)
    return _entry(
        action,
        tenant_id=tenant_id,
        object_type=type(obj).__name__,
        object_id=object_id,
        before=before,
        after=after,
    )


def _entry(
    action: str, *, tenant_id, object_type, object_id, before=None, after=None, details=None, user_id=None
) -> dict:
    actor = current_actor()
    return {
        "id": new_id(),
        "at": utcnow(),
        "tenant_id": tenant_id,
        "user_id": user_id or actor.user_id,
        "origin": actor.origin,
        "reference": actor.reference,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "before": before,
        "after": after,
        "details": details,
    }


def _clean(values: dict | None) -> dict | None:
    if values is None:
        return None
    return {
        key: (REDACTED if value is not None and any(m in key for m in SECRET_MARKERS) else _jsonable(value))
        for key, value in values.items()
        if key not in IGNORED_COLUMNS
    }


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def _write(session: Session, entries: list[dict]) -> None:
    """One INSERT per log and tenant (in practice: one per flush), as that tenant for row-level security."""
    if not entries:
        return
    connection = session.connection()
    platform = [_platform_row(e) for e in entries if e["tenant_id"] is None]
    if platform:
        connection.execute(insert(_tables["platform"]), platform)
    by_tenant: dict[uuid.UUID, list[dict]] = {}
    for entry in entries:
        if entry["tenant_id"] is not None:
            by_tenant.setdefault(entry["tenant_id"], []).append(entry)
    for tenant_id, rows in by_tenant.items():
        with tenant_context(tenant_id):
            connection.execute(insert(_tables["tenant"]), rows)


def _platform_row(entry: dict) -> dict:
    row = {k: v for k, v in entry.items() if k != "tenant_id"}
    row["context_tenant_id"] = current_tenant_id()
    return row


# --- the request layer -----------------------------------------------------------------------------


def _bind_request_actor() -> None:
    user = g.get("user")
    origin = "api" if request.path.startswith("/api/") else "web"
    g.audit_token = _actor.set(AuditActor(user.id if user else None, origin, g.get("request_id")))


def _end_request(exc=None) -> None:
    try:
        write_pending_events()
    except Exception:  # noqa: BLE001 - the response is already decided; the events stay in the log line
        log.exception("audit events of this request could not be written")
    finally:
        token = g.pop("audit_token", None)
        if token is not None:
            _actor.reset(token)


def install(app: Flask, *, tenant_table: Table, platform_table: Table) -> None:
    """Turn capture on, writing to these tables, and attribute each request's writes to its caller.

    Registered after the tenant resolver, so the caller is known when the actor is bound."""
    _tables.update(tenant=tenant_table, platform=platform_table)
    app.before_request(_bind_request_actor)
    app.teardown_request(_end_request)
