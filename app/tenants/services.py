"""Tenants, OPDs, memberships and invitations.

Platform-level operations (creating, suspending tenants) need a platform admin; everything else runs
inside the current tenant's context and needs that tenant's admin.
"""

import hashlib
import re
import secrets
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, func, or_, select

from app.accounts import policy as accounts_policy
from app.accounts import services as accounts
from app.accounts.models import User
from app.core.auth import EVALUATOR, OPD_OPERATOR, TENANT_ADMIN, TENANT_ROLES, Actor, evaluator_assignments
from app.core.db import utcnow
from app.core.errors import Conflict, NotFound, TenantSuspended, ValidationFailed
from app.core.reach import found, one_or_404
from app.core.tenancy import current_tenant_id, own_memberships, tenant_context
from app.extensions import db
from app.reference import services as reference
from app.tenants import policy
from app.tenants.models import (
    ACTIVE,
    SUSPENDED,
    TIMEZONES,
    Invitation,
    Membership,
    MembershipOpd,
    Opd,
    Tenant,
)

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$")
INVITATION_DAYS = 14
# Provinces east of the WIB zone, by Kemendagri province code.
_WITA_PROVINCES = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT_PROVINCES = {"81", "82", "91", "92", "93", "94", "95", "96"}


# --- regions and tenants (platform) -------------------------------------------------------------


def _timezone_for_province(province_code: str) -> str:
    if province_code in _WIT_PROVINCES:
        return "Asia/Jayapura"
    if province_code in _WITA_PROVINCES:
        return "Asia/Makassar"
    return "Asia/Jakarta"


def _default_slug(region: reference.RegionEntry) -> str:
    words = region.name.lower().replace("kabupaten", "kab").split()
    return re.sub(r"[^a-z0-9-]", "", "-".join(words))[:63]


def unassigned_regions(*, actor: Actor) -> list[reference.RegionEntry]:
    """Kabupaten/kota that no tenant holds yet, by province then name."""
    taken = set(db.session.scalars(select(Tenant.region_code)))
    return [r for r in all_regions(actor=actor) if r.code not in taken]


def all_regions(*, actor: Actor) -> list[reference.RegionEntry]:
    """The kabupaten/kota of the Kemendagri list, by province then name."""
    policy.require(actor, "region.list")
    return reference.list_regions(actor=actor)


def _region(code: str) -> reference.RegionEntry:
    region = reference.get_region(code, actor=Actor.system())
    if region is None or region.kind not in reference.TENANT_REGION_KINDS:
        raise ValidationFailed.field("region_code", _l("not a kabupaten/kota code of the Kemendagri list"))
    return region


def list_tenants(*, actor: Actor, status: str | None = None) -> list[Tenant]:
    return list(db.session.scalars(tenants_query(status, actor=actor)))


def tenants_query(
    status: str | None = None,
    search: str | None = None,
    ids: Iterable[uuid.UUID] | None = None,
    *,
    actor: Actor,
):
    """Tenants by name; optionally one status, or a name, province or slug containing ``search``, or
    only those of ``ids``."""
    policy.require(actor, "tenant.list")
    return _tenants(status, search, ids)


def active_tenants_query(ids: Iterable[uuid.UUID] | None = None, *, actor: Actor):
    """The active tenants by name (only those of ``ids`` when given): the ones a platform job fans out
    to, or the ministry compares."""
    policy.require(actor, "tenant.list_active")
    return _tenants(ACTIVE, None, ids)


def _tenants(status: str | None, search: str | None, ids: Iterable[uuid.UUID] | None):
    stmt = select(Tenant).order_by(Tenant.name)
    if status:
        stmt = stmt.where(Tenant.status == status)
    if ids is not None:
        stmt = stmt.where(Tenant.id.in_(list(ids)))
    if search:
        pattern = _contains(search)
        stmt = stmt.where(
            or_(
                Tenant.name.ilike(pattern, escape="\\"),
                Tenant.province_name.ilike(pattern, escape="\\"),
                Tenant.slug.ilike(pattern, escape="\\"),
            )
        )
    return stmt


