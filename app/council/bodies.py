"""Bodies, their decrees (SK), positions and members, with the history kept.

A decree that changes a body is added beside the ones before it (amending or superseding one of them);
a member who leaves keeps their row with the end of their term. So the body can be shown as it stood on
any date: the decrees in force and the members serving that day.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select

from app.accounts import services as accounts
from app.core.auth import Actor
from app.core.errors import Conflict, ValidationFailed
from app.core.reach import one_or_404
from app.council import policy, reference
from app.council.models import (
    DECREE_RELATIONS,
    SUPERSEDES,
    CouncilActionItem,
    CouncilBody,
    CouncilBodyKind,
    CouncilDecree,
    CouncilInvitee,
    CouncilMeeting,
    CouncilMember,
    CouncilPosition,
)
from app.extensions import db
from app.files import services as files
from app.tenants import services as tenants

DECREE_OWNER = "council_decree"


# --- kinds of body ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BodyKind:
    """A kind of body: a national one (Dewan Smart City, Tim Pelaksana, Forum) or the tenant's own."""

    code: str
    name: str
    national: bool
    id: uuid.UUID | None = None


def body_kinds(*, actor: Actor) -> list[BodyKind]:
    """The kinds a body can be: the national list first, then the tenant's own by name."""
    policy.require(actor, "council.read")
    national = [BodyKind(e.code, e.name, True) for e in reference.code_list(reference.BODY_KIND)]
    own = db.session.scalars(select(CouncilBodyKind).order_by(CouncilBodyKind.name))
    return national + [BodyKind(k.code, k.name, False, k.id) for k in own]


def kind_name(code: str, kinds: list[BodyKind]) -> str:
    return next((k.name for k in kinds if k.code == code), code)


def tenant_kinds_query(*, actor: Actor):
    """The kinds of body the tenant added, by name."""
    policy.require(actor, "council.read")
    return select(CouncilBodyKind).order_by(CouncilBodyKind.name)


def get_body_kind(kind_id: uuid.UUID, *, actor: Actor) -> CouncilBodyKind:
    kind = one_or_404(select(CouncilBodyKind).where(CouncilBodyKind.id == kind_id))
    policy.require(actor, "council.read", kind)
    return kind


def create_body_kind(data: dict, *, actor: Actor) -> CouncilBodyKind:
    """Add a kind of body of the tenant's own (a technical team, a working group)."""
    policy.require(actor, "body.manage")
    code = (data.get("code") or "").strip().upper().replace(" ", "_")
    name = (data.get("name") or "").strip()
    if not code:
        raise ValidationFailed.field("code", _l("Enter a code."))
    if not name:
        raise ValidationFailed.field("name", _l("Enter a name."))
    taken = code in reference.codes(reference.BODY_KIND) or db.session.scalar(
        select(exists().where(CouncilBodyKind.code == code))
    )
    if taken:
        raise ValidationFailed.field("code", _l("Another kind of body has the code %(code)s.", code=code))
    kind = CouncilBodyKind(code=code, name=name)
    db.session.add(kind)
    db.session.flush()
    return kind


def delete_body_kind(kind_id: uuid.UUID, *, actor: Actor) -> None:
    """Remove a kind of the tenant's own that no body is of."""
    kind = get_body_kind(kind_id, actor=actor)
    policy.require(actor, "body.manage", kind)
    if db.session.scalar(select(exists().where(CouncilBody.kind == kind.code))):
        raise Conflict(_l("Bodies of this kind exist: change their kind first."))
    db.session.delete(kind)
    db.session.flush()


def _check_kind(code: str | None) -> str:
    known = {k.code for k in _all_kinds()}
    if not code or code not in known:
        raise ValidationFailed.field("kind", _l("Choose one of the kinds of body."))
    return code


def _all_kinds() -> list[BodyKind]:
    national = [BodyKind(e.code, e.name, True) for e in reference.code_list(reference.BODY_KIND)]
    return national + [BodyKind(k.code, k.name, False) for k in db.session.scalars(select(CouncilBodyKind))]


# --- bodies ------------------------------------------------------------------------------------------


