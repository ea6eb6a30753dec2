"""The tenant archive: one ZIP holding everything a tenant owns, written and read through the metadata.

Every table with a ``tenant_id`` column is a tenant table; they are read and restored in foreign-key
order, so a table another engineer adds tomorrow travels without an edit here. The ZIP holds:

* ``manifest.json``: the format and its version, the release (schema revision), the tenant's own row,
  and every table with its row count and checksum;
* ``tables/<table>.jsonl``: the tenant's rows, one canonical JSON object a line, sorted by primary key;
* ``files/<stored file id>``: the stored files' content (each checked against its row's SHA-256);
* ``platform/<table>.jsonl``: the platform rows the tenant's rows name (people by email and name, never
  a password hash; reference data by code and version).

A column that names a platform row (a person, a framework's dimension) is written as that row's
natural key (``{"ref": "users", "key": {"email": ...}}``), not its id: ids of platform rows differ
between deployments, natural keys do not. So a line is the same wherever the tenant lives, and a
table's checksum (the SHA-256 of its file) is the same after export, import elsewhere and export again,
on SQLite and on PostgreSQL alike.
"""

import base64
import hashlib
import json
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import cache
from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    select,
    text,
)

from app.core.db import as_utc
from app.extensions import db

FORMAT = "kotacerdas-tenant-export"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
TENANTS, USERS, STORED_FILES = "tenants", "users", "stored_files"
# Columns that name a platform row without a foreign key, on purpose: an audit entry outlives the person
# it names. Written by natural key like any reference, kept as the bare id when that row is gone.
LOOSE_REFERENCES = {("audit_entries", "user_id"): USERS}
BATCH = 1000

Progress = Callable[[int, str], None]


def _quiet(percent: int, message: str) -> None:
    return None


# --- what a tenant is made of ----------------------------------------------------------------------


def tenant_tables() -> list[Table]:
    """Every table with a tenant column, parents before children."""
    return [table for table in db.metadata.sorted_tables if "tenant_id" in table.c]


def _is_platform(table: Table) -> bool:
    return "tenant_id" not in table.c


@cache
def platform_target(table: Table, column: Column) -> Table | None:
    """The platform table ``column`` names rows of, if any (the tenant's own ``tenant_id`` is not one)."""
    if column.name == "tenant_id" and table.name != TENANTS:
        return None
    for fk in column.foreign_keys:
        if _is_platform(fk.column.table):
            return fk.column.table
    loose = LOOSE_REFERENCES.get((table.name, column.name))
    return db.metadata.tables[loose] if loose else None


@cache
def natural_key(table: Table) -> tuple[str, ...] | None:
    """The columns that name a platform row across deployments: its first unique constraint (a user's
    email, a framework's code and version), else a primary key that is not a generated id (a region's
    code); None when the row has only a generated id (it does not travel)."""
    uniques = sorted(
        tuple(c.name for c in constraint.columns)
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint)
    )
    if uniques:
        return uniques[0]
    primary = list(table.primary_key.columns)
    if len(primary) == 1 and not isinstance(primary[0].type, Uuid):
        return (primary[0].name,)
    return None


def _self_references(table: Table) -> list[str]:
    """Columns pointing at another row of the same table (a strategy's parent), apart from tenant_id."""
    return [
        fk.parent.name
        for fk in table.foreign_keys
        if fk.column.table is table and fk.parent.name != "tenant_id"
    ]


def schema_revision() -> str | None:
    return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()


# --- canonical values ------------------------------------------------------------------------------


def encode(column: Column, value):
    """A column's value as canonical JSON: the same text for the same value on every database."""
    if value is None:
        return None
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        if getattr(column.type, "timezone", False):
            return as_utc(value).astimezone(UTC).isoformat(timespec="microseconds")
        return value.replace(tzinfo=None).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, Decimal):
        scale = getattr(column.type, "scale", None)
        exact = value.quantize(Decimal(1).scaleb(-scale)) if scale is not None else value.normalize()
        return format(exact, "f")
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if hasattr(value, "value") and not isinstance(value, int | float | str | bool):  # an Enum member
        return value.value
    return value


