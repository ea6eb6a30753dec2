"""The audit log as people read it: the people and objects an entry names by their names, never by ids;
columns by their labels; stored codes as words; instants and dates in the reader's time zone.

Names come from the objects themselves when they still exist (one query per kind of object on a page),
else from the log's own record of them (a removed OPD keeps the name it had), else the value says the
object is no longer known. Which column names which kind of object is read from the models' foreign
keys, plus the columns a domain registered with ``app.core.audit.register_reference``.
"""

import re
import uuid
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import inspect, select

from app.core import audit
from app.core.db import Base, TenantOwned
from app.core.form_errors import field_label
from app.core.i18n import format_date, format_datetime
from app.core.tenancy import current_tenant_id
from app.extensions import db

TITLE_FIELDS = ("name", "label", "title", "code", "email", "filename", "kind")
MAX_TEXT = 80
# Bookkeeping nobody reads: where a file lies in storage (its own ids joined into a path).
HIDDEN_FIELDS = frozenset({"storage_key"})
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@cache
def _classes() -> dict[str, type]:
    """Object type (the class name the log stores) -> mapped class."""
    return {mapper.class_.__name__: mapper.class_ for mapper in Base.registry.mappers}


@cache
def _foreign_keys() -> dict[tuple[str, str], str]:
    """(object type, column) -> the object type the column names, from the models' foreign keys."""
    by_table = {mapper.local_table.name: mapper.class_.__name__ for mapper in Base.registry.mappers}
    references = {}
    for mapper in Base.registry.mappers:
        for attr in mapper.column_attrs:
            if attr.key == "tenant_id":
                continue
            for key in attr.columns[0].foreign_keys:
                target = by_table.get(key.column.table.name)
                if target is not None and key.column.name == "id":
                    references[(mapper.class_.__name__, attr.key)] = target
    return references


def reference_of(object_type: str | None, column: str) -> str | None:
    """The kind of object a column names, if it names one."""
    key = (object_type or "", column)
    return audit.registered_references().get(key) or _foreign_keys().get(key)


def _ids(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v]
    return [part for part in str(value).split(",") if part]


def _title(values: dict | None) -> str | None:
    values = values or {}
    for field in TITLE_FIELDS:
        if values.get(field):
            return str(values[field])
    return None


class Names:
    """The names of the objects a page of entries mentions, looked up together."""

    def __init__(self, log_model):
        self.log_model = log_model
        self.names: dict[tuple[str, str], str] = {}
        # ids kept in a column with no declared kind (a file's owner, a copy's origin): by id alone
        self.loose: dict[str, str] = {}
        # objects titled by another one (a membership by its person): (type, id) -> (target type, id)
        self.titled_by: dict[tuple[str, str], tuple[str, str]] = {}

    def load(self, entries: Iterable) -> "Names":
        entries = list(entries)
        wanted: set[tuple[str, str]] = set()
        loose: set[str] = set()
        for entry in entries:
            if entry.object_type and entry.object_id and not _title(entry.after or entry.before):
                wanted.add((entry.object_type, entry.object_id))
            for field, before, after in _fields(entry):
                target = reference_of(entry.object_type, field)
                if target:
                    wanted.update((target, i) for i in _ids(before) + _ids(after))
                else:
                    loose.update(v for v in (before, after) if isinstance(v, str) and _UUID.match(v))
            for values in (entry.after, entry.before):
                self._note_titled_by(entry.object_type, entry.object_id, values)
        self._resolve(wanted)
        # A second round for what is named after another object (a member by the person).
        self._resolve(
            {target for key, target in self.titled_by.items() if key in wanted or key in self.names}
        )
        if loose:
            self._loose_from_log(loose)
        return self

    def _loose_from_log(self, ids: set[str]) -> None:
        model = self.log_model
        rows = db.session.execute(
            select(model.object_type, model.object_id, model.before, model.after)
            .where(model.object_id.in_(list(ids)))
            .order_by(model.id.desc())
        )
        for object_type, object_id, before, after in rows:
            if object_id in self.loose:
                continue
            title = _title(after) or _title(before)
            if title:
                self.loose[object_id] = shown_value(object_type, _title_field(after or before), title)

    def _note_titled_by(self, object_type, object_id, values) -> None:
        if not object_type or not object_id or _title(values):
            return
        for field, value in (values or {}).items():
            target = reference_of(object_type, field)
            if target and value and (object_type, object_id) not in self.titled_by:
                self.titled_by[(object_type, object_id)] = (target, str(value))
                return

    def _resolve(self, wanted: set[tuple[str, str]]) -> None:
        wanted = {key for key in wanted if key not in self.names}
        by_type: dict[str, set[str]] = {}
        for object_type, object_id in wanted:
            by_type.setdefault(object_type, set()).add(object_id)
        for object_type, ids in by_type.items():
            self._from_objects(object_type, ids)
            missing = {i for i in ids if (object_type, i) not in self.names}
            if missing:
                self._from_log(object_type, missing)

    def _from_objects(self, object_type: str, ids: set[str]) -> None:
        cls = _classes().get(object_type)
        if cls is None or "id" not in cls.__mapper__.columns:
            return
        if issubclass(cls, TenantOwned) and current_tenant_id() is None:
            return  # the platform's log reads no tenant's rows
        keys = []
        for i in ids:
            try:
                keys.append(uuid.UUID(i))
            except ValueError:
                continue
        if not keys:
            return
        for obj in db.session.scalars(select(cls).where(cls.id.in_(keys))):
            state = inspect(obj)
            values = {attr.key: state.dict.get(attr.key) for attr in state.mapper.column_attrs}
            title = _title(values)
            if title:
                self.names[(object_type, str(obj.id))] = title
            else:
                self._note_titled_by(object_type, str(obj.id), values)

    def _from_log(self, object_type: str, ids: set[str]) -> None:
        model = self.log_model
        rows = db.session.execute(
            select(model.object_id, model.before, model.after)
            .where(model.object_type == object_type, model.object_id.in_(list(ids)))
            .order_by(model.id.desc())
        )
        for object_id, before, after in rows:
            key = (object_type, object_id)
            if key in self.names:
                continue
            title = _title(after) or _title(before)
            if title:
                self.names[key] = title
            else:
                self._note_titled_by(object_type, object_id, after or before)

    def name(self, object_type: str | None, object_id: str | None) -> str | None:
        """The object's name, or the name of the object it is named after, else None."""
        key = (object_type or "", object_id or "")
        if key in self.names:
            return self.names[key]
        target = self.titled_by.get(key)
        return self.names.get(target) if target else None

    # -- what the page shows

    def title(self, entry) -> str | None:
        """What names the object of an entry: its own values, else its name found elsewhere."""
        values = entry.after or entry.before or {}
        for field in TITLE_FIELDS:
            if values.get(field):
                return shown_value(entry.object_type, field, values[field], self)
        return self.name(entry.object_type, entry.object_id)

    def value(self, entry, field: str, value) -> str:
        return shown_value(entry.object_type, field, value, self)