def bodies_query(*, actor: Actor):
    """The tenant's bodies by name."""
    policy.require(actor, "council.read")
    return select(CouncilBody).order_by(CouncilBody.name)


def list_bodies(*, actor: Actor) -> list[CouncilBody]:
    return list(db.session.scalars(bodies_query(actor=actor)))


def get_body(body_id: uuid.UUID, *, actor: Actor) -> CouncilBody:
    """One body of the tenant (404 for any other)."""
    body = one_or_404(select(CouncilBody).where(CouncilBody.id == body_id))
    policy.require(actor, "council.read", body)
    return body


def _body_fields(data: dict, body: CouncilBody | None, actor: Actor) -> dict:
    fields = {}
    if body is None or "kind" in data:
        fields["kind"] = _check_kind(data.get("kind"))
    if body is None or "name" in data:
        name = (data.get("name") or "").strip()
        if not name:
            raise ValidationFailed.field("name", _l("Enter a name."))
        clash = select(CouncilBody.id).where(CouncilBody.name == name)
        if body is not None:
            clash = clash.where(CouncilBody.id != body.id)
        if db.session.scalar(clash) is not None:
            raise ValidationFailed.field("name", _l("Another body is called %(name)s.", name=name))
        fields["name"] = name
    if "description" in data:
        fields["description"] = (data.get("description") or "").strip() or None
    if "secretariat_opd_id" in data:
        opd_id = data.get("secretariat_opd_id")
        if opd_id is not None and opd_id not in {opd.id for opd in tenants.list_opds(actor=actor)}:
            raise ValidationFailed.field("secretariat_opd_id", _l("Choose one of the tenant's OPDs."))
        fields["secretariat_opd_id"] = opd_id
    return fields


def create_body(data: dict, *, actor: Actor) -> CouncilBody:
    """Set up a body: the Dewan Smart City, the Tim Pelaksana, a Forum or a kind of the tenant's own."""
    policy.require(actor, "body.manage")
    body = CouncilBody(**_body_fields(data, None, actor))
    db.session.add(body)
    db.session.flush()
    return body


def update_body(body_id: uuid.UUID, data: dict, *, actor: Actor) -> CouncilBody:
    """Change a body's kind, name, description or secretariat."""
    body = get_body(body_id, actor=actor)
    policy.require(actor, "body.manage", body)
    for name, value in _body_fields(data, body, actor).items():
        setattr(body, name, value)
    db.session.flush()
    return body


def delete_body(body_id: uuid.UUID, *, actor: Actor) -> None:
    """Remove a body set up by mistake: one with no decree, position or meeting yet."""
    body = get_body(body_id, actor=actor)
    policy.require(actor, "body.manage", body)
    for model in (CouncilDecree, CouncilPosition, CouncilMeeting):
        if db.session.scalar(select(exists().where(model.body_id == body.id))):
            raise Conflict(_l("This body has decrees, positions or meetings on record: they stay with it."))
    db.session.delete(body)
    db.session.flush()


# --- decrees -------------------------------------------------------------------------------------------

IN_FORCE, AMENDED, SUPERSEDED, EXPIRED, NOT_YET = "in_force", "amended", "superseded", "expired", "not_yet"


def decrees_query(body_id: uuid.UUID, *, actor: Actor):
    """A body's decrees, the newest first: its whole legal history."""
    get_body(body_id, actor=actor)
    return (
        select(CouncilDecree)
        .where(CouncilDecree.body_id == body_id)
        .order_by(CouncilDecree.decree_date.desc(), CouncilDecree.number.desc())
    )


def list_decrees(body_id: uuid.UUID, *, actor: Actor) -> list[CouncilDecree]:
    return list(db.session.scalars(decrees_query(body_id, actor=actor)))


def decree_statuses(decrees: list[CouncilDecree], on: date) -> dict[uuid.UUID, str]:
    """How each of a body's decrees stands on ``on``: in force, amended (in force, changed by a later
    one), superseded, expired or not yet valid."""
    superseded, amended = set(), set()
    for decree in decrees:
        if decree.previous_id is not None and decree.valid_from <= on:
            (superseded if decree.relation == SUPERSEDES else amended).add(decree.previous_id)
    statuses = {}
    for decree in decrees:
        if decree.id in superseded:
            statuses[decree.id] = SUPERSEDED
        elif decree.valid_from > on:
            statuses[decree.id] = NOT_YET
        elif decree.valid_until is not None and decree.valid_until < on:
            statuses[decree.id] = EXPIRED
        else:
            statuses[decree.id] = AMENDED if decree.id in amended else IN_FORCE
    return statuses