def decode(column: Column, value):
    """The Python value to write for a canonical JSON value of ``column``."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, Uuid):
        return uuid.UUID(value)
    try:
        python = kind.python_type
    except NotImplementedError:
        return value
    if python is datetime:
        return datetime.fromisoformat(value)
    if python is date:
        return date.fromisoformat(value)
    if python is time:
        return time.fromisoformat(value)
    if python is Decimal or isinstance(kind, Numeric) and kind.asdecimal:
        return Decimal(value)
    if python is bytes:
        return base64.b64decode(value)
    return value


def canonical_line(row: dict) -> bytes:
    return (json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n").encode()


def _order_key(table: Table, row: dict) -> tuple:
    """A row's place in its table's file: its primary key's canonical values (ids as text, numbers as
    numbers), compared as Python compares them."""
    return tuple(row[c.name] for c in table.primary_key.columns)


def _primary_key_order(table: Table) -> list:
    """ORDER BY the primary key in the canonical order: uuids and numbers sort alike everywhere; text is
    compared by code point (PostgreSQL's "C" collation, SQLite's default)."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    return [
        c.collate("C") if postgres and isinstance(c.type, String) else c for c in table.primary_key.columns
    ]


def manifest_summary(manifest: dict) -> dict:
    """What the audit log keeps of an archive: which tenant, how many tables, rows and files."""
    return {
        "slug": manifest["tenant"]["slug"],
        "tables": len(manifest["tables"]),
        "rows": sum(entry["rows"] for entry in manifest["tables"]),
        "files": manifest["files"]["count"],
    }


# --- writing ---------------------------------------------------------------------------------------


@dataclass
class PlatformKeys:
    """Natural keys of the platform rows a tenant's rows name, looked up once each, and the list of
    them for ``platform/<table>.jsonl``."""

    cache: dict[tuple[str, object], dict | None] = field(default_factory=dict)
    used: dict[str, dict[str, dict]] = field(default_factory=dict)

    def reference(self, target: Table, raw_id):
        """``{"ref": table, "key": {...}}``; None for a row that does not travel (only a generated id);
        the bare id for a loose reference whose row is gone."""
        key = self.key(target, raw_id)
        if key is None:
            if natural_key(target) is None:
                return None
            return str(raw_id)
        return {"ref": target.name, "key": key}

    def key(self, target: Table, raw_id) -> dict | None:
        columns = natural_key(target)
        if columns is None:
            return None
        cached = (target.name, raw_id)
        if cached not in self.cache:
            self.cache[cached] = self._look_up(target, columns, raw_id)
        return self.cache[cached]

    def _look_up(self, target: Table, columns: tuple[str, ...], raw_id) -> dict | None:
        primary = list(target.primary_key.columns)[0]
        row = db.session.execute(select(target).where(primary == raw_id)).mappings().first()
        if row is None:
            return None
        key = {}
        for name in columns:
            column = target.c[name]
            parent = platform_target(target, column)
            value = row[column]
            key[name] = (
                self.reference(parent, value)
                if parent is not None and value is not None
                else (encode(column, value))
            )
        listed = dict(key)
        if target.name == USERS:
            listed["name"] = row[target.c.name]  # a person is created by email and name where missing
        self.used.setdefault(target.name, {})[json.dumps(key, sort_keys=True)] = listed
        return key


# Types whose Python values are their canonical JSON already.
_AS_IS = (String, Text, Integer, BigInteger, SmallInteger, Boolean)


def _encoder(column: Column) -> Callable:
    """The canonical form of one column's non-null values, chosen once per column (rows are many)."""
    if isinstance(column.type, Uuid):
        return str
    if type(column.type) in _AS_IS:
        return lambda value: value
    return lambda value: encode(column, value)


@cache
def _plan(table: Table) -> tuple[tuple[str, Column, Table | None, Callable], ...]:
    """For each column: its name, the platform table it names (if any) and its encoder."""
    return tuple((c.name, c, platform_target(table, c), _encoder(c)) for c in table.columns)


