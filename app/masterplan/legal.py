"""The signed regulation behind a version's legal basis: the Perwali, Perbup, Perda or SK as a PDF.

The document records how a version was enacted rather than what it says, so it may be added or replaced
in every status but superseded (the scan usually arrives after enactment). Every member who can read the
masterplan can download it.
"""

import uuid
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.core.auth import Actor
from app.core.errors import Conflict, NotFound
from app.extensions import db
from app.files import services as files
from app.masterplan import policy
from app.masterplan.common import find_masterplan
from app.masterplan.models import SUPERSEDED, Masterplan

OWNER_TYPE = "masterplan"


def attach_signed_document(
    masterplan_id: uuid.UUID, source: BinaryIO, filename: str | None, *, actor: Actor
) -> Masterplan:
    """Store the signed regulation for this version, replacing the one uploaded before."""
    masterplan = _open_for_document(masterplan_id, "masterplan.attach_document", actor)
    stored = files.store_upload(source, filename, purpose="legal", actor=actor)
    stored.owner_type, stored.owner_id = OWNER_TYPE, masterplan.id
    previous = masterplan.signed_document_id
    masterplan.signed_document_id = stored.id
    db.session.flush()
    if previous is not None:
        files.release(previous, OWNER_TYPE, masterplan.id, actor=actor)
    return masterplan


def remove_signed_document(masterplan_id: uuid.UUID, *, actor: Actor) -> Masterplan:
    masterplan = _open_for_document(masterplan_id, "masterplan.remove_document", actor)
    previous = masterplan.signed_document_id
    if previous is None:
        raise NotFound(_l("this version has no signed document"))
    masterplan.signed_document_id = None
    db.session.flush()
    files.release(previous, OWNER_TYPE, masterplan.id, actor=actor)
    return masterplan


def signed_document(masterplan: Masterplan, *, actor: Actor):
    """The stored signed regulation of this version (a file of the files service), if any."""
    if masterplan.signed_document_id is None:
        return None
    return files.get_file(masterplan.signed_document_id, actor=actor)


def release_with(masterplan: Masterplan, *, actor: Actor) -> None:
    """Before a draft is deleted (by ``actor``, who may): its document goes with it."""
    if masterplan.signed_document_id is not None:
        previous, masterplan.signed_document_id = masterplan.signed_document_id, None
        db.session.flush()
        files.release(previous, OWNER_TYPE, masterplan.id, actor=actor)


def can_read(masterplan_id: uuid.UUID, actor: Actor) -> bool:
    """Files owned by a masterplan are read by whoever reads the masterplan."""
    masterplan = db.session.scalar(select(Masterplan).where(Masterplan.id == masterplan_id))
    return masterplan is not None and policy.can(actor, "masterplan.read", masterplan)


def _open_for_document(masterplan_id: uuid.UUID, action: str, actor: Actor) -> Masterplan:
    masterplan = find_masterplan(masterplan_id)
    policy.require(actor, action, masterplan)
    if masterplan.status == SUPERSEDED:
        raise Conflict(
            _l(
                "masterplan %(version)s is superseded: its legal basis is history",
                version=masterplan.version_label,
            ),
            {"file": [_l("a superseded version keeps the document it had")]},
        )
    return masterplan