def get_decree(decree_id: uuid.UUID, *, actor: Actor, body_id: uuid.UUID | None = None) -> CouncilDecree:
    """One decree (of ``body_id`` when given; 404 for any other)."""
    stmt = select(CouncilDecree).where(CouncilDecree.id == decree_id)
    if body_id is not None:
        stmt = stmt.where(CouncilDecree.body_id == body_id)
    decree = one_or_404(stmt)
    policy.require(actor, "council.read", decree)
    return decree


def _decree_fields(body: CouncilBody, data: dict, decree: CouncilDecree | None) -> dict:
    merged = {
        name: data.get(name, getattr(decree, name) if decree else None)
        for name in (
            "number",
            "title",
            "decree_date",
            "signer",
            "valid_from",
            "valid_until",
            "relation",
            "previous_id",
        )
    }
    number = (merged["number"] or "").strip()
    if not number:
        raise ValidationFailed.field("number", _l("Enter the decree's number."))
    clash = select(CouncilDecree.id).where(CouncilDecree.body_id == body.id, CouncilDecree.number == number)
    if decree is not None:
        clash = clash.where(CouncilDecree.id != decree.id)
    if db.session.scalar(clash) is not None:
        raise ValidationFailed.field("number", _l("This body already has decree %(number)s.", number=number))
    if merged["decree_date"] is None:
        raise ValidationFailed.field("decree_date", _l("Enter the date the decree was signed."))
    signer = (merged["signer"] or "").strip()
    if not signer:
        raise ValidationFailed.field("signer", _l("Enter who signed the decree (e.g. Wali Kota Palopo)."))
    valid_from = merged["valid_from"] or merged["decree_date"]
    if merged["valid_until"] is not None and merged["valid_until"] < valid_from:
        raise ValidationFailed.field("valid_until", _l("The decree cannot end before it takes effect."))
    relation, previous_id = merged["relation"] or None, merged["previous_id"]
    if (relation is None) != (previous_id is None):
        field = "previous_id" if relation else "relation"
        raise ValidationFailed.field(
            field, _l("Name both the earlier decree and whether this one amends or supersedes it.")
        )
    if relation is not None:
        if relation not in DECREE_RELATIONS:
            raise ValidationFailed.field("relation", _l("Choose amends or supersedes."))
        previous = db.session.scalar(
            select(CouncilDecree).where(CouncilDecree.id == previous_id, CouncilDecree.body_id == body.id)
        )
        if previous is None or (decree is not None and previous.id == decree.id):
            raise ValidationFailed.field("previous_id", _l("Choose an earlier decree of this body."))
        if previous.decree_date > merged["decree_date"]:
            raise ValidationFailed.field("previous_id", _l("A decree can only change one signed before it."))
    return {
        **merged,
        "number": number,
        "title": (merged["title"] or "").strip() or None,
        "signer": signer,
        "valid_from": valid_from,
        "relation": relation,
    }


def create_decree(body_id: uuid.UUID, data: dict, *, actor: Actor) -> CouncilDecree:
    """Register a decree of a body: its number, date, signer and validity, and the earlier decree it
    amends or supersedes (which stays on record)."""
    body = get_body(body_id, actor=actor)
    policy.require(actor, "body.manage", body)
    decree = CouncilDecree(body_id=body.id, **_decree_fields(body, data, None))
    db.session.add(decree)
    db.session.flush()
    return decree


def update_decree(decree_id: uuid.UUID, data: dict, *, actor: Actor) -> CouncilDecree:
    """Correct a decree's details as registered."""
    decree = get_decree(decree_id, actor=actor)
    policy.require(actor, "body.manage", decree)
    body = get_body(decree.body_id, actor=actor)
    for name, value in _decree_fields(body, data, decree).items():
        setattr(decree, name, value)
    db.session.flush()
    return decree


