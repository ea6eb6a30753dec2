"""File plumbing: what a file really is (by its first bytes, not its name) and where it lives on disk.

Files live under ``STORAGE_DIR`` (default ``INSTANCE_DIR/files``) in a folder per tenant:
``<tenant_id>/<yyyy-mm>/<file_id>``. A file is written under a temporary name, measured and hashed while
it streams in, checked, then renamed into place; if the transaction that records it rolls back, the file
is removed again, so the disk never keeps a file the database does not know.

Office files (XLSX, DOCX, PPTX) are ZIP archives, and a small one can unpack into gigabytes: before
anything opens one, ``check_archive`` reads its table of contents (the central directory, nothing is
decompressed) and refuses it when it would unpack past the configured limits.
"""

import codecs
import hashlib
import os
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app, send_file
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core.errors import DomainError, ValidationFailed
from app.core.i18n import format_file_size, format_number

CHUNK = 64 * 1024
ZIP_SIGNATURE = b"PK\x03\x04"


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
        # A ZIP that is no Office file: only the platform writes one (a tenant's export).
        FileKind("zip", "application/zip", (".zip",)),
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
    if head.startswith(ZIP_SIGNATURE):
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
        return KINDS["zip"]
    return next((KINDS[kind] for kind, part in _OOXML_PARTS.items() if part in names), KINDS["zip"])


# --- ZIP containers: judged by their table of contents before anything unpacks them ------------------

# An entry this small is not judged by its ratio: what it unpacks to is small anyway, and all of them
# together are bounded by the total. The same grace as Apache POI's ZipSecureFile (100 KB).
RATIO_GRACE_BYTES = 100 * 1024
_END = struct.Struct("<4s4H2LH")  # end of central directory record
_END64_LOCATOR = struct.Struct("<4sLQL")
_END64 = struct.Struct("<4sQ2H2L4Q")  # ZIP64 end of central directory record
_ENTRY = struct.Struct("<4s4B4HL2L5H2L")  # one central directory entry, before its name


@dataclass(frozen=True)
class ArchiveLimits:
    unpacked_bytes: int
    entries: int
    ratio: int

    @classmethod
    def configured(cls) -> "ArchiveLimits":
        config = current_app.config
        return cls(
            config["UPLOAD_MAX_UNPACKED_BYTES"],
            config["UPLOAD_MAX_ARCHIVE_ENTRIES"],
            config["UPLOAD_MAX_COMPRESSION_RATIO"],
        )


def is_zip(path: Path) -> bool:
    """Whether the file starts as a ZIP archive (every Office file does)."""
    with path.open("rb") as handle:
        return handle.read(len(ZIP_SIGNATURE)) == ZIP_SIGNATURE


def check_archive(path: Path, field: str = "file", limits: ArchiveLimits | None = None) -> None:
    """Refuse a ZIP archive that would unpack to too much: 413 past the unpacked size, 422 for too many
    entries, a large entry packed suspiciously tightly, or no valid archive; the error names ``field``.

    Only the central directory is read. Python's zipfile, which openpyxl reads through, never inflates an
    entry past the size the central directory declares, so the declared sizes bound what reading can
    produce. Entries are counted before zipfile builds its list of them, which for a crafted archive of
    many tiny entries would itself take memory."""
    limits = limits or ArchiveLimits.configured()
    try:
        with path.open("rb") as handle:
            if _count_entries(handle, stop_after=limits.entries) > limits.entries:
                raise _refused(field, _l("it holds more than %(limit)s parts", limit=_number(limits.entries)))
            with zipfile.ZipFile(handle) as archive:
                entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, struct.error, EOFError, ValueError) as error:
        raise _refused(field, _l("it is not a valid ZIP archive, as every Office file is")) from error
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > limits.unpacked_bytes:
        reason = _l(
            "it unpacks to %(size)s, more than the %(limit)s allowed",
            size=LazyString(format_file_size, unpacked),
            limit=LazyString(format_file_size, limits.unpacked_bytes),
        )
        raise _refused(field, reason, PayloadTooLarge)
    for entry in entries:
        if entry.file_size > RATIO_GRACE_BYTES and entry.file_size > limits.ratio * entry.compress_size:
            reason = _l(
                "its part %(name)s unpacks to %(ratio)s times its packed size, more than the %(limit)s "
                "times allowed",
                name=entry.filename[:80],
                ratio=_number(entry.file_size // max(entry.compress_size, 1)),
                limit=_number(limits.ratio),
            )
            raise _refused(field, reason)


def _number(value: int) -> LazyString:
    return LazyString(format_number, value)  # 10.000 or 10,000 when read, in the reader's language


def _refused(field: str, reason, error: type[DomainError] = ValidationFailed) -> DomainError:
    message = _l("This file is not opened: %(reason)s.", reason=reason)
    return error(message, {field: [message]})


def _count_entries(handle: BinaryIO, stop_after: int) -> int:
    """How many entries the central directory holds, counted up to one past ``stop_after``; walked
    record by record, since the count the end record declares may lie."""
    start, size = _central_directory(handle)
    handle.seek(start)
    count = walked = 0
    while walked < size and count <= stop_after:
        record = handle.read(_ENTRY.size)
        if len(record) < _ENTRY.size or not record.startswith(b"PK\x01\x02"):
            raise zipfile.BadZipFile("broken central directory")
        name_length, extra_length, comment_length = _ENTRY.unpack(record)[12:15]
        rest = name_length + extra_length + comment_length
        handle.seek(rest, os.SEEK_CUR)
        walked += _ENTRY.size + rest
        count += 1
    return count


def _central_directory(handle: BinaryIO) -> tuple[int, int]:
    """Where the central directory starts and its length in bytes, found as zipfile finds it (so both
    read the same bytes): the end record, and ZIP64's when a locator precedes it; counted back from the
    end record, so bytes prepended to the archive do not matter."""
    handle.seek(0, os.SEEK_END)
    tail_start = max(0, handle.tell() - _END.size - 0xFFFF)  # the record and at most a 64 KB comment
    handle.seek(tail_start)
    tail = handle.read()
    at = len(tail) - _END.size
    if at < 0 or tail[at : at + 4] != b"PK\x05\x06" or tail[-2:] != b"\0\0":
        at = tail.rfind(b"PK\x05\x06")  # the record is followed by a comment
    if at < 0 or len(tail) - at < _END.size:
        raise zipfile.BadZipFile("no end of central directory record")
    end = tail_start + at
    size = _END.unpack_from(tail, at)[5]
    if end >= _END64_LOCATOR.size + _END64.size:
        handle.seek(end - _END64_LOCATOR.size)
        if handle.read(4) == b"PK\x06\x07":
            end -= _END64_LOCATOR.size + _END64.size
            handle.seek(end)
            record = handle.read(_END64.size)
            if len(record) < _END64.size or not record.startswith(b"PK\x06\x06"):
                raise zipfile.BadZipFile("no ZIP64 end of central directory record")
            size = _END64.unpack(record)[8]
    if size > end:
        raise zipfile.BadZipFile("the central directory would start before the file")
    return end - size, size


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


def send_stored(stored, path: Path):
    """A stored file (anything with ``content_type``, ``filename`` and ``sha256``, kept at ``path``) as a
    download, never rendered inline: evidence can be anything a member uploaded."""
    response = send_file(
        path,
        mimetype=stored.content_type,
        as_attachment=True,
        download_name=stored.filename,
        etag=stored.sha256,
        conditional=False,  # no-store: nothing to revalidate, and If-Match is for writes here
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