def _contains(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def get_tenant(tenant_id: uuid.UUID, *, actor: Actor) -> Tenant:
    tenant = found(find_tenant(tenant_id))
    policy.require(actor, "tenant.read", tenant)
    return tenant


def find_tenant(tenant_id: uuid.UUID) -> Tenant | None:
    """The tenant with this id, for the plumbing that decides who acts where (the job runner, the SSO
    hooks); services and pages read a tenant with ``get_tenant``."""
    return db.session.get(Tenant, tenant_id)


def find_tenant_by_slug(slug: str) -> Tenant | None:
    return db.session.scalar(_tenant_by_slug(), {"slug": slug})


@cache
def _tenant_by_slug():
    # Built once: every tenant request starts with it.
    return select(Tenant).where(Tenant.slug == bindparam("slug"))


def create_tenant(
    *,
    actor: Actor,
    region_code: str,
    slug: str | None = None,
    timezone: str | None = None,
    name: str | None = None,
) -> Tenant:
    policy.require(actor, "tenant.create")
    region = _region(region_code)
    slug = (slug or _default_slug(region)).strip().lower()
    if not SLUG_RE.match(slug):
        raise ValidationFailed.field("slug", _l("lowercase letters, digits and hyphens, 3 to 63 characters"))
    timezone = timezone or _timezone_for_province(region.province_code)
    if timezone not in TIMEZONES:
        raise ValidationFailed.field("timezone", _l("one of %(choices)s", choices=", ".join(TIMEZONES)))
    if db.session.scalar(select(Tenant.id).where(Tenant.region_code == region.code)):
        raise Conflict(_l("this region already has a tenant"), {"region_code": [_l("already has a tenant")]})
    if find_tenant_by_slug(slug):
        raise Conflict(_l("this slug is taken"), {"slug": [_l("already taken")]})
    tenant = Tenant(
        slug=slug,
        name=(name or region.name).strip(),
        kind=region.kind,
        region_code=region.code,
        province_name=region.province_name,
        timezone=timezone,
        status=ACTIVE,
    )
    db.session.add(tenant)
    db.session.flush()
    return tenant


def update_tenant(
    tenant_id: uuid.UUID, *, actor: Actor, name: str | None = None, timezone: str | None = None
) -> Tenant:
    tenant = found(find_tenant(tenant_id))
    policy.require(actor, "tenant.update", tenant)
    if name is not None:
        if not name.strip():
            raise ValidationFailed.field("name", _l("required"))
        tenant.name = name.strip()
    if timezone is not None:
        if timezone not in TIMEZONES:
            raise ValidationFailed.field("timezone", _l("one of %(choices)s", choices=", ".join(TIMEZONES)))
        tenant.timezone = timezone
    return tenant


def set_tenant_status(tenant_id: uuid.UUID, status: str, *, actor: Actor) -> Tenant:
    """Suspend or reactivate a tenant. Nothing is deleted: members see a notice until reactivation."""
    tenant = found(find_tenant(tenant_id))
    policy.require(actor, "tenant.set_status", tenant)
    if status not in (ACTIVE, SUSPENDED):
        raise ValidationFailed.field("status", _l("active or suspended"))
    tenant.status = status
    tenant.suspended_at = utcnow() if status == SUSPENDED else None
    if status == SUSPENDED:
        _end_members_sessions(tenant.id, actor)
    return tenant


def _end_members_sessions(tenant_id: uuid.UUID, actor: Actor) -> None:
    """A suspension logs the tenant's people out at once (platform and ministry accounts stay)."""
    with tenant_context(tenant_id):
        user_ids = db.session.scalars(
            select(Membership.user_id)
            .join(User, User.id == Membership.user_id)
            .where(User.platform_role.is_(None))
        ).all()
    accounts.end_sessions(user_ids, "tenant_suspended", actor=actor)


def sso_tenants_query(search: str | None = None, *, actor: Actor):
    """The active tenants whose login page offers single sign-on, by name, optionally those whose name,
    province or slug contains ``search``: the login page's "log in with your city's SSO"."""
    policy.require(actor, "tenant.list_sso")
    return _tenants(ACTIVE, search, None).where(Tenant.sso_login.is_(True))


def set_sso_login(offered: bool, *, actor: Actor) -> None:
    """Say whether the current tenant's login page offers single sign-on (kept by the SSO services
    whenever a provider is added, switched on or off, or removed)."""
    tenant = found(find_tenant(current_tenant_id()))
    policy.require(actor, "tenant.set_sso_login", tenant)
    if tenant.sso_login != offered:
        tenant.sso_login = offered


def ensure_active(tenant: Tenant) -> None:
    """Refuse work in a suspended tenant (the resolver's gate, before any view runs)."""
    if not tenant.is_active:
        raise TenantSuspended(_l("this tenant is suspended"))


# --- who the caller is in a tenant -------------------------------------------------------------


def membership_of(user_id: uuid.UUID) -> Membership | None:
    """The user's membership in the current tenant."""
    return db.session.scalar(select(Membership).where(Membership.user_id == user_id))


def actor_for(user: User | None) -> Actor:
    """The actor for ``user`` in the current tenant (or on the platform when no tenant is set)."""
    if user is None:
        return Actor(user_id=None)
    if current_tenant_id() is None:
        assignments = evaluator_assignments(user.id) if user.platform_role == EVALUATOR else frozenset()
        return Actor(user_id=user.id, platform_role=user.platform_role, assignments=assignments)
    rows = db.session.execute(_role_and_opds(), {"user_id": user.id}).all()
    if not rows:
        return Actor(user_id=user.id, platform_role=user.platform_role)
    opd_ids = frozenset(opd_id for _role, opd_id in rows if opd_id is not None)
    return Actor(user.id, user.platform_role, rows[0].role, opd_ids)


@cache
def _role_and_opds():
    """The role and the OPDs of a member in the current tenant, one row per OPD (or one row without):
    one query, built once (every tenant request asks it)."""
    return (
        select(Membership.role, MembershipOpd.opd_id)
        .outerjoin(
            MembershipOpd,
            (MembershipOpd.tenant_id == Membership.tenant_id)
            & (MembershipOpd.membership_id == Membership.id),
        )
        .where(Membership.user_id == bindparam("user_id"))
    )


def tenants_of_user(user_id: uuid.UUID) -> list[tuple[Tenant, str]]:
    """Every tenant the user belongs to, with the role there: the tenant picker after login."""
    with own_memberships(user_id):
        rows = db.session.execute(
            select(Tenant, Membership.role)
            .join(Membership, Membership.tenant_id == Tenant.id)
            .where(Membership.user_id == user_id)
            .order_by(Tenant.name)
        ).all()
    return [(tenant, role) for tenant, role in rows]


# --- OPDs -------------------------------------------------------------------------------------


def opds_query(search: str | None = None, *, actor: Actor):
    """The tenant's OPDs by code, optionally those whose code, name or acronym contains ``search``."""
    policy.require(actor, "opd.list")
    stmt = select(Opd).order_by(Opd.code)
    if search:
        pattern = _contains(search)
        stmt = stmt.where(
            or_(
                Opd.code.ilike(pattern, escape="\\"),
                Opd.name.ilike(pattern, escape="\\"),
                Opd.acronym.ilike(pattern, escape="\\"),
            )
        )
    return stmt


def list_opds(*, actor: Actor) -> list[Opd]:
    return list(db.session.scalars(opds_query(actor=actor)))


def opd_count(*, actor: Actor) -> int:
    policy.require(actor, "opd.list")
    return db.session.scalar(select(func.count()).select_from(Opd))


def get_opd(opd_id: uuid.UUID, *, actor: Actor) -> Opd:
    opd = _opd(opd_id)
    policy.require(actor, "opd.read", opd)
    return opd


def _opd(opd_id: uuid.UUID) -> Opd:
    return one_or_404(select(Opd).where(Opd.id == opd_id))


def _clean_opd(data: dict) -> dict:
    clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    if "code" in clean:
        if not clean["code"]:
            raise ValidationFailed.field("code", _l("required"))
        clean["code"] = clean["code"].upper()
    if "name" in clean and not clean["name"]:
        raise ValidationFailed.field("name", _l("required"))
    if "acronym" in clean:
        clean["acronym"] = clean["acronym"] or None
    return clean


def _ensure_opd_code_free(code: str, except_id: uuid.UUID | None = None) -> None:
    existing = db.session.scalar(select(Opd.id).where(Opd.code == code))
    if existing is not None and existing != except_id:
        raise Conflict(_l("an OPD with this code exists"), {"code": [_l("already used in this tenant")]})


def create_opd(data: dict, *, actor: Actor) -> Opd:
    policy.require(actor, "opd.create")
    clean = _clean_opd(
        {"code": data.get("code", ""), "name": data.get("name", ""), "acronym": data.get("acronym")}
    )
    _ensure_opd_code_free(clean["code"])
    opd = Opd(**clean)
    db.session.add(opd)
    db.session.flush()
    return opd


def update_opd(opd_id: uuid.UUID, data: dict, *, actor: Actor) -> Opd:
    opd = _opd(opd_id)
    policy.require(actor, "opd.update", opd)
    clean = _clean_opd({k: v for k, v in data.items() if k in ("code", "name", "acronym")})
    if "code" in clean:
        _ensure_opd_code_free(clean["code"], except_id=opd.id)
    for key, value in clean.items():
        setattr(opd, key, value)
    return opd


# Other domains that point at OPDs (masterplan programs, indicators) register a check here: given an OPD
# id, it describes what still names the OPD, or returns None.
_opd_reference_checks: list[Callable[[uuid.UUID], str | None]] = []


def register_opd_reference(check: Callable[[uuid.UUID], str | None]) -> None:
    if check not in _opd_reference_checks:
        _opd_reference_checks.append(check)


def delete_opd(opd_id: uuid.UUID, *, actor: Actor) -> None:
    opd = _opd(opd_id)
    policy.require(actor, "opd.delete", opd)
    bound = db.session.scalar(select(MembershipOpd.id).where(MembershipOpd.opd_id == opd.id).limit(1))
    if bound is not None:
        raise Conflict(_l("members are bound to this OPD; unbind them first"))
    if _named_by_waiting_invitation(opd.id):
        # Accepting would bind the newcomer to an OPD that is gone.
        raise Conflict(_l("a waiting invitation names this OPD; revoke it first"))
    for check in _opd_reference_checks:
        if reason := check(opd.id):
            raise Conflict(_l("%(reason)s; change them first", reason=reason))
    db.session.delete(opd)
    db.session.flush()


def _named_by_waiting_invitation(opd_id: uuid.UUID) -> bool:
    stmt = select(Invitation.id).where(
        Invitation.accepted_at.is_(None), Invitation.opd_ids.contains(str(opd_id))
    )
    return db.session.scalar(stmt.limit(1)) is not None


# --- members ----------------------------------------------------------------------------------


def members_query(search: str | None = None, role: str | None = None, *, actor: Actor):
    """Memberships with their users by name, optionally one role, or a name or email containing ``search``."""
    policy.require(actor, "member.list")
    stmt = select(Membership, User).join(User, User.id == Membership.user_id).order_by(User.name)
    if role:
        stmt = stmt.where(Membership.role == _check_role(role))
    if search:
        pattern = _contains(search)
        stmt = stmt.where(or_(User.name.ilike(pattern, escape="\\"), User.email.ilike(pattern, escape="\\")))
    return stmt


def opds_by_membership(membership_ids: list[uuid.UUID], *, actor: Actor) -> dict[uuid.UUID, list[Opd]]:
    """The OPDs bound to each membership, in one query."""
    policy.require(actor, "member.list")
    result: dict[uuid.UUID, list[Opd]] = {mid: [] for mid in membership_ids}
    if not membership_ids:
        return result
    rows = db.session.execute(
        select(MembershipOpd.membership_id, Opd)
        .join(Opd, (Opd.id == MembershipOpd.opd_id) & (Opd.tenant_id == MembershipOpd.tenant_id))
        .where(MembershipOpd.membership_id.in_(membership_ids))
        .order_by(Opd.code)
    ).all()
    for membership_id, opd in rows:
        result[membership_id].append(opd)
    return result


def opd_operators(*, actor: Actor) -> list[tuple[User, frozenset[uuid.UUID]]]:
    """The tenant's OPD operators, each with the ids of the OPDs they act for, in two queries: whom to
    tell about an OPD's reports and action items."""
    rows = db.session.execute(members_query(role=OPD_OPERATOR, actor=actor)).all()
    bound = opds_by_membership([membership.id for membership, _user in rows], actor=actor)
    return [(user, frozenset(opd.id for opd in bound[membership.id])) for membership, user in rows]


def member_count(*, actor: Actor) -> int:
    policy.require(actor, "member.list")
    return db.session.scalar(select(func.count()).select_from(Membership))


def member_counts_by_role(*, actor: Actor) -> dict[str, int]:
    """How many members hold each tenant role (every role listed, zero included), in one query."""
    policy.require(actor, "member.list")
    counts = dict(db.session.execute(select(Membership.role, func.count()).group_by(Membership.role)).all())
    return {role: counts.get(role, 0) for role in TENANT_ROLES}


def admins(*, actor: Actor) -> list[User]:
    """The current tenant's tenant_admin users."""
    policy.require(actor, "member.list_admins")
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.role == TENANT_ADMIN)
            .order_by(User.name)
        )
    )


