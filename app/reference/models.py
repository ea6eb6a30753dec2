"""Reference data: platform tables (no tenant column), read by every tenant and kept by the ministry.

Each versioned item (a framework, a code list; later an evaluation instrument) is a header row with a
``code``, a ``version`` and a ``state`` (draft → published → retired) and its content in child tables.
A draft is edited; a published version never changes again (masterplans and, later, evaluation
submissions point at it), so a change means drafting the next version, copied from the latest one
(``app.reference.versioning``). Regions are the Kemendagri list of kabupaten and kota a tenant is tied
to; a region's code never changes, so the list grows but is not versioned.
"""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, Timestamps, new_id

DRAFT, PUBLISHED, RETIRED = "draft", "published", "retired"
STATES = (DRAFT, PUBLISHED, RETIRED)


class Versioned(Timestamps):
    """The header of one version of a reference item: what every kind shares."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(60))
    version: Mapped[int]
    name_id: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12), default=DRAFT)
    published_at: Mapped[datetime | None]


class Framework(Versioned, Base):
    """One version of a dimension framework (Kominfo's six dimensions, a smart village set, ...)."""

    __tablename__ = "frameworks"
    __table_args__ = (UniqueConstraint("code", "version"),)


class FrameworkDimension(Base):
    __tablename__ = "framework_dimensions"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    framework_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("frameworks.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    name_id: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    # Letter(s) that start this dimension's strategy codes (S.1, S.1.1); a masterplan may override it.
    strategy_prefix: Mapped[str | None] = mapped_column(String(10))
    goal: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)


class FrameworkSubDimension(Base):
    __tablename__ = "framework_sub_dimensions"
    __table_args__ = (UniqueConstraint("dimension_id", "code"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    dimension_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("framework_dimensions.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    name_id: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)


class CodeList(Versioned, Base):
    """One version of a national code list (program class, horizon, funding source, pentahelix sector);
    ``code`` is the list's name. Tenants are offered the entries of its latest published version."""

    __tablename__ = "code_lists"
    __table_args__ = (UniqueConstraint("code", "version"),)


class CodeListItem(Timestamps, Base):
    """An entry of one version of a code list.

    Codes never change (masterplans store them) and the next version keeps every code: an entry no
    longer offered is marked retired there, so a stored code always has a name."""

    __tablename__ = "code_list_items"
    __table_args__ = (UniqueConstraint("code_list_id", "code"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code_list_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("code_lists.id", ondelete="CASCADE"))
    # The list's code, kept on the entry so that an entry reads alone (API, audit log).
    list_name: Mapped[str] = mapped_column(String(30))
    code: Mapped[str] = mapped_column(String(40))
    name_id: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    retired: Mapped[bool] = mapped_column(default=False)


class Region(Base):
    """A province, kabupaten or kota of the Kemendagri decree."""

    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(12))
    province_code: Mapped[str] = mapped_column(String(2))
    province_name: Mapped[str] = mapped_column(String(80))
    area_km2: Mapped[float | None]
    population: Mapped[int | None]