def delete_decree(decree_id: uuid.UUID, *, actor: Actor) -> None:
    """Remove a decree registered by mistake: one no later decree changes and no member was appointed by."""
    decree = get_decree(decree_id, actor=actor)
    policy.require(actor, "body.manage", decree)
    if db.session.scalar(select(exists().where(CouncilDecree.previous_id == decree.id))):
        raise Conflict(_l("A later decree changes this one: the history keeps it."))
    if db.session.scalar(select(exists().where(CouncilMember.decree_id == decree.id))):
        raise Conflict(_l("Members were appointed by this decree: the history keeps it."))
    document_id, decree.document_id = decree.document_id, None
    db.session.flush()
    if document_id is not None:
        files.release(document_id, DECREE_OWNER, decree.id, actor=actor)
    db.session.delete(decree)
    db.session.flush()


def attach_decree_document(
    decree_id: uuid.UUID, source: BinaryIO, filename: str | None, *, actor: Actor
) -> CouncilDecree:
    """Store the signed decree as a PDF, replacing the one uploaded before."""
    decree = get_decree(decree_id, actor=actor)
    policy.require(actor, "body.manage", decree)
    stored = files.store_upload(source, filename, purpose="legal", actor=actor)
    stored.owner_type, stored.owner_id = DECREE_OWNER, decree.id
    previous, decree.document_id = decree.document_id, stored.id
    db.session.flush()
    if previous is not None:
        files.release(previous, DECREE_OWNER, decree.id, actor=actor)
    return decree


def can_read_decree_file(decree_id: uuid.UUID, actor: Actor) -> bool:
    """A decree's signed copy is read by every member who reads the council."""
    decree = db.session.scalar(select(CouncilDecree).where(CouncilDecree.id == decree_id))
    return decree is not None and policy.can(actor, "council.read", decree)


# --- positions -----------------------------------------------------------------------------------------


def positions_query(body_id: uuid.UUID, *, actor: Actor):
    """A body's positions in their order (Ketua first)."""
    get_body(body_id, actor=actor)
    return (
        select(CouncilPosition)
        .where(CouncilPosition.body_id == body_id)
        .order_by(CouncilPosition.rank, CouncilPosition.title)
    )


def list_positions(body_id: uuid.UUID, *, actor: Actor) -> list[CouncilPosition]:
    return list(db.session.scalars(positions_query(body_id, actor=actor)))


def get_position(
    position_id: uuid.UUID, *, actor: Actor, body_id: uuid.UUID | None = None
) -> CouncilPosition:
    stmt = select(CouncilPosition).where(CouncilPosition.id == position_id)
    if body_id is not None:
        stmt = stmt.where(CouncilPosition.body_id == body_id)
    position = one_or_404(stmt)
    policy.require(actor, "council.read", position)
    return position


def _position_fields(body: CouncilBody, data: dict, position: CouncilPosition | None) -> dict:
    fields = {}
    if position is None or "title" in data:
        title = (data.get("title") or "").strip()
        if not title:
            raise ValidationFailed.field("title", _l("Enter the position's title."))
        clash = select(CouncilPosition.id).where(
            CouncilPosition.body_id == body.id, CouncilPosition.title == title
        )
        if position is not None:
            clash = clash.where(CouncilPosition.id != position.id)
        if db.session.scalar(clash) is not None:
            raise ValidationFailed.field(
                "title", _l("This body already has a position %(title)s.", title=title)
            )
        fields["title"] = title
    if "code" in data:
        code = data.get("code") or None
        if code is not None and code not in reference.codes(reference.POSITION):
            raise ValidationFailed.field("code", _l("Choose one of the national positions, or none."))
        fields["code"] = code
    if "dimension_code" in data:
        fields["dimension_code"] = (data.get("dimension_code") or "").strip().upper() or None
    for name in ("single_seat", "rank"):
        if name in data and data[name] is not None:
            fields[name] = data[name]
    return fields


def create_position(body_id: uuid.UUID, data: dict, *, actor: Actor) -> CouncilPosition:
    """Add a position to a body: Ketua, Sekretaris, a dimension's coordinator, Anggota Dewan Smart City."""
    body = get_body(body_id, actor=actor)
    policy.require(actor, "body.manage", body)
    position = CouncilPosition(body_id=body.id, **_position_fields(body, data, None))
    db.session.add(position)
    db.session.flush()
    return position


