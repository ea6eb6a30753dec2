"""Reading a tenant archive back: refused whole, with the reason, before anything is written; otherwise
restored in one transaction with the same ids, inside the tenant (so row-level security checks every
row written).

The checks, in order: the ZIP's table of contents (the upload limits: entries, unpacked size, packing
ratio), the manifest's format and version, each table's and each platform list's checksum and row count,
that every row belongs to the archive's tenant, that this release knows every table and column, that
each stored file matches its row's SHA-256, and that the reference data the rows name exists here.
"""

import hashlib
import json
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    Uuid,
    delete,
    insert,
    select,
    update,
)

from app.core.errors import DomainError
from app.core.files import ArchiveLimits, check_archive, delete_after_commit, storage, written_in_transaction
from app.core.tenancy import tenant_context
from app.extensions import db
from app.portability.archive import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    STORED_FILES,
    TENANTS,
    USERS,
    Progress,
    _quiet,
    _self_references,
    decode,
    platform_target,
    tenant_tables,
)

BATCH = 1000


class ImportRefused(DomainError):
    """The archive is not restored; the message says why. Nothing was written."""

    status = 422
    code = "import_refused"


def refuse(message) -> ImportRefused:
    return ImportRefused(message, {"archive": [message]})


@dataclass
class Archive:
    """An opened archive whose manifest names a format and version this release reads."""

    zip: zipfile.ZipFile
    manifest: dict
    tenant_id: uuid.UUID = field(init=False)

    def __post_init__(self) -> None:
        self.tenant_id = uuid.UUID(self.manifest["tenant"]["id"])

    @property
    def tenant(self) -> dict:
        return self.manifest["tenant"]

    def lines(self, name: str) -> Iterator[dict]:
        with self.zip.open(name) as handle:
            for line in handle:
                yield json.loads(line)

    def entry(self, table: str) -> dict | None:
        return next((e for e in self.manifest["tables"] if e["table"] == table), None)

    def platform_rows(self, table: str) -> list[dict]:
        entry = next((e for e in self.manifest["platform"] if e["table"] == table), None)
        return list(self.lines(entry["file"])) if entry else []


def open_archive(path: Path, limits: ArchiveLimits) -> Archive:
    """Open the archive at ``path`` once its table of contents passed the ZIP limits, with a manifest of
    the known format and version; refused otherwise."""
    check_archive(path, field="archive", limits=limits)
    archive = zipfile.ZipFile(path)
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError, zipfile.BadZipFile) as error:
        archive.close()
        raise refuse(_l("It holds no readable manifest.json: it is not a tenant export.")) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        archive.close()
        raise refuse(_l("Its manifest is not that of a tenant export."))
    if manifest.get("format_version") != FORMAT_VERSION:
        archive.close()
        raise refuse(
            _l(
                "It is written in format version %(found)s; this release reads version %(known)s.",
                found=str(manifest.get("format_version")),
                known=FORMAT_VERSION,
            )
        )
    return Archive(archive, manifest)


# --- checking everything before writing anything -------------------------------------------------------