def get_membership(membership_id: uuid.UUID, *, actor: Actor) -> Membership:
    membership = _membership(membership_id)
    policy.require(actor, "member.read", membership)
    return membership


def get_member(membership_id: uuid.UUID, *, actor: Actor) -> tuple[Membership, User]:
    """A member: their membership in the tenant and their account."""
    membership = get_membership(membership_id, actor=actor)
    return membership, db.session.get(User, membership.user_id)


def _membership(membership_id: uuid.UUID) -> Membership:
    return one_or_404(select(Membership).where(Membership.id == membership_id))


def _check_role(role: str) -> str:
    if role not in TENANT_ROLES:
        raise ValidationFailed.field("role", _l("one of %(choices)s", choices=", ".join(TENANT_ROLES)))
    return role


def _check_opds(opd_ids: list[uuid.UUID]) -> list[uuid.UUID]:
    opd_ids = list(dict.fromkeys(opd_ids))
    if not opd_ids:
        return []
    found = set(db.session.scalars(select(Opd.id).where(Opd.id.in_(opd_ids))))
    if missing := [str(i) for i in opd_ids if i not in found]:
        raise ValidationFailed.field("opd_ids", _l("unknown OPD: %(ids)s", ids=", ".join(missing)))
    return opd_ids


def add_member(
    user_id: uuid.UUID, role: str, opd_ids: list[uuid.UUID] | None = None, *, actor: Actor
) -> Membership:
    policy.require(actor, "member.add")
    role = _check_role(role)
    opd_ids = _check_opds(opd_ids or [])
    if membership_of(user_id) is not None:
        raise Conflict(_l("already a member of this tenant"), {"user_id": [_l("already a member")]})
    membership = Membership(user_id=user_id, role=role)
    db.session.add(membership)
    db.session.flush()
    _bind_opds(membership, opd_ids)
    return membership