def _title_field(values: dict | None) -> str:
    return next((field for field in TITLE_FIELDS if (values or {}).get(field)), "name")


def _fields(entry) -> list[tuple[str, object, object]]:
    return [(f, b, a) for f, b, a in entry.changes] + [(k, None, v) for k, v in (entry.details or {}).items()]


def shown_changes(entry) -> list[tuple[str, object, object]]:
    """(field, before, after) of an entry as the page lists them: bookkeeping left out."""
    return [change for change in entry.changes if change[0] not in HIDDEN_FIELDS]


def field_name(object_type: str | None, field: str) -> str:
    """How a column reads on the audit pages ("Role", "OPDs"), or the column's own name."""
    label = audit.field_label_of(object_type, field)
    return str(label) if label is not None else field_label(field)


def shown_value(object_type: str | None, field: str, value, names: Names | None = None) -> str:
    """A stored value as people read it: a named object, a word for a code, a time in the reader's zone,
    yes or no, a dash for nothing; long text shortened."""
    if value is None or value == "" or value == []:
        return "–"
    target = reference_of(object_type, field)
    if target and names is not None:
        found = [names.name(target, i) for i in _ids(value)]
        return ", ".join(n if n else _("(an object no longer known)") for n in found) or "–"
    labelled = audit.value_label(object_type, field, value)
    if labelled is not value:
        return _short(str(labelled))
    if value is True or value is False:
        return _("yes") if value else _("no")
    if isinstance(value, str) and _UUID.match(value):
        found = names.loose.get(value) if names is not None else None
        return found or _("(an object no longer known)")
    if isinstance(value, str) and _INSTANT.match(value):
        try:
            return format_datetime(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return _short(value)
    if isinstance(value, str) and _DAY.match(value):
        try:
            return format_date(date.fromisoformat(value))
        except ValueError:
            return _short(value)
    if isinstance(value, list | tuple):
        return _short(", ".join(str(v) for v in value))
    if isinstance(value, dict):
        return _short("; ".join(f"{k}: {v}" for k, v in value.items()))
    return _short(str(value))


def _short(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def action_label(action: str) -> str:
    """A write as a verb ("changed"), an event by its registered label, else its code."""
    writes = {"create": _("created"), "update": _("changed"), "delete": _("removed")}
    if action in writes:
        return writes[action]
    label = audit.event_label(action)
    return str(label) if label is not None else action