def update_position(position_id: uuid.UUID, data: dict, *, actor: Actor) -> CouncilPosition:
    position = get_position(position_id, actor=actor)
    policy.require(actor, "body.manage", position)
    body = get_body(position.body_id, actor=actor)
    fields = _position_fields(body, data, position)
    if fields.get("single_seat") and not position.single_seat:
        _ensure_one_holder_at_a_time(position.id)
    for name, value in fields.items():
        setattr(position, name, value)
    db.session.flush()
    return position


def delete_position(position_id: uuid.UUID, *, actor: Actor) -> None:
    """Remove a position nobody has held."""
    position = get_position(position_id, actor=actor)
    policy.require(actor, "body.manage", position)
    if db.session.scalar(select(exists().where(CouncilMember.position_id == position.id))):
        raise Conflict(_l("Members have held this position: the history keeps it."))
    db.session.delete(position)
    db.session.flush()


# --- members -------------------------------------------------------------------------------------------


def members_query(body_id: uuid.UUID, *, actor: Actor, as_of: date | None = None):
    """A body's members by position, with the position: those serving on ``as_of``, or everyone who ever
    served (the history) when it is None."""
    get_body(body_id, actor=actor)
    stmt = (
        select(CouncilMember, CouncilPosition)
        .join(
            CouncilPosition,
            (CouncilPosition.tenant_id == CouncilMember.tenant_id)
            & (CouncilPosition.id == CouncilMember.position_id),
        )
        .where(CouncilMember.body_id == body_id)
        .order_by(CouncilPosition.rank, CouncilPosition.title, CouncilMember.term_start, CouncilMember.name)
    )
    if as_of is not None:
        stmt = stmt.where(*serving_on(as_of))
    return stmt


def serving_on(day: date) -> tuple:
    """The conditions of a member serving on ``day``: their term began and has not ended."""
    return (
        CouncilMember.term_start <= day,
        or_(CouncilMember.term_end.is_(None), CouncilMember.term_end >= day),
    )


def get_member(member_id: uuid.UUID, *, actor: Actor, body_id: uuid.UUID | None = None) -> CouncilMember:
    stmt = select(CouncilMember).where(CouncilMember.id == member_id)
    if body_id is not None:
        stmt = stmt.where(CouncilMember.body_id == body_id)
    found = one_or_404(stmt)
    policy.require(actor, "council.read", found)
    return found


def _member_fields(body: CouncilBody, data: dict, member: CouncilMember | None) -> dict:
    def value(name):
        return data[name] if name in data else (getattr(member, name) if member else None)

    fields = {}
    position_id = value("position_id")
    position = (
        db.session.scalar(
            select(CouncilPosition).where(
                CouncilPosition.id == position_id, CouncilPosition.body_id == body.id
            )
        )
        if position_id
        else None
    )
    if position is None:
        raise ValidationFailed.field("position_id", _l("Choose one of this body's positions."))
    fields["position_id"] = position.id
    user_id = value("user_id")
    name = (value("name") or "").strip()
    email = value("email")
    if user_id is not None:
        if tenants.membership_of(user_id) is None:
            raise ValidationFailed.field("user_id", _l("Choose a member of the tenant, or enter a name."))
        user = accounts.find_user(user_id)
        if member is None or "user_id" in data:
            name, email = name or user.name, email or user.email
    if not name:
        raise ValidationFailed.field("name", _l("Enter the person's name, or choose a user of the tenant."))
    fields.update(user_id=user_id, name=name, email=(email or None))
    for text in ("institution", "phone"):
        fields[text] = (value(text) or "").strip() or None
    pentahelix = value("pentahelix")
    if pentahelix not in reference.codes(reference.PENTAHELIX):
        raise ValidationFailed.field("pentahelix", _l("Choose the pentahelix element the person stands for."))
    fields["pentahelix"] = pentahelix
    decree_id = value("decree_id")
    if (
        decree_id is not None
        and db.session.scalar(
            select(CouncilDecree.id).where(CouncilDecree.id == decree_id, CouncilDecree.body_id == body.id)
        )
        is None
    ):
        raise ValidationFailed.field("decree_id", _l("Choose a decree of this body."))
    fields["decree_id"] = decree_id
    term_start, term_end = value("term_start"), value("term_end")
    if term_start is None:
        raise ValidationFailed.field("term_start", _l("Enter the day the term begins."))
    if term_end is not None and term_end < term_start:
        raise ValidationFailed.field("term_end", _l("A term cannot end before it begins."))
    fields.update(term_start=term_start, term_end=term_end)
    if position.single_seat:
        _ensure_seat_free(position, term_start, term_end, member.id if member else None)
    return fields