def _bind_opds(membership: Membership, opd_ids: list[uuid.UUID]) -> None:
    if opd_ids and membership.role != OPD_OPERATOR:
        raise ValidationFailed.field("opd_ids", _l("only an OPD operator is bound to OPDs"))
    db.session.execute(delete(MembershipOpd).where(MembershipOpd.membership_id == membership.id))
    db.session.add_all(MembershipOpd(membership_id=membership.id, opd_id=opd_id) for opd_id in opd_ids)
    db.session.flush()


def update_member(
    membership_id: uuid.UUID, *, actor: Actor, role: str | None = None, opd_ids: list[uuid.UUID] | None = None
) -> Membership:
    membership = _membership(membership_id)
    policy.require(actor, "member.update", membership)
    if role is not None:
        role = _check_role(role)
        if membership.role == TENANT_ADMIN and role != TENANT_ADMIN:
            _ensure_another_admin(membership)
        membership.role = role
        if role != OPD_OPERATOR and opd_ids is None:
            opd_ids = []
    if opd_ids is not None:
        _bind_opds(membership, _check_opds(opd_ids))
    return membership


def _ensure_another_admin(membership: Membership) -> None:
    others = db.session.scalar(
        select(Membership.id).where(Membership.role == TENANT_ADMIN, Membership.id != membership.id).limit(1)
    )
    if others is None:
        raise Conflict(_l("a tenant keeps at least one tenant admin"))


