"""Versions of reference items, one engine for every kind: draft the next version from the latest one,
edit a draft, publish it (checked), retire it.

A kind registers its header model (the ``Versioned`` columns), how a new draft copies the content of the
version it starts from, and what a version must hold to be published. Frameworks (dimensions →
sub-dimensions) and code lists (entries) are kinds today; an evaluation instrument (components with
weights → indicators with level descriptions) registers the same way: its ministry admin drafts the
year's version from last year's, edits the draft and publishes it, and from then on the version used by
submissions never changes.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.core.db import utcnow
from app.core.errors import Conflict, NotFound
from app.extensions import db
from app.reference.models import DRAFT, PUBLISHED, RETIRED, Versioned

STATE_NAMES = {DRAFT: _l("draft"), PUBLISHED: _l("published"), RETIRED: _l("retired")}


@dataclass(frozen=True)
class Kind:
    name: str
    model: type[Versioned]
    # copy(source, draft): the content of ``source`` copied under the new ``draft`` header.
    copy: Callable[[Versioned, Versioned], None]
    # check(draft): raises ValidationFailed naming what a draft lacks to be published.
    check: Callable[[Versioned], None]


def latest(kind: Kind, code: str) -> Versioned | None:
    return db.session.scalar(
        select(kind.model).where(kind.model.code == code).order_by(kind.model.version.desc()).limit(1)
    )


def draft_next(kind: Kind, code: str) -> Versioned:
    """A new draft of ``code``, copied from its latest version (refused while that one is a draft)."""
    source = latest(kind, code)
    if source is None:
        raise NotFound()
    if source.state == DRAFT:
        raise Conflict(
            _l(
                "version %(version)s of %(code)s is a draft still: edit or discard it first",
                version=source.version,
                code=code,
            )
        )
    draft = kind.model(
        code=code,
        version=source.version + 1,
        name_id=source.name_id,
        name_en=source.name_en,
        issuer=source.issuer,
        source=source.source,
        state=DRAFT,
    )
    db.session.add(draft)
    db.session.flush()
    kind.copy(source, draft)
    return draft


def first_draft(kind: Kind, code: str, **values) -> Versioned:
    """Version 1 of a new item, a draft (refused when the code is taken)."""
    taken = db.session.scalar(select(func.count()).where(kind.model.code == code))
    if taken:
        raise Conflict(
            _l("%(code)s exists: draft a new version of it instead", code=code),
            {"code": [_l("already used")]},
        )
    draft = kind.model(code=code, version=1, state=DRAFT, **values)
    db.session.add(draft)
    db.session.flush()
    return draft


def ensure_draft(header: Versioned) -> Versioned:
    """``header`` if it is a draft; a published or retired version never changes."""
    if header.state != DRAFT:
        raise Conflict(
            _l(
                "%(code)s version %(version)s is %(state)s and never changes: add a new version instead",
                code=header.code,
                version=header.version,
                state=STATE_NAMES.get(header.state, header.state),
            )
        )
    return header


def publish(kind: Kind, header: Versioned) -> Versioned:
    """Offer a draft: it is checked, then frozen."""
    ensure_draft(header)
    kind.check(header)
    header.state = PUBLISHED
    header.published_at = utcnow()
    db.session.flush()
    return header


def retire(header: Versioned) -> Versioned:
    """Stop offering a published version; what uses it keeps it."""
    if header.state != PUBLISHED:
        raise Conflict(_l("only a published version is retired"))
    header.state = RETIRED
    db.session.flush()
    return header


def discard(header: Versioned) -> None:
    """Delete a draft (nothing can use a draft, so nothing points at it)."""
    ensure_draft(header)
    db.session.delete(header)
    db.session.flush()