def _ensure_seat_free(position: CouncilPosition, start: date, end: date | None, except_id) -> None:
    """A single-seat position is held by one person at a time: a term overlapping another's is refused."""
    stmt = select(CouncilMember).where(
        CouncilMember.position_id == position.id,
        or_(CouncilMember.term_end.is_(None), CouncilMember.term_end >= start),
    )
    if end is not None:
        stmt = stmt.where(CouncilMember.term_start <= end)
    if except_id is not None:
        stmt = stmt.where(CouncilMember.id != except_id)
    holder = db.session.scalars(stmt).first()
    if holder is not None:
        raise ValidationFailed.field(
            "term_start",
            _l(
                "%(position)s has one seat and %(name)s holds it then: end that term first.",
                position=position.title,
                name=holder.name,
            ),
        )


def _ensure_one_holder_at_a_time(position_id: uuid.UUID) -> None:
    holders = list(db.session.scalars(select(CouncilMember).where(CouncilMember.position_id == position_id)))
    for i, one in enumerate(holders):
        for other in holders[i + 1 :]:
            if _overlap(one, other):
                raise ValidationFailed.field(
                    "single_seat", _l("Terms of several people overlap in this position.")
                )


def _overlap(a: CouncilMember, b: CouncilMember) -> bool:
    a_end, b_end = a.term_end or date.max, b.term_end or date.max
    return a.term_start <= b_end and b.term_start <= a_end


def create_member(body_id: uuid.UUID, data: dict, *, actor: Actor) -> CouncilMember:
    """Appoint a person to a position for a term: a user of the tenant or an outside person, with the
    pentahelix element they stand for."""
    body = get_body(body_id, actor=actor)
    policy.require(actor, "body.manage", body)
    member = CouncilMember(body_id=body.id, **_member_fields(body, data, None))
    db.session.add(member)
    db.session.flush()
    return member


def update_member(member_id: uuid.UUID, data: dict, *, actor: Actor) -> CouncilMember:
    """Correct a member's details or end their term (the row stays: the history keeps who served)."""
    member = get_member(member_id, actor=actor)
    policy.require(actor, "body.manage", member)
    body = get_body(member.body_id, actor=actor)
    for name, value in _member_fields(body, data, member).items():
        setattr(member, name, value)
    db.session.flush()
    return member


def delete_member(member_id: uuid.UUID, *, actor: Actor) -> None:
    """Remove a member entered by mistake (one never invited to a meeting); to record that someone left,
    end their term instead."""
    member = get_member(member_id, actor=actor)
    policy.require(actor, "body.manage", member)
    if db.session.scalar(select(exists().where(CouncilInvitee.member_id == member.id))):
        raise Conflict(_l("This member was invited to meetings: end their term instead."))
    if db.session.scalar(select(exists().where(CouncilActionItem.owner_member_id == member.id))):
        raise Conflict(_l("Action items are assigned to this member: end their term instead."))
    db.session.delete(member)
    db.session.flush()


def serving_members(*, actor: Actor, on: date) -> list[CouncilMember]:
    """The members of every body serving on ``on``, by name (one person holding two seats once)."""
    policy.require(actor, "council.read")
    found, seen = [], set()
    for member in db.session.scalars(
        select(CouncilMember).where(*serving_on(on)).order_by(CouncilMember.name, CouncilMember.term_start)
    ):
        key = member.user_id or " ".join(member.name.lower().split())
        if key not in seen:
            seen.add(key)
            found.append(member)
    return found