def encode_row(table: Table, row, keys: PlatformKeys) -> dict:
    values = {}
    for name, column, target, encoder in _plan(table):
        value = row[column]
        if value is None:
            values[name] = None
        elif target is not None:
            values[name] = keys.reference(target, value)
        else:
            values[name] = encoder(value)
    return values


def _tenant_rows(table: Table, tenant_id: uuid.UUID, keys: PlatformKeys, skip: set) -> Iterator[dict]:
    """The tenant's rows of ``table`` as canonical objects, in primary key order, streamed."""
    stmt = select(table).where(table.c.tenant_id == tenant_id).order_by(*_primary_key_order(table))
    previous = None
    for row in db.session.execute(stmt).mappings().yield_per(BATCH):
        if "id" in table.c and (table.name, row[table.c.id]) in skip:
            continue
        values = encode_row(table, row, keys)
        order = _order_key(table, values)
        if previous is not None and not previous < order:
            raise RuntimeError(f"{table.name}: rows came out of the canonical order")
        previous = order
        yield values


def write_archive(
    tenant_id: uuid.UUID,
    target: Path,
    *,
    storage_path: Callable[[str], Path],
    progress: Progress = _quiet,
    skip: set | None = None,
) -> dict:
    """Write the tenant's archive to ``target``; returns its manifest. ``skip`` holds (table, id) pairs
    left out (the export's own job run, still running while it writes)."""
    skip = skip or set()
    keys = PlatformKeys()
    tenants = db.metadata.tables[TENANTS]
    tenant_row = db.session.execute(select(tenants).where(tenants.c.id == tenant_id)).mappings().one()
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "release": {"schema": schema_revision()},
        "tenant": encode_row(tenants, tenant_row, keys),
        "tables": [],
        "platform": [],
    }
    tables = tenant_tables()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for done, table in enumerate(tables):
            progress(5 + 70 * done // len(tables), table.name)
            manifest["tables"].append(
                _write_entry(
                    archive,
                    f"tables/{table.name}.jsonl",
                    table.name,
                    _tenant_rows(table, tenant_id, keys, skip),
                )
            )
        progress(75, STORED_FILES)
        manifest["files"] = _write_files(archive, tenant_id, storage_path, skip)
        for name in sorted(keys.used):
            listed = [keys.used[name][k] for k in sorted(keys.used[name])]
            manifest["platform"].append(_write_entry(archive, f"platform/{name}.jsonl", name, iter(listed)))
        archive.writestr(MANIFEST, json.dumps(manifest, sort_keys=True, indent=1, ensure_ascii=False))
    return manifest


def _write_entry(archive: zipfile.ZipFile, name: str, table: str, rows: Iterator[dict]) -> dict:
    digest, count, pending = hashlib.sha256(), 0, []
    with archive.open(name, "w", force_zip64=True) as out:
        for row in rows:
            pending.append(canonical_line(row))
            count += 1
            if len(pending) >= BATCH:
                chunk = b"".join(pending)
                digest.update(chunk)
                out.write(chunk)
                pending = []
        chunk = b"".join(pending)
        digest.update(chunk)
        out.write(chunk)
    return {"table": table, "file": name, "rows": count, "sha256": digest.hexdigest()}


def _write_files(
    archive: zipfile.ZipFile, tenant_id: uuid.UUID, storage_path: Callable[[str], Path], skip: set
) -> dict:
    """The stored files' content, as stored (most are compressed already); a row whose file is gone
    from the disk is listed as missing rather than failing the export."""
    stored = db.metadata.tables[STORED_FILES]
    rows = db.session.execute(
        select(stored.c.id, stored.c.storage_key).where(stored.c.tenant_id == tenant_id).order_by(stored.c.id)
    )
    count, size, missing = 0, 0, []
    for file_id, key in rows:
        if (STORED_FILES, file_id) in skip:
            continue
        path = storage_path(key)
        if not path.is_file():
            missing.append(str(file_id))
            continue
        archive.write(path, f"files/{file_id}", compress_type=zipfile.ZIP_STORED)
        count += 1
        size += path.stat().st_size
    return {"count": count, "bytes": size, "missing": missing}