def remove_member(membership_id: uuid.UUID, *, actor: Actor) -> None:
    membership = _membership(membership_id)
    policy.require(actor, "member.remove", membership)
    if membership.role == TENANT_ADMIN:
        _ensure_another_admin(membership)
    db.session.delete(membership)
    db.session.flush()
    # A copied cookie of the removed person must not outlive the removal, in this tenant or any other.
    accounts.end_sessions([membership.user_id], "removed", actor=actor)


# --- invitations ------------------------------------------------------------------------------


def _invitation_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _issue_token(invitation: Invitation) -> str:
    """A fresh link for ``invitation``: only the new token's hash is kept, so any earlier link stops
    working, and the validity starts again."""
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _invitation_hash(token)
    invitation.expires_at = utcnow() + timedelta(days=INVITATION_DAYS)
    return token


def invite_member(
    email: str, role: str, opd_ids: list[uuid.UUID] | None = None, *, actor: Actor
) -> tuple[Invitation, str]:
    """Invite someone by email; an existing user is added at once when they accept.

    An email that is already a member, or already has an invitation waiting (expired or not), is refused
    on ``email``: the admin resends or revokes the waiting one instead, so one person never holds two
    links with different roles.

    Returns the invitation and the one-time token for the acceptance link the caller mails."""
    policy.require(actor, "invitation.create")
    email = accounts.normalize_email(email)
    role = _check_role(role)
    opd_ids = _check_opds(opd_ids or [])
    if opd_ids and role != OPD_OPERATOR:
        raise ValidationFailed.field("opd_ids", _l("only an OPD operator is bound to OPDs"))
    if role == OPD_OPERATOR and not opd_ids:
        # An operator bound to no OPD could report for none: their first day would be an empty page.
        raise ValidationFailed.field("opd_ids", _l("Choose the OPDs this operator reports for."))
    _ensure_invitable(email)
    invitation = Invitation(
        email=email, role=role, opd_ids=",".join(str(i) for i in opd_ids), invited_by=actor.user_id
    )
    token = _issue_token(invitation)
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


