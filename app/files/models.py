"""Stored files: uploads (evidence, imports) and files the platform generates (job results)."""

import uuid

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, TenantOwned, Timestamps


class StoredFile(TenantOwned, Timestamps, Base):
    """A file kept for a tenant. Who may read it follows its owner (``owner_type``/``owner_id``, e.g. the
    job run whose result it is); an upload not attached to anything yet is its uploader's."""

    __tablename__ = "stored_files"
    __table_args__ = (
        Index("ix_stored_files_tenant_owner", "tenant_id", "owner_type", "owner_id"),
        Index("ix_stored_files_tenant_uploader", "tenant_id", "uploaded_by"),
    )

    purpose: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(300))
    uploaded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    owner_type: Mapped[str | None] = mapped_column(String(40))
    owner_id: Mapped[uuid.UUID | None]
