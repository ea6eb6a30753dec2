"""Uploads and generated files: checked by content, stored per tenant, read only by who may see the owner.

A file is stored for a *purpose* (evidence, import, result), which fixes the kinds and size it may have
and who may upload it. Read access: the tenant admin, the uploader, and whoever the owning object's
rule lets see it (domains register a rule per owner type, e.g. the jobs domain for job results).
Everyone else gets 404, like for any object they cannot reach.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from app.core.audit import record_event
from app.core.auth import Actor
from app.core.db import new_id, utcnow
from app.core.errors import Conflict, DomainError, ValidationFailed
from app.core.files import (
    KINDS,
    FileKind,
    check_archive,
    clean_filename,
    delete_after_commit,
    is_zip,
    sniff,
    storage,
)
from app.core.files import written_in_transaction as _track
from app.core.job_progress import running_job
from app.core.reach import one_or_404
from app.core.tenancy import current_tenant_id
from app.extensions import db
from app.files import policy
from app.files.models import StoredFile

MB = 1024 * 1024


@dataclass(frozen=True)
class Purpose:
    kinds: tuple[str, ...]
    max_bytes: int | None
    # Uploaded by people (who may: the policy's ``upload.<purpose>``); else only the platform writes them.
    uploaded: bool = True


PURPOSES: dict[str, Purpose] = {
    "evidence": Purpose(("pdf", "png", "jpeg", "xlsx", "docx", "pptx"), 20 * MB),
    "import": Purpose(("xlsx", "csv"), 10 * MB),
    # A signed regulation (Perwali, Perda, SK) scanned to PDF.
    "legal": Purpose(("pdf",), 20 * MB),
    "result": Purpose(("xlsx", "csv", "pdf", "docx", "zip"), None, uploaded=False),
}
UPLOAD_PURPOSES = tuple(name for name, p in PURPOSES.items() if p.uploaded)


def register_owner(owner_type: str, can_read: Callable[[uuid.UUID, Actor], bool]) -> None:
    """Let files attached to ``owner_type`` objects be read by whoever ``can_read(owner_id, actor)``."""
    policy.OWNER_RULES[owner_type] = can_read


# --- storing --------------------------------------------------------------------------------------


def store_upload(source: BinaryIO, filename: str | None, *, purpose: str, actor: Actor) -> StoredFile:
    """Store an uploaded file for ``purpose``; 413 past its size limit (or an Office file's unpacked size),
    422 for a kind it does not take or an Office file that would unpack suspiciously."""
    spec = PURPOSES.get(purpose)
    if spec is None or not spec.uploaded:
        raise ValidationFailed.field("purpose", _l("one of %(choices)s", choices=", ".join(UPLOAD_PURPOSES)))
    policy.require(actor, f"upload.{purpose}")
    return _store(source, filename, purpose, spec, uploaded_by=actor.user_id)


def store_generated(
    source: BinaryIO, filename: str, *, owner_type: str, owner_id: uuid.UUID, actor: Actor
) -> StoredFile:
    """Store a file the platform produced (a job's result) for its owner, on behalf of ``actor``."""
    policy.require(actor, "file.store_generated")
    return _store(
        source,
        filename,
        "result",
        PURPOSES["result"],
        uploaded_by=actor.user_id,
        owner_type=owner_type,
        owner_id=owner_id,
    )


def _store(source, filename, purpose: str, spec: Purpose, **fields) -> StoredFile:
    tenant_id = current_tenant_id()
    if tenant_id is None:
        raise RuntimeError("files are stored for a tenant: enter its context first")
    name = clean_filename(filename)
    file_id = new_id()
    key = f"{tenant_id}/{utcnow():%Y-%m}/{file_id}"
    store = storage()
    received = store.receive(key, source, spec.max_bytes)
    try:
        kind = _check_content(received.temp_path, received.size, name, spec)
    except DomainError:
        store.discard(received)
        raise
    _track(db.session(), store.place(received, key))
    stored = StoredFile(
        id=file_id,
        purpose=purpose,
        filename=name,
        kind=kind.name,
        content_type=kind.content_type,
        size=received.size,
        sha256=received.sha256,
        storage_key=key,
        **fields,
    )
    db.session.add(stored)
    db.session.flush()
    return stored


def _check_content(path: Path, size: int, name: str, spec: Purpose) -> FileKind:
    if size == 0:
        raise ValidationFailed.field("file", _l("the file is empty"))
    if spec.uploaded and is_zip(path):
        check_archive(path)  # before sniffing opens it: an Office file that unpacks to too much is refused
    kind = sniff(path, name)
    accepted = ", ".join(KINDS[k].extensions[0] for k in spec.kinds)
    if kind is None or kind.name not in spec.kinds:
        raise ValidationFailed.field(
            "file", _l("this file's content is not one of the accepted kinds: %(kinds)s", kinds=accepted)
        )
    if not name.lower().endswith(kind.extensions):
        raise ValidationFailed.field(
            "file",
            _l(
                "the content is a %(kind)s file but the name says otherwise: rename it",
                kind=kind.extensions[0],
            ),
        )
    return kind


# --- reading --------------------------------------------------------------------------------------


def get_file(file_id: uuid.UUID, *, actor: Actor) -> StoredFile:
    stored = one_or_404(select(StoredFile).where(StoredFile.id == file_id))
    policy.require(actor, "file.read", stored)
    return stored


def files_query(*, actor: Actor) -> Select:
    """The files a member works with: their own uploads and results; a tenant admin sees every file."""
    policy.require(actor, "file.list")
    stmt = select(StoredFile).order_by(StoredFile.id.desc())
    if not policy.can(actor, "file.list_all"):
        stmt = stmt.where(StoredFile.uploaded_by == actor.user_id)
    return stmt


def content_path(stored: StoredFile) -> Path:
    return storage().path(stored.storage_key)


# --- attaching and removing -----------------------------------------------------------------------


def attach(file_id: uuid.UUID, owner_type: str, owner_id: uuid.UUID, *, actor: Actor) -> StoredFile:
    """Hand an upload to the object it belongs to (evidence to a report, a sheet to an import)."""
    stored = get_file(file_id, actor=actor)
    policy.require(actor, "file.attach", stored)
    if stored.owner_type is not None:
        raise Conflict(_l("this file is already attached"), {"file_id": [_l("already attached")]})
    stored.owner_type, stored.owner_id = owner_type, owner_id
    return stored


def release(file_id: uuid.UUID, owner_type: str, owner_id: uuid.UUID, *, actor: Actor) -> None:
    """Remove a file its owner no longer keeps (a replaced document); the owning domain has checked who
    may do that. The disk follows once the removal commits."""
    stored = one_or_404(
        select(StoredFile).where(
            StoredFile.id == file_id, StoredFile.owner_type == owner_type, StoredFile.owner_id == owner_id
        )
    )
    policy.require(actor, "file.release", stored)
    delete_after_commit(db.session(), content_path(stored))
    db.session.delete(stored)
    db.session.flush()


def delete_file(file_id: uuid.UUID, *, actor: Actor) -> None:
    """Remove an upload that is not attached to anything; the disk follows once the removal commits."""
    stored = get_file(file_id, actor=actor)
    policy.require(actor, "file.delete", stored)
    if stored.owner_type is not None:
        raise Conflict(_l("this file belongs to another object; remove it there"))
    delete_after_commit(db.session(), content_path(stored))
    db.session.delete(stored)
    db.session.flush()


def remove_orphans(older_than: timedelta, *, actor: Actor, now: datetime | None = None) -> list[str]:
    """Remove the current tenant's files on disk that no row records (a process killed mid-upload, after
    the file was placed and before its row committed), once older than ``older_than``: an upload under
    way has not committed yet. Returns the storage keys removed. Such a file is never served: downloads
    go through a row."""
    policy.require(actor, "file.list_all")  # who sees every file of the tenant clears what none is
    tenant_id = current_tenant_id()
    folder = storage().root / str(tenant_id)
    if not folder.is_dir():
        return []
    known = set(db.session.scalars(select(StoredFile.storage_key)))
    cutoff = ((now or utcnow()) - older_than).timestamp()
    removed = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        key = path.relative_to(storage().root).as_posix()
        if key not in known and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed.append(key)
    if removed:
        record_event("files.orphans_removed", details={"count": len(removed), "keys": removed[:100]})
    return removed


JOB_RUN_OWNER = "job_run"


def store_job_result(source: BinaryIO, filename: str) -> StoredFile:
    """Store the running job's result file; it is written with the job's outcome, or not at all."""
    job = running_job()
    return store_generated(source, filename, owner_type=JOB_RUN_OWNER, owner_id=job.run_id, actor=job.actor)