def _ensure_invitable(email: str) -> None:
    user = accounts.find_user_by_email(email)
    if user is not None and membership_of(user.id) is not None:
        raise ValidationFailed.field("email", _l("already a member of this tenant"))
    waiting = select(Invitation.id).where(Invitation.email == email, Invitation.accepted_at.is_(None))
    if db.session.scalar(waiting.limit(1)) is not None:
        raise ValidationFailed.field("email", _l("already invited; resend it from the list"))


def pending_invitations_query(*, actor: Actor):
    """Invitations not accepted yet, newest first. Expired ones stay listed: the admin resends or
    revokes them."""
    policy.require(actor, "invitation.list")
    return (
        select(Invitation)
        .where(Invitation.accepted_at.is_(None))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )


def pending_invitations_with_inviters_query(*, actor: Actor):
    """Rows of (invitation, the user who sent it or None), for a list in one query."""
    return (
        pending_invitations_query(actor=actor)
        .add_columns(User)
        .outerjoin(User, User.id == Invitation.invited_by)
    )


def get_pending_invitation(invitation_id: uuid.UUID, *, actor: Actor) -> Invitation:
    invitation = _pending_invitation(invitation_id)
    policy.require(actor, "invitation.list", invitation)
    return invitation


def _pending_invitation(invitation_id: uuid.UUID) -> Invitation:
    return one_or_404(
        select(Invitation).where(Invitation.id == invitation_id, Invitation.accepted_at.is_(None)),
        _l("this invitation is unknown or already accepted"),
    )


