"""File plumbing: what a file really is (by its first bytes, not its name) and where it lives on disk.

Files live under ``STORAGE_DIR`` (default ``INSTANCE_DIR/files``) in a folder per tenant:
``<tenant_id>/<yyyy-mm>/<file_id>``. A file is written under a temporary name, measured and hashed while
it streams in, checked, then renamed into place; if the transaction that records it rolls back, the file
is removed again, so the disk never keeps a file the database does not know.
"""

import codecs
import hashlib
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core.errors import DomainError
from app.core.i18n import format_file_size

CHUNK = 64 * 1024


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


@dataclass(frozen=True)
class FileKind:
    name: str
    content_type: str
    extensions: tuple[str, ...]


_OOXML = "application/vnd.openxmlformats-officedocument."
KINDS = {
    kind.name: kind
    for kind in (
        FileKind("pdf", "application/pdf", (".pdf",)),
        FileKind("png", "image/png", (".png",)),
        FileKind("jpeg", "image/jpeg", (".jpg", ".jpeg")),
        FileKind("xlsx", _OOXML + "spreadsheetml.sheet", (".xlsx",)),
        FileKind("docx", _OOXML + "wordprocessingml.document", (".docx",)),
        FileKind("pptx", _OOXML + "presentationml.presentation", (".pptx",)),
        FileKind("csv", "text/csv", (".csv",)),
    )
}
# The part each Office Open XML package must contain, by kind.
_OOXML_PARTS = {"xlsx": "xl/workbook.xml", "docx": "word/document.xml", "pptx": "ppt/presentation.xml"}


def sniff(path: Path, filename: str) -> FileKind | None:
    """The kind of the file at ``path`` judged by its content; None when it is none we accept.

    Text has no magic number, so a file is CSV only when it is named .csv and is NUL-free UTF-8."""
    with path.open("rb") as handle:
        head = handle.read(8192)
    if head.startswith(b"%PDF-"):
        return KINDS["pdf"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return KINDS["png"]
    if head.startswith(b"\xff\xd8\xff"):
        return KINDS["jpeg"]
    if head.startswith(b"PK\x03\x04"):
        return _sniff_ooxml(path)
    if filename.lower().endswith(".csv") and _is_utf8_text(path):
        return KINDS["csv"]
    return None


def _sniff_ooxml(path: Path) -> FileKind | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return None
    if "[Content_Types].xml" not in names:
        return None
    return next((KINDS[kind] for kind, part in _OOXML_PARTS.items() if part in names), None)


def _is_utf8_text(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            if b"\x00" in chunk:
                return False
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return False
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def clean_filename(name: str | None) -> str:
    """The name to show and offer on download: no folders, no control characters, at most 200 chars."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".")
    if len(base) > 200:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 199 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else base[:200]
    return base or "file"


@dataclass(frozen=True)
class Received:
    """A file streamed to a temporary path, measured and hashed, not yet in place."""

    temp_path: Path
    size: int
    sha256: str


class LocalStorage:
    """Files on local disk under ``root``; keys are relative paths that start with the tenant id."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("storage key outside the storage folder")
        return path

    def receive(self, key: str, source: BinaryIO, max_bytes: int | None) -> Received:
        """Stream ``source`` next to where ``key`` will live; refuse it (413) past ``max_bytes``."""
        final = self.path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        temp = final.with_name(f".{final.name}.part")
        digest, size = hashlib.sha256(), 0
        try:
            with temp.open("wb") as out:
                while chunk := source.read(CHUNK):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        limit = LazyString(format_file_size, max_bytes)  # 1,2 MB or 1.2 MB when read
                        raise PayloadTooLarge(_l("the file is larger than %(limit)s", limit=limit))
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return Received(temp, size, digest.hexdigest())

    def place(self, received: Received, key: str) -> Path:
        final = self.path(key)
        os.replace(received.temp_path, final)
        return final

    def discard(self, received: Received) -> None:
        received.temp_path.unlink(missing_ok=True)

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


def storage() -> LocalStorage:
    root = current_app.config.get("STORAGE_DIR") or Path(current_app.config["INSTANCE_DIR"]) / "files"
    return LocalStorage(root)


# --- the disk follows the transaction --------------------------------------------------------------

_WRITTEN = "files_written"
_TO_DELETE = "files_to_delete"


def written_in_transaction(session: Session, path: Path) -> None:
    """Remove ``path`` if the session's transaction rolls back."""
    session.info.setdefault(_WRITTEN, []).append(path)


def delete_after_commit(session: Session, path: Path) -> None:
    """Remove ``path`` once the session's transaction has committed (the row is gone for good)."""
    session.info.setdefault(_TO_DELETE, []).append(path)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
    for path in session.info.pop(_TO_DELETE, []):
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction) -> None:
    # Also when the session is closed without a commit (a request that ended early): after a commit
    # the lists are already empty, so whatever is left belonged to work that never committed.
    if transaction.parent is not None:
        return
    session.info.pop(_TO_DELETE, None)
    for path in session.info.pop(_WRITTEN, []):
        path.unlink(missing_ok=True)
