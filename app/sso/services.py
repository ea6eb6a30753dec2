"""Single sign-on: provider settings, the login policy, and what a successful OpenID login leads to.

A tenant admin manages the tenant's providers; the platform admin manages the ministry's. A login that
reached this module has a validated ID token (``app.sso.flow`` checked state, nonce, PKCE, signature,
issuer, audience and expiry); the rules here decide whether it opens a session: the identity links to a
user, the user is provisioned when the tenant allows it, or the person is refused and nothing is created.
"""

import re
import uuid
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.models import User, UserIdentity
from app.core.audit import record_event
from app.core.auth import (
    EVALUATOR,
    MINISTRY_ADMIN,
    OPD_OPERATOR,
    TENANT_ADMIN,
    TENANT_ROLES,
    Actor,
)
from app.core.db import utcnow
from app.core.errors import Conflict, DomainError, ValidationFailed
from app.core.reach import found, one_or_404
from app.core.tenancy import current_tenant_id
from app.extensions import db
from app.sso import discovery, policy, secret_box
from app.sso.models import IdentityProvider, LoginPolicy, MinistryProvider
from app.tenants import services as tenants
from app.tenants.models import Opd

MINISTRY_ROLES = (MINISTRY_ADMIN, EVALUATOR)
DEFAULT_SCOPES = "openid email profile"
DOMAIN_RE = re.compile(r"(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
SCOPE_RE = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")
CLAIM_RE = re.compile(r"[A-Za-z0-9_.:-]{1,80}")
# Provisioning acts under the rule the tenant admin set on the provider, not as a person.
PROVISIONING = Actor(user_id=None, tenant_role=TENANT_ADMIN)

COMMON_FIELDS = (
    "label",
    "issuer",
    "client_id",
    "client_secret",
    "scopes",
    "allowed_email_domains",
    "provision_users",
    "link_by_email",
    "default_role",
    "role_claim",
    "role_map",
    "enabled",
)
TENANT_FIELDS = (*COMMON_FIELDS, "opd_claim", "opd_required")


# The refusal of a callback for which this browser started no login. Anyone can send such requests, so
# they are counted in the log, not written to the audit log (which they could otherwise flood).
NO_LOGIN_STARTED = "no_login_started"


class SsoRefused(DomainError):
    """A login that must not open a session; ``reason`` names which rule refused it."""

    code = "sso_refused"

    def __init__(self, reason: str, status: int = 403, details: dict | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.details = details or {}


# --- provider settings -------------------------------------------------------------------------


def _text(data: dict, name: str, errors: dict, *, max_length: int, required: bool) -> str | None:
    value = data.get(name)
    value = value.strip() if isinstance(value, str) else value
    if value in (None, ""):
        if required:
            errors[name] = [_l("required")]
        return None
    if not isinstance(value, str) or len(value) > max_length:
        errors[name] = [_l("text of at most %(count)d characters", count=max_length)]
        return None
    return value


def _scopes(value, errors: dict) -> str:
    # Left out (None or empty): the standard scopes.
    words = (value or DEFAULT_SCOPES).split() if isinstance(value, str | None) else None
    if not words or not all(SCOPE_RE.fullmatch(w) for w in words):
        errors["scopes"] = [_l("space-separated scope names")]
        return DEFAULT_SCOPES
    if "openid" not in words:
        errors["scopes"] = [_l("must include openid")]
    return " ".join(dict.fromkeys(words))


def _domains(value, errors: dict) -> list[str]:
    if isinstance(value, str):
        value = re.split(r"[\s,;]+", value)
    if not isinstance(value, list | tuple):
        errors["allowed_email_domains"] = [_l("a list of domains")]
        return []
    domains = [str(d).strip().lower().lstrip("@") for d in value if str(d).strip()]
    if bad := [d for d in domains if not DOMAIN_RE.fullmatch(d)]:
        errors["allowed_email_domains"] = [_l("not a domain: %(domains)s", domains=", ".join(bad))]
    return list(dict.fromkeys(domains))


def _role_map(value, roles: tuple[str, ...], errors: dict) -> dict:
    if not isinstance(value, dict):
        errors["role_map"] = [_l("an object of claim value → role")]
        return {}
    clean = {str(k).strip(): v for k, v in value.items() if str(k).strip()}
    if bad := sorted(f"{k}: {v}" for k, v in clean.items() if v not in roles):
        errors["role_map"] = [
            _l("roles must be one of %(roles)s (%(wrong)s)", roles=", ".join(roles), wrong="; ".join(bad))
        ]
    return clean


def _claim(data: dict, name: str, errors: dict) -> str | None:
    value = _text(data, name, errors, max_length=80, required=False)
    if value is not None and not CLAIM_RE.fullmatch(value):
        errors[name] = [_l("a claim name (letters, digits, _ . : -)")]
    return value


def _clean_settings(data: dict, roles: tuple[str, ...], *, existing=None) -> dict:
    """Validate provider settings; every bad field is reported at once. ``existing``: fill what is not
    given from the current settings (a partial update)."""
    if existing is not None:
        data = {**{k: getattr(existing, k) for k in _stored_fields(existing)}, **data}
    errors: dict[str, list[str]] = {}
    clean = {
        "label": _text(data, "label", errors, max_length=80, required=True),
        "issuer": _text(data, "issuer", errors, max_length=500, required=True),
        "client_id": _text(data, "client_id", errors, max_length=255, required=True),
        "scopes": _scopes(data.get("scopes"), errors),
        "allowed_email_domains": _domains(data.get("allowed_email_domains") or [], errors),
        "provision_users": bool(data.get("provision_users", False)),
        "link_by_email": bool(data.get("link_by_email", False)),
        "default_role": data.get("default_role"),
        "role_claim": _claim(data, "role_claim", errors),
        "role_map": _role_map(data.get("role_map") or {}, roles, errors),
        "enabled": bool(data.get("enabled", True)),
    }
    if clean["issuer"]:
        clean["issuer"] = discovery.normalize_issuer(clean["issuer"])
        if problem := discovery.issuer_problem(clean["issuer"]):
            errors["issuer"] = [problem]
    if clean["default_role"] not in roles:
        errors["default_role"] = [_l("one of %(choices)s", choices=", ".join(roles))]
    secret = data.get("client_secret")
    if isinstance(secret, str) and secret.strip():
        if len(secret) > 1000:
            errors["client_secret"] = [_l("at most %(count)d characters", count=1000)]
        clean["client_secret_encrypted"] = secret_box.encrypt(secret.strip())
    elif existing is None:
        errors["client_secret"] = [_l("required")]
    if "opd_claim" in data or "opd_required" in data:
        clean["opd_claim"] = _claim(data, "opd_claim", errors)
        clean["opd_required"] = bool(data.get("opd_required", False))
        if clean["opd_required"] and not clean["opd_claim"]:
            errors["opd_claim"] = [_l("required when an OPD is required")]
    if errors:
        raise ValidationFailed(_l("some settings are invalid"), errors)
    return clean


def _stored_fields(provider) -> tuple[str, ...]:
    names = [f for f in COMMON_FIELDS if f != "client_secret"]
    if isinstance(provider, IdentityProvider):
        names += ["opd_claim", "opd_required"]
    return tuple(names)


def check_issuer(issuer: str, *, actor: Actor, allow_local: bool | None = None) -> dict:
    """Fetch and check the provider's discovery document; a clear ``issuer`` error when it is unusable.
    A provider on a local or private address is refused unless allowed (by the operator's command line
    or SSO_ALLOW_LOCAL_ISSUERS)."""
    policy.require(actor, "provider.check_issuer")
    return _check_issuer(issuer, allow_local=allow_local)


def _check_issuer(issuer: str, *, allow_local: bool | None = None) -> dict:
    issuer = discovery.normalize_issuer(issuer)
    if problem := discovery.issuer_problem(issuer):
        raise ValidationFailed.field("issuer", problem)
    if allow_local is None:
        allow_local = current_app.config["SSO_ALLOW_LOCAL_ISSUERS"]
    try:
        return discovery.fetch_metadata(issuer, allow_local=allow_local)
    except discovery.DiscoveryFailed as error:
        raise ValidationFailed.field(
            "issuer",
            _l(
                "%(url)s is not usable: %(problem)s",
                url=discovery.discovery_url(issuer),
                problem=error.reason,
            ),
        ) from error


def _apply(provider, clean: dict, *, check: bool, issuer_changed: bool) -> None:
    if check and (issuer_changed or provider.enabled is False and clean.get("enabled")):
        _check_issuer(clean["issuer"])
    for key, value in clean.items():
        setattr(provider, key, value)


def providers_query(*, actor: Actor):
    policy.require(actor, "provider.list")
    return _providers()


def _providers():
    return select(IdentityProvider).order_by(IdentityProvider.label, IdentityProvider.id)


def list_providers(*, actor: Actor) -> list[IdentityProvider]:
    return list(db.session.scalars(providers_query(actor=actor)))


def get_provider(provider_id: uuid.UUID, *, actor: Actor) -> IdentityProvider:
    provider = _provider(provider_id)
    policy.require(actor, "provider.read", provider)
    return provider


def sign_in_provider(provider_id: uuid.UUID, *, actor: Actor) -> IdentityProvider:
    """The provider a login (or a logout at the provider) goes through, enabled or not: the flow says
    when it is switched off."""
    provider = _provider(provider_id)
    policy.require(actor, "provider.sign_in", provider)
    return provider


def _provider(provider_id: uuid.UUID) -> IdentityProvider:
    return one_or_404(select(IdentityProvider).where(IdentityProvider.id == provider_id))


def _ensure_unique(model, clean: dict, except_id=None) -> None:
    clash = db.session.scalar(
        select(model.id).where(model.issuer == clean["issuer"], model.client_id == clean["client_id"])
    )
    if clash is not None and clash != except_id:
        raise Conflict(
            _l("this provider and client id are already configured"),
            {"client_id": [_l("already configured for this issuer")]},
        )


def create_provider(data: dict, *, actor: Actor, check: bool = True) -> IdentityProvider:
    """Add an OpenID provider to the current tenant. ``check``: read its discovery document first (the
    demo seed skips it, the provider need not run at seed time)."""
    policy.require(actor, "provider.create")
    clean = _clean_settings({"opd_claim": None, "opd_required": False, **data}, TENANT_ROLES)
    _ensure_unique(IdentityProvider, clean)
    provider = IdentityProvider()
    _apply(provider, clean, check=check, issuer_changed=True)
    db.session.add(provider)
    db.session.flush()
    _list_on_login_page(actor)
    return provider


def update_provider(provider_id: uuid.UUID, data: dict, *, actor: Actor, check: bool = True):
    provider = _provider(provider_id)
    policy.require(actor, "provider.update", provider)
    clean = _clean_settings(data, TENANT_ROLES, existing=provider)
    _ensure_unique(IdentityProvider, clean, except_id=provider.id)
    _apply(provider, clean, check=check, issuer_changed=clean["issuer"] != provider.issuer)
    provider.updated_at = utcnow()
    db.session.flush()
    _list_on_login_page(actor)
    return provider


def delete_provider(provider_id: uuid.UUID, *, actor: Actor) -> None:
    """Remove a provider. Identities it linked stay with their users (the same issuer may come back)."""
    provider = _provider(provider_id)
    policy.require(actor, "provider.delete", provider)
    db.session.delete(provider)
    db.session.flush()
    _list_on_login_page(actor)


def _list_on_login_page(actor: Actor) -> None:
    """The login page lists the tenant under "log in with your city's SSO" while a provider is on."""
    enabled = select(IdentityProvider.id).where(IdentityProvider.enabled.is_(True)).limit(1)
    tenants.set_sso_login(db.session.scalar(enabled) is not None, actor=actor)


def enabled_providers(*, actor: Actor) -> list[IdentityProvider]:
    """The current tenant's providers shown as login buttons."""
    policy.require(actor, "provider.sign_in")
    return list(db.session.scalars(_providers().where(IdentityProvider.enabled.is_(True))))


# --- the ministry's providers (platform admin) ------------------------------------------------


def ministry_providers_query(*, actor: Actor):
    policy.require(actor, "ministry_provider.list")
    return _ministry_providers()


def _ministry_providers():
    return select(MinistryProvider).order_by(MinistryProvider.label, MinistryProvider.id)


def list_ministry_providers(*, actor: Actor) -> list[MinistryProvider]:
    return list(db.session.scalars(ministry_providers_query(actor=actor)))


def get_ministry_provider(provider_id: uuid.UUID, *, actor: Actor) -> MinistryProvider:
    provider = found(db.session.get(MinistryProvider, provider_id))
    policy.require(actor, "ministry_provider.read", provider)
    return provider


def sign_in_ministry_provider(provider_id: uuid.UUID, *, actor: Actor) -> MinistryProvider:
    """The ministry provider a login (or a logout at the provider) goes through, enabled or not."""
    provider = found(db.session.get(MinistryProvider, provider_id))
    policy.require(actor, "ministry_provider.sign_in", provider)
    return provider


def create_ministry_provider(data: dict, *, actor: Actor, check: bool = True) -> MinistryProvider:
    policy.require(actor, "ministry_provider.create")
    clean = _clean_settings(data, MINISTRY_ROLES)
    _ensure_unique(MinistryProvider, clean)
    provider = MinistryProvider()
    _apply(provider, clean, check=check, issuer_changed=True)
    db.session.add(provider)
    db.session.flush()
    return provider


def update_ministry_provider(provider_id: uuid.UUID, data: dict, *, actor: Actor, check: bool = True):
    provider = found(db.session.get(MinistryProvider, provider_id))
    policy.require(actor, "ministry_provider.update", provider)
    clean = _clean_settings(data, MINISTRY_ROLES, existing=provider)
    _ensure_unique(MinistryProvider, clean, except_id=provider.id)
    _apply(provider, clean, check=check, issuer_changed=clean["issuer"] != provider.issuer)
    provider.updated_at = utcnow()
    db.session.flush()
    return provider


def delete_ministry_provider(provider_id: uuid.UUID, *, actor: Actor) -> None:
    provider = found(db.session.get(MinistryProvider, provider_id))
    policy.require(actor, "ministry_provider.delete", provider)
    db.session.delete(provider)
    db.session.flush()


def enabled_ministry_providers(*, actor: Actor) -> list[MinistryProvider]:
    """The ministry's providers shown as login buttons."""
    policy.require(actor, "ministry_provider.sign_in")
    return list(db.session.scalars(_ministry_providers().where(MinistryProvider.enabled.is_(True))))


# --- the tenant's login policy ----------------------------------------------------------------


def login_policy(*, actor: Actor) -> LoginPolicy:
    """The current tenant's policy (the default, unsaved, when the admin never changed it)."""
    policy.require(actor, "login_policy.read")
    return _login_policy()


def _login_policy() -> LoginPolicy:
    return db.session.scalar(select(LoginPolicy)) or LoginPolicy(password_login_for_staff=True)


def set_login_policy(*, actor: Actor, password_login_for_staff: bool) -> LoginPolicy:
    policy.require(actor, "login_policy.update")
    rule = _login_policy()
    if password_login_for_staff is False and not enabled_providers(actor=actor):
        raise ValidationFailed.field(
            "password_login_for_staff", _l("add and enable a provider before switching password login off")
        )
    rule.password_login_for_staff = bool(password_login_for_staff)
    if rule.id is None:
        db.session.add(rule)
    rule.updated_at = utcnow()
    db.session.flush()
    return rule


def password_login_allowed(role: str | None) -> bool:
    """May a member with ``role`` use a password in the current tenant? Admins always may."""
    return role == TENANT_ADMIN or _login_policy().password_login_for_staff


# --- completing a login -----------------------------------------------------------------------


@dataclass
class LoginOutcome:
    user: User
    provisioned: bool = False
    linked: bool = False
    role: str | None = None
    opd_codes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Claims:
    """What the validated ID token (and userinfo) said about the person."""

    issuer: str
    subject: str
    email: str | None
    email_verified: bool
    name: str
    raw: dict

    @classmethod
    def from_token(cls, issuer: str, claims: dict) -> "Claims":
        email = claims.get("email")
        email = email.strip().lower() if isinstance(email, str) and "@" in email else None
        name = claims.get("name") or claims.get("preferred_username") or (email or "").split("@")[0]
        return cls(
            issuer=discovery.normalize_issuer(issuer),
            subject=str(claims["sub"]),
            email=email,
            email_verified=claims.get("email_verified") is True,
            name=str(name)[:120],
            raw=claims,
        )

    def values(self, claim: str | None) -> list[str]:
        """A claim's values as strings (a single value or a list)."""
        if not claim:
            return []
        value = self.raw.get(claim)
        values = value if isinstance(value, list) else [value]
        return [str(v).strip() for v in values if v is not None and str(v).strip()]


def _check_email_domain(provider, claims: Claims) -> None:
    """Only a verified email proves the domain: an unverified one could be any address."""
    if not provider.allowed_email_domains:
        return
    if claims.email and not claims.email_verified:
        raise SsoRefused("email_unverified")
    domain = claims.email.rpartition("@")[2] if claims.email else None
    if domain not in provider.allowed_email_domains:
        raise SsoRefused("email_domain", details={"domain": domain})


def _identity(claims: Claims) -> UserIdentity | None:
    return db.session.scalar(
        select(UserIdentity).where(
            UserIdentity.issuer == claims.issuer, UserIdentity.subject == claims.subject
        )
    )


def _link(user: User, claims: Claims) -> UserIdentity:
    email = claims.email if claims.email_verified else None
    identity = UserIdentity(user_id=user.id, issuer=claims.issuer, subject=claims.subject, email=email)
    db.session.add(identity)
    return identity


def _mapped_role(provider, claims: Claims, roles: tuple[str, ...]) -> str:
    """The most privileged role any of the person's role-claim values maps to, else the default role."""
    mapped = {provider.role_map.get(v) for v in claims.values(provider.role_claim)}
    return next((role for role in roles if role in mapped), provider.default_role)


def _mapped_opds(provider: IdentityProvider, claims: Claims) -> list[Opd]:
    codes = {code.upper() for code in claims.values(provider.opd_claim)}
    opds = [o for o in tenants.list_opds(actor=PROVISIONING) if o.code.upper() in codes] if codes else []
    if not opds and provider.opd_required:
        raise SsoRefused("opd_unknown", details={"opd": sorted(codes)})
    return opds


def _known_user(claims: Claims) -> tuple[User | None, UserIdentity | None]:
    identity = _identity(claims)
    if identity is None:
        return None, None
    user = db.session.get(User, identity.user_id)
    if user is None or not user.is_active:
        raise SsoRefused("inactive")
    return user, identity


def _user_by_verified_email(provider, claims: Claims, may_link) -> User | None:
    """For a person the platform does not know yet: the existing user with this email, when the admin
    allowed linking. The email counts only when the provider verified it (``email_verified`` is true):
    an unverified one creates no account and links to none. An existing email that may not be linked
    refuses the login: a second account cannot take it."""
    if not claims.email:
        return None
    if not claims.email_verified:
        raise SsoRefused("email_unverified")
    existing = accounts.find_user_by_email(claims.email)
    if existing is None:
        return None
    if provider.link_by_email and existing.is_active and may_link(existing):
        return existing
    raise SsoRefused("not_linked")


def ensure_tenant_active(tenant_id: uuid.UUID) -> None:
    if not found(tenants.find_tenant(tenant_id)).is_active:
        raise SsoRefused("suspended")


def complete_tenant_login(provider_id: uuid.UUID, claims: Claims) -> LoginOutcome:
    """Decide what a validated login at the current tenant's provider leads to. Refusals raise
    ``SsoRefused`` before anything is written."""
    provider = _provider(provider_id)
    tenant_id = current_tenant_id()
    if not provider.enabled:
        raise SsoRefused("provider_disabled", status=404)
    ensure_tenant_active(tenant_id)
    _check_email_domain(provider, claims)
    user, identity = _known_user(claims)
    linked = False
    if user is None:
        # A tenant provider links only to this tenant's own members, never to a platform account.
        user = _user_by_verified_email(
            provider,
            claims,
            lambda u: u.platform_role is None and tenants.membership_of(u.id) is not None,
        )
        linked = user is not None
    if user is not None and user.platform_role is not None:
        raise SsoRefused("platform_account")
    membership = tenants.membership_of(user.id) if user is not None else None
    outcome = LoginOutcome(user=user, linked=linked)
    if membership is None:
        if not provider.provision_users:
            raise SsoRefused("not_provisioned")
        outcome = _provision_member(provider, claims, user)
    else:
        outcome.role = membership.role
    if identity is None:
        _link(outcome.user, claims)
    elif claims.email_verified:
        identity.email = claims.email
    outcome.user.last_login_at = utcnow()
    db.session.flush()
    _record_login(outcome, claims, tenant_id=tenant_id, provider_id=provider.id)
    return outcome


def _provision_member(provider: IdentityProvider, claims: Claims, user: User | None) -> LoginOutcome:
    role = _mapped_role(provider, claims, TENANT_ROLES)
    opds = _mapped_opds(provider, claims) if role == OPD_OPERATOR else []
    if user is None:
        if not claims.email:
            raise SsoRefused("no_email")
        user = accounts.create_user(claims.email, claims.name)
    tenants.add_member(user.id, role, [o.id for o in opds], actor=PROVISIONING)
    return LoginOutcome(user=user, provisioned=True, role=role, opd_codes=[o.code for o in opds])


def complete_ministry_login(provider_id: uuid.UUID, claims: Claims) -> LoginOutcome:
    """Decide what a validated login at the ministry's provider leads to: only ministry_admin and
    evaluator accounts log in here."""
    provider = found(db.session.get(MinistryProvider, provider_id))
    if not provider.enabled:
        raise SsoRefused("provider_disabled", status=404)
    _check_email_domain(provider, claims)
    user, identity = _known_user(claims)
    linked = False
    if user is None:
        user = _user_by_verified_email(provider, claims, lambda u: u.platform_role in MINISTRY_ROLES)
        linked = user is not None
    if user is not None and user.platform_role not in MINISTRY_ROLES:
        raise SsoRefused("not_ministry_account")
    provisioned = False
    if user is None:
        if not provider.provision_users:
            raise SsoRefused("not_provisioned")
        if not claims.email:
            raise SsoRefused("no_email")
        role = _mapped_role(provider, claims, MINISTRY_ROLES)
        user = accounts.create_user(claims.email, claims.name, platform_role=role)
        provisioned = True
    if identity is None:
        _link(user, claims)
    elif claims.email_verified:
        identity.email = claims.email
    user.last_login_at = utcnow()
    db.session.flush()
    outcome = LoginOutcome(user=user, provisioned=provisioned, linked=linked, role=user.platform_role)
    _record_login(outcome, claims, tenant_id=None, provider_id=provider.id)
    return outcome


def _record_login(outcome: LoginOutcome, claims: Claims, *, tenant_id, provider_id) -> None:
    where = {"tenant_id": tenant_id, "user_id": outcome.user.id, "object_type": "sso_provider"}
    details = {"issuer": claims.issuer, "subject": claims.subject}
    if outcome.provisioned:
        record_event(
            "sso.provisioned",
            **where,
            object_id=str(provider_id),
            details={**details, "role": outcome.role, "opds": outcome.opd_codes},
        )
    if outcome.linked:
        record_event("sso.linked", **where, object_id=str(provider_id), details=details)
    record_event("sso.login", **where, object_id=str(provider_id), details=details)


def record_refusal(reason: str, *, tenant_id, provider_id, user_id=None, details: dict | None = None) -> None:
    """Every refused login is in the audit log, with why (never a token or secret)."""
    record_event(
        "sso.refused",
        tenant_id=tenant_id,
        user_id=user_id,
        object_type="sso_provider",
        object_id=str(provider_id) if provider_id else None,
        details={"reason": reason, **(details or {})},
    )


# --- what the login flow needs from a provider -----------------------------------------------


@dataclass(frozen=True)
class ClientSettings:
    """The settings an OAuth client is built from; ``fingerprint`` changes whenever they do."""

    name: str
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    fingerprint: tuple


def client_settings(provider) -> ClientSettings:
    kind = "tenant" if isinstance(provider, IdentityProvider) else "ministry"
    return ClientSettings(
        name=f"sso-{kind}-{provider.id}",
        issuer=provider.issuer,
        client_id=provider.client_id,
        client_secret=secret_box.decrypt(provider.client_secret_encrypted),
        scopes=provider.scopes,
        fingerprint=(provider.issuer, provider.client_id, provider.client_secret_encrypted, provider.scopes),
    )