def resend_invitation(invitation_id: uuid.UUID, *, actor: Actor) -> tuple[Invitation, str]:
    """A new link and a new validity for a waiting invitation; the old link stops working.

    Returns the invitation and the token for the caller to mail."""
    invitation = _pending_invitation(invitation_id)
    policy.require(actor, "invitation.resend", invitation)
    token = _issue_token(invitation)
    db.session.flush()
    return invitation, token


def revoke_invitation(invitation_id: uuid.UUID, *, actor: Actor) -> Invitation:
    """Withdraw a waiting invitation: the row goes (the audit log keeps its values), the link with it."""
    invitation = _pending_invitation(invitation_id)
    policy.require(actor, "invitation.revoke", invitation)
    db.session.delete(invitation)
    db.session.flush()
    return invitation


def purge_expired_invitations(older_than: timedelta, *, actor: Actor) -> int:
    """Remove the invitations nobody accepted whose link expired more than ``older_than`` ago: the admin
    did not resend them, and the list stays readable. Each removal is audited. Returns how many."""
    policy.require(actor, "invitation.purge")
    expired_before = utcnow() - older_than
    stale = db.session.scalars(
        select(Invitation).where(Invitation.accepted_at.is_(None), Invitation.expires_at < expired_before)
    ).all()
    for invitation in stale:
        db.session.delete(invitation)
    db.session.flush()
    return len(stale)


def find_invitation(token: str, *, actor: Actor) -> Invitation:
    """The waiting invitation behind a link: whoever holds the link may open it (anonymous included)."""
    policy.require(actor, "invitation.open")
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == _invitation_hash(token)))
    if invitation is None or invitation.accepted_at is not None or invitation.is_expired:
        raise NotFound(_l("this invitation is unknown, used or expired"))
    return invitation


def accept_invitation(
    token: str, *, actor: Actor, name: str | None = None, password: str | None = None
) -> Membership:
    """Accept as the logged-in ``actor`` (whose email must match), or, anonymous, as a new user who sets
    a password.

    A suspended tenant takes nobody in: no account and no membership is created."""
    invitation = find_invitation(token, actor=actor)
    policy.require(actor, "invitation.accept", invitation)
    ensure_active(found(find_tenant(invitation.tenant_id)))
    user_id = actor.user_id
    user = accounts.find_user_by_email(invitation.email)
    if user_id is not None and (user is None or user.id != user_id):
        raise ValidationFailed.field("email", _l("this invitation was sent to another email address"))
    if user is None:
        user = accounts.create_user(invitation.email, name or "", password)
    elif user_id is None:
        raise ValidationFailed.field("email", _l("log in first: this email already has an account"))
    if membership_of(user.id) is not None:
        raise Conflict(_l("already a member of this tenant"))
    membership = Membership(user_id=user.id, role=invitation.role)
    db.session.add(membership)
    db.session.flush()
    _bind_opds(membership, _check_opds(invitation.opd_id_list))
    invitation.accepted_at = utcnow()
    return membership


def seed_tenant_admin(tenant: Tenant, user: User, *, actor: Actor) -> Membership:
    """Give ``user`` the tenant_admin role in ``tenant`` (first admin, set by the platform operator)."""
    policy.require(actor, "tenant.seed_admin", tenant)
    with tenant_context(tenant.id):
        existing = membership_of(user.id)
        if existing is not None:
            existing.role = TENANT_ADMIN
            return existing
        membership = Membership(user_id=user.id, role=TENANT_ADMIN)
        db.session.add(membership)
        db.session.flush()
        return membership


@contextmanager
def _as_platform_in(tenant_id: uuid.UUID, actor: Actor) -> Iterator[Actor]:
    """The platform operator acting in a tenant as its admin would (its first admin's invitations)."""
    tenant = found(find_tenant(tenant_id))
    policy.require(actor, "tenant.invite_admin", tenant)
    with tenant_context(tenant.id):
        yield Actor(user_id=actor.user_id, platform_role=actor.platform_role, tenant_role=TENANT_ADMIN)