def verify(archive: Archive, progress: Progress = _quiet) -> None:
    """Refuse the archive unless every part matches the manifest and fits this release."""
    entries = archive.manifest["tables"] + archive.manifest["platform"]
    for done, entry in enumerate(entries):
        progress(5 + 40 * done // max(len(entries), 1), entry["table"])
        _verify_entry(archive, entry, tenant_table=entry in archive.manifest["tables"])
    progress(45, STORED_FILES)
    _verify_files(archive)


def _verify_entry(archive: Archive, entry: dict, *, tenant_table: bool) -> None:
    table = db.metadata.tables.get(entry["table"])
    known = table is not None and (("tenant_id" in table.c) == tenant_table)
    if not known:
        raise refuse(
            _l(
                "Its table %(table)s is unknown to this release: the export comes from another release "
                "(schema %(schema)s).",
                table=entry["table"],
                schema=str(archive.manifest.get("release", {}).get("schema")),
            )
        )
    columns = {c.name for c in table.columns}
    digest, count = hashlib.sha256(), 0
    try:
        with archive.zip.open(entry["file"]) as handle:
            for line in handle:
                digest.update(line)
                count += 1
                row = json.loads(line)
                if not isinstance(row, dict) or set(row) - columns:
                    raise refuse(
                        _l("Its table %(table)s has columns this release does not know.", table=table.name)
                    )
                if tenant_table and row.get("tenant_id") != str(archive.tenant_id):
                    raise refuse(_l("Its table %(table)s holds rows of another tenant.", table=table.name))
    except (KeyError, ValueError, zipfile.BadZipFile) as error:
        raise _damaged(entry["table"]) from error
    if digest.hexdigest() != entry["sha256"] or count != entry["rows"]:
        raise _damaged(entry["table"])


def _damaged(table: str) -> ImportRefused:
    return refuse(
        _l(
            "Its table %(table)s does not match the checksum of the manifest: the archive is damaged or "
            "was changed.",
            table=table,
        )
    )


def _stored_files(archive: Archive) -> list[dict]:
    entry = archive.entry(STORED_FILES)
    return list(archive.lines(entry["file"])) if entry else []


def _verify_files(archive: Archive) -> None:
    missing = set(archive.manifest.get("files", {}).get("missing", []))
    folder = (storage().root / str(archive.tenant_id)).resolve()
    for row in _stored_files(archive):
        try:
            inside = folder in storage().path(row["storage_key"]).parents
        except ValueError:  # outside the storage folder altogether
            inside = False
        if not inside:  # it would be written over another tenant's file
            raise refuse(_l("A stored file of the archive lies outside its tenant's folder."))
        if row["id"] in missing:
            continue
        digest = hashlib.sha256()
        try:
            with archive.zip.open(f"files/{row['id']}") as handle:
                while chunk := handle.read(64 * 1024):
                    digest.update(chunk)
        except (KeyError, zipfile.BadZipFile) as error:
            raise refuse(
                _l("The stored file %(name)s is missing from the archive.", name=row["filename"])
            ) from error
        if digest.hexdigest() != row["sha256"]:
            raise refuse(
                _l(
                    "The stored file %(name)s does not match its checksum: the archive is damaged or was "
                    "changed.",
                    name=row["filename"],
                )
            )


# --- platform rows: found here by natural key ----------------------------------------------------------


@dataclass
class References:
    """Platform rows named by natural key, found in this deployment; people missing here are created
    (without a password) by ``create_person``, other missing rows refuse the archive."""

    create_person: Callable[[str, str], object]
    found: dict[str, object] = field(default_factory=dict)

    def look_up(self, reference: dict):
        cached = json.dumps(reference, sort_keys=True)
        if cached not in self.found:
            self.found[cached] = self._find(reference)
        return self.found[cached]

    def _find(self, reference: dict):
        table = db.metadata.tables[reference["ref"]]
        conditions = []
        for name, value in reference["key"].items():
            column = table.c[name]
            if isinstance(value, dict) and platform_target(table, column) is not None:
                value = self.look_up(value)
                if value is None:
                    return None
            else:
                value = decode(column, value)
            conditions.append(column == value)
        primary = list(table.primary_key.columns)[0]
        return db.session.execute(select(primary).where(*conditions)).scalar()

    def check(self, archive: Archive) -> list[dict]:
        """Refuse when reference data the archive names is missing here; the people to create."""
        missing, people = [], []
        for entry in archive.manifest["platform"]:
            for listed in archive.lines(entry["file"]):
                key = {k: v for k, v in listed.items() if not (entry["table"] == USERS and k == "name")}
                if self.look_up({"ref": entry["table"], "key": key}) is not None:
                    continue
                if entry["table"] == USERS:
                    people.append(listed)
                elif not any(_is_reference(v) and self.look_up(v) is None for v in key.values()):
                    missing.append(f"{entry['table']} {_readable(key)}")  # not a part of one already named
        if missing:
            raise refuse(
                _l(
                    "This deployment lacks reference data the tenant uses: %(missing)s. Load or publish "
                    "it first.",
                    missing="; ".join(missing[:10]),
                )
            )
        return people

    def create_people(self, people: list[dict]) -> None:
        for listed in people:
            key = {"email": listed["email"]}
            self.found[json.dumps({"ref": USERS, "key": key}, sort_keys=True)] = self.create_person(
                listed["email"], listed.get("name") or ""
            )

    def row(self, table: Table, row: dict) -> dict:
        """A row of the archive as this deployment writes it: values decoded, platform rows found here."""
        plan = _plan(table)
        values = {}
        for name, value in row.items():
            column, names_platform, decoder = plan[name]
            if value is None:
                values[name] = None
            elif names_platform and not isinstance(value, str):  # a str: a loose reference, kept as it was
                values[name] = self._found(value)
            else:
                values[name] = decoder(value)
        return values

    def _found(self, reference: dict):
        found = self.look_up(reference)
        if found is None:
            what = _readable(reference)
            raise refuse(_l("A row names %(what)s, which the archive does not list.", what=what))
        return found


@cache
def _plan(table: Table) -> dict[str, tuple[Column, bool, Callable]]:
    """For each column, chosen once (rows are many): whether it names a platform row, and its decoder."""
    return {c.name: (c, platform_target(table, c) is not None, _decoder(c)) for c in table.columns}


def _decoder(column: Column) -> Callable:
    if isinstance(column.type, Uuid):
        return uuid.UUID
    if type(column.type) in (String, Text, Integer, BigInteger, SmallInteger, Boolean):
        return lambda value: value
    return lambda value: decode(column, value)


def _is_reference(value) -> bool:
    return isinstance(value, dict) and "ref" in value and "key" in value


def _readable(key) -> str:
    """A natural key as people read it: ``code KOMINFO-SC-2021 version 7``."""
    if _is_reference(key):
        return f"{key['ref']} {_readable(key['key'])}"
    if isinstance(key, dict):
        return ", ".join(f"{name} {_readable(value)}" for name, value in key.items())
    return str(key)


# --- writing ---------------------------------------------------------------------------------------------


def existing_tenants(archive: Archive) -> list:
    """The tenants here with the archive's id, address or region: (id, slug) each."""
    tenants = db.metadata.tables[TENANTS]
    values = archive.tenant
    region = values["region_code"]["key"]["code"] if isinstance(values["region_code"], dict) else None
    return db.session.execute(
        select(tenants.c.id, tenants.c.slug)
        .where(
            (tenants.c.id == archive.tenant_id)
            | (tenants.c.slug == values["slug"])
            | (tenants.c.region_code == region)
        )
        .order_by(tenants.c.slug)
    ).all()


def restore(archive: Archive, references: References, *, replace: bool, progress: Progress = _quiet) -> dict:
    """Write the archive's tenant into the session's transaction (the caller commits); returns the
    row count by table."""
    tenants = db.metadata.tables[TENANTS]
    people = references.check(archive)
    references.create_people(people)
    values = references.row(tenants, archive.tenant)
    tables = tenant_tables()
    old_keys: set[str] = set()
    if replace:
        old_keys = _remove_rows(archive.tenant_id, tables)
        db.session.execute(update(tenants).where(tenants.c.id == archive.tenant_id).values(values))
    else:
        db.session.execute(insert(tenants).values(values))
    counts = {}
    with tenant_context(archive.tenant_id):
        for done, table in enumerate(tables):
            progress(50 + 40 * done // len(tables), table.name)
            counts[table.name] = _insert_rows(archive, table, references)
        progress(90, STORED_FILES)
        new_keys = _place_files(archive)
    session = db.session()
    for key in old_keys - new_keys:
        delete_after_commit(session, storage().path(key))
    return counts


def _remove_rows(tenant_id: uuid.UUID, tables: list[Table]) -> set[str]:
    """Delete every row of the tenant, children first; the storage keys of its files (removed from the
    disk once the replacement commits)."""
    stored = db.metadata.tables[STORED_FILES]
    with tenant_context(tenant_id):
        keys = set(db.session.scalars(select(stored.c.storage_key).where(stored.c.tenant_id == tenant_id)))
        for table in reversed(tables):
            db.session.execute(delete(table).where(table.c.tenant_id == tenant_id))
    return keys


def _insert_rows(archive: Archive, table: Table, references: References) -> int:
    entry = archive.entry(table.name)
    if entry is None:
        return 0  # a table added after the export's release: the tenant had no rows in it
    rows = (references.row(table, row) for row in archive.lines(entry["file"]))
    parents = _self_references(table)
    if parents:
        rows = iter(_parents_first(list(rows), parents))
    count, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            db.session.execute(insert(table), batch)
            count, batch = count + len(batch), []
    if batch:
        db.session.execute(insert(table), batch)
        count += len(batch)
    return count


def _parents_first(rows: list[dict], columns: list[str]) -> list[dict]:
    """Rows ordered so a row that points at another of the same table comes after it (foreign keys are
    checked row by row)."""
    pending = {row["id"]: row for row in rows}
    placed: set = set()
    ordered = []
    while pending:
        ready = [
            row
            for row in pending.values()
            if all(row[c] is None or row[c] in placed or row[c] not in pending for c in columns)
        ]
        if not ready:
            raise refuse(_l("Rows of the archive point at each other in a circle."))
        for row in ready:
            ordered.append(row)
            placed.add(row["id"])
            del pending[row["id"]]
    return ordered


def _place_files(archive: Archive) -> set[str]:
    """Put each stored file's content at its key; removed again if the transaction rolls back. A file
    already there with the same content is left as it is."""
    missing = set(archive.manifest.get("files", {}).get("missing", []))
    store = storage()
    session = db.session()
    keys = set()
    for row in _stored_files(archive):
        keys.add(row["storage_key"])
        if row["id"] in missing:
            continue
        path = store.path(row["storage_key"])
        if path.is_file() and _sha256(path) == row["sha256"]:
            continue
        with archive.zip.open(f"files/{row['id']}") as source:
            received = store.receive(row["storage_key"], source, None)
        written_in_transaction(session, store.place(received, row["storage_key"]))
    return keys


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(64 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