def invite_first_admin(tenant_id: uuid.UUID, email: str, *, actor: Actor) -> tuple[Invitation, str]:
    """The platform operator invites a new tenant's first tenant_admin."""
    with _as_platform_in(tenant_id, actor) as tenant_actor:
        return invite_member(email, TENANT_ADMIN, actor=tenant_actor)


def resend_tenant_invitation(
    tenant_id: uuid.UUID, invitation_id: uuid.UUID, *, actor: Actor
) -> tuple[Invitation, str]:
    """The platform operator resends one of a tenant's waiting invitations."""
    with _as_platform_in(tenant_id, actor) as tenant_actor:
        return resend_invitation(invitation_id, actor=tenant_actor)


def revoke_tenant_invitation(tenant_id: uuid.UUID, invitation_id: uuid.UUID, *, actor: Actor) -> Invitation:
    """The platform operator withdraws one of a tenant's waiting invitations."""
    with _as_platform_in(tenant_id, actor) as tenant_actor:
        return revoke_invitation(invitation_id, actor=tenant_actor)


# --- a person's memberships: their own data download, and the operator's erasure of them ----------


def person_memberships(user_id: uuid.UUID, *, actor: Actor) -> list[dict]:
    """Every tenant the person belongs to, with their role, the OPDs they report for and since when: for
    the person's own data download and the operator's erasure page."""
    accounts_policy.require(actor, "user.read", found(accounts.find_user(user_id)))
    rows = []
    for tenant, role in tenants_of_user(user_id):
        with tenant_context(tenant.id):
            membership = membership_of(user_id)
            opds = db.session.scalars(
                select(Opd)
                .join(
                    MembershipOpd,
                    (MembershipOpd.opd_id == Opd.id) & (MembershipOpd.tenant_id == Opd.tenant_id),
                )
                .where(MembershipOpd.membership_id == membership.id)
                .order_by(Opd.code)
            ).all()
        rows.append(
            {
                "tenant": tenant.name,
                "tenant_address": tenant.slug,
                "role": role,
                "opds": [f"{opd.code} {opd.name}" for opd in opds],
                "since": membership.created_at.isoformat() if membership.created_at else None,
            }
        )
    return rows


def last_admin_refusals(user_id: uuid.UUID, *, actor: Actor) -> list:
    """The tenants whose only administrator the person is: they cannot be erased before someone else
    holds that role there (a tenant without an administrator could not manage its members again)."""
    accounts_policy.require(actor, "user.erase", found(accounts.find_user(user_id)))
    reasons = []
    for tenant, role in tenants_of_user(user_id):
        if role != TENANT_ADMIN:
            continue
        with tenant_context(tenant.id):
            others = select(Membership.id).where(
                Membership.role == TENANT_ADMIN, Membership.user_id != user_id
            )
            alone = db.session.scalar(others.limit(1)) is None
        if alone:
            reasons.append(
                _l(
                    "%(tenant)s has no other tenant administrator: give that role to someone else "
                    "there first.",
                    tenant=tenant.name,
                )
            )
    return reasons


def remove_person_memberships(erasure, *, actor: Actor) -> None:
    """The erasure's first step: the person leaves every tenant, and the invitations sent to their
    addresses there go too."""
    accounts_policy.require(actor, "user.erase", found(accounts.find_user(erasure.user_id)))
    emails = sorted({email.lower() for email in erasure.emails})
    removed = 0
    for tenant, _role in tenants_of_user(erasure.user_id):
        with tenant_context(tenant.id):
            membership = membership_of(erasure.user_id)
            if membership.role == TENANT_ADMIN:
                _ensure_another_admin(membership)
            db.session.execute(
                delete(Invitation).where(func.lower(Invitation.email).in_(emails)),
                execution_options={"synchronize_session": False},
            )
            db.session.delete(membership)
            db.session.flush()
        removed += 1
    erasure.counts["memberships"] = removed
