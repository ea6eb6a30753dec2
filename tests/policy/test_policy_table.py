"""Who may do what, for every action of every domain's policy: role x action x (own OPD, other OPD, other
tenant), the ministry's roles, the anonymous public and the system.

The world is the seeded demo, built through the services: Kota Palopo (tenant A) with a member of every
tenant role (the OPD operator bound to DISDIK), Kota Balikpapan (tenant B), the platform operator, the
ministry's administrator and an evaluator. Each action is tried on a real object where it takes one:

* own OPD: an object of tenant A belonging to the operator's OPD (a program led by DISDIK, DISDIK itself),
* other OPD: the same kind of object of tenant A belonging to another OPD,
* other tenant: the object of tenant B, reached by the same person as tenant B resolves them, and (for a
  tenant's object) by the person acting in tenant A.

An object with no OPD (an invitation, a file, a mission) is the same in both OPD columns. The expected
answers are written below by hand, from what each role may do today; they are not read from the policies.
"""

from datetime import timedelta
from io import BytesIO

import pytest
from sqlalchemy import select

from app.accounts import policy as accounts_policy
from app.accounts import services as accounts
from app.accounts.models import ApiToken, User, UserSession
from app.audit import policy as audit_policy
from app.core.auth import (
    ANONYMOUS,
    COUNCIL_MEMBER,
    EVALUATOR,
    PLANNER,
    SYSTEM,
    TENANT_ADMIN,
    VIEWER,
    Actor,
)
from app.core.jobs import get_kind
from app.core.policy import Policy, member, opd_scoped
from app.core.tenancy import tenant_context
from app.council import policy as council_policy
from app.council.models import CouncilActionItem, CouncilBody, CouncilMeeting
from app.demo import MINISTRY_ADMIN_EMAIL, PLATFORM_ADMIN_EMAIL
from app.extensions import db
from app.files import policy as files_policy
from app.files import services as files
from app.files.models import StoredFile
from app.jobs import policy as jobs_policy
from app.jobs import services as jobs
from app.jobs.models import JobRun, PlatformJobRun
from app.masterplan import models as plans
from app.masterplan import policy as masterplan_policy
from app.masterplan import programs
from app.portability import policy as portability_policy
from app.reference import policy as reference_policy
from app.sso import policy as sso_policy
from app.sso.models import IdentityProvider, MinistryProvider
from app.tenants import policy as tenants_policy
from app.tenants import services as tenants
from app.tenants.models import Invitation, Membership, Opd
from tests.factories import person
from tests.support.snapshot import DEMO

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

ACTORS = (
    *("admin", "planner", "operator", "council", "viewer"),  # the tenant roles, in tenant A
    *("platform", "ministry", "evaluator", "anonymous", "system"),
)

# Each row: the action, then one cell per actor in the order of ACTORS; each cell is three answers, for
# the own OPD, the other OPD and the other tenant: Y allowed, n refused.
#                                admin planr oper  cncl  viewr platf minis evalu anon  systm
EXPECTED = {
    "tenants": """
        region.list              nnn   nnn   nnn   nnn   nnn   YYY   nnn   nnn   nnn   nnn
        tenant.list              nnn   nnn   nnn   nnn   nnn   YYY   nnn   nnn   nnn   nnn
        tenant.list_active       nnn   nnn   nnn   nnn   nnn   YYY   YYY   YYY   nnn   nnn
        tenant.read              YYn   YYn   YYn   YYn   YYn   YYY   nnn   nnn   nnn   YYn
        tenant.create            nnn   nnn   nnn   nnn   nnn   YYY   nnn   nnn   nnn   nnn
        tenant.update            nnn   nnn   nnn   nnn   nnn   YYY   nnn   nnn   nnn   nnn
        tenant.set_status        nnn   nnn   nnn   nnn   nnn   YYY   nnn   nnn   nnn   nnn
        tenant.seed_admin        nnn   nnn   nnn   nnn   nnn   YYY   nnn   nnn   nnn   nnn
        tenant.invite_admin      nnn   nnn   nnn   nnn   nnn   YYY   nnn   nnn   nnn   nnn
        tenant.list_sso          YYY   YYY   YYY   YYY   YYY   YYY   YYY   YYY   YYY   YYY
        tenant.set_sso_login     YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        opd.list                 YYn   YYn   YYn   YYn   YYn   YYY   nnn   nnn   nnn   YYn
        opd.read                 YYn   YYn   YYn   YYn   YYn   nnn   nnn   nnn   nnn   YYn
        opd.create               YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        opd.update               YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        opd.delete               YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        opd.bulk_add             YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        member.list              YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        member.list_admins       YYn   nnn   nnn   nnn   nnn   YYY   nnn   nnn   nnn   YYn
        member.read              YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        member.add               YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        member.update            YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        member.remove            YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        invitation.list          YYn   nnn   nnn   nnn   nnn   YYY   nnn   nnn   nnn   YYn
        invitation.create        YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        invitation.resend        YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        invitation.revoke        YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        invitation.purge         YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        invitation.open          YYY   YYY   YYY   YYY   YYY   YYY   YYY   YYY   YYY   YYY
        invitation.accept        YYY   YYY   YYY   YYY   YYY   YYY   YYY   YYY   YYY   YYY
    """,
    "accounts": """
        user.read                nnn   nnn   YYn   nnn   nnn   YYY   nnn   nnn   nnn   nnn
        user.set_active          nnn   nnn   nnn   nnn   nnn   YYY   nnn   nnn   nnn   nnn
        user.erase               nnn   nnn   nnn   nnn   nnn   YYY   nnn   nnn   nnn   nnn
        personal_data.read       YYn   YYn   YYn   YYn   YYn   YYn   YYn   YYn   nnn   nnn
        account.update           YYn   YYn   YYn   YYn   YYn   YYn   YYn   YYn   nnn   nnn
        account_link.use         YYY   YYY   YYY   YYY   YYY   YYY   YYY   YYY   YYY   YYY
        session.list             YYY   YYY   YYY   YYY   YYY   YYY   YYY   YYY   nnn   nnn
        session.end              YYn   YYn   YYn   YYn   YYn   YYn   YYn   YYn   nnn   nnn
        session.end_all          YYn   YYn   YYn   YYn   YYn   YYY   YYn   YYn   nnn   YYn
        session.purge            nnn   nnn   nnn   nnn   nnn   YYY   nnn   nnn   nnn   nnn
        token.list               YYY   YYY   YYY   YYY   YYY   YYY   YYY   YYY   nnn   nnn
        token.create             YYY   YYY   YYY   YYY   YYY   YYY   YYY   YYY   nnn   nnn
        token.create_platform    nnn   nnn   nnn   nnn   nnn   YYY   YYY   YYY   nnn   nnn
        token.revoke             YYn   YYn   YYn   YYn   YYn   YYn   YYn   YYn   nnn   nnn
    """,
    "files": """
        upload.evidence          YYn   YYn   YYn   YYn   nnn   nnn   nnn   nnn   nnn   YYn
        upload.import            YYn   YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        upload.legal             YYn   YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        file.store_generated     YYn   YYn   YYn   YYn   YYn   nnn   nnn   nnn   nnn   YYn
        file.list                YYn   YYn   YYn   YYn   YYn   nnn   nnn   nnn   nnn   YYn
        file.list_all            YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        file.read                YYn   nnn   YYn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        file.attach              YYn   nnn   YYn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        file.delete              YYn   nnn   YYn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        file.release             YYn   YYn   YYn   YYn   YYn   nnn   nnn   nnn   nnn   YYn
    """,
    "jobs": """
        job.start                YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn
        job.list                 YYn   YYn   YYn   YYn   YYn   nnn   nnn   nnn   nnn   YYn
        job.list_all             YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        job.read                 YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        platform_run.list        nnn   nnn   nnn   nnn   nnn   YYY   nnn   nnn   nnn   nnn
        platform_run.read        nnn   nnn   nnn   nnn   nnn   YYY   nnn   nnn   nnn   nnn
    """,
    "sso": """
        provider.list            YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        provider.read            YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        provider.create          YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        provider.update          YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        provider.delete          YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        provider.check_issuer    YYn   nnn   nnn   nnn   nnn   YYY   nnn   nnn   nnn   YYn
        provider.sign_in         YYY   YYY   YYY   YYY   YYY   YYY   YYY   YYY   YYY   YYY
        login_policy.read        YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        login_policy.update      YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        ministry_provider.list   nnn   nnn   nnn   nnn   nnn   YYY   nnn   nnn   nnn   nnn
        ministry_provider.read   nnn   nnn   nnn   nnn   nnn   YYY   nnn   nnn   nnn   nnn
        ministry_provider.create nnn   nnn   nnn   nnn   nnn   YYY   nnn   nnn   nnn   nnn
        ministry_provider.update nnn   nnn   nnn   nnn   nnn   YYY   nnn   nnn   nnn   nnn
        ministry_provider.delete nnn   nnn   nnn   nnn   nnn   YYY   nnn   nnn   nnn   nnn
        ministry_provider.sign_in YYY  YYY   YYY   YYY   YYY   YYY   YYY   YYY   YYY   YYY
    """,
    "audit": """
        tenant_log.read          YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        platform_log.read        nnn   nnn   nnn   nnn   nnn   YYY   nnn   nnn   nnn   nnn
    """,
    "masterplan": """
        masterplan.read          YYn   YYn   YYn   YYn   YYn   nnn   nnn   nnn   nnn   YYn
        masterplan.export        YYn   YYn   YYn   YYn   YYn   nnn   nnn   nnn   nnn   YYn
        masterplan.create        YYn   YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        masterplan.update        YYn   YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        masterplan.change_status YYn   YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        masterplan.revise        YYn   YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        masterplan.delete        YYn   YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        masterplan.attach_document YYn YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        masterplan.remove_document YYn YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        masterplan.import        YYn   YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        masterplan.read_enacted  nnn   nnn   nnn   nnn   nnn   nnn   YYY   YYY   nnn   nnn
    """,
    "reference": """
        reference.read           YYY   YYY   YYY   YYY   YYY   YYY   YYY   YYY   nnn   YYY
        reference.read_drafts    nnn   nnn   nnn   nnn   nnn   YYY   YYY   nnn   nnn   nnn
        reference.draft          nnn   nnn   nnn   nnn   nnn   YYY   YYY   nnn   nnn   nnn
        reference.publish        nnn   nnn   nnn   nnn   nnn   YYY   YYY   nnn   nnn   nnn
        reference.retire         nnn   nnn   nnn   nnn   nnn   YYY   YYY   nnn   nnn   nnn
        reference.load           nnn   nnn   nnn   nnn   nnn   YYY   nnn   nnn   nnn   nnn
    """,
    "council": """
        council.read             YYn   YYn   YYn   YYn   YYn   nnn   nnn   nnn   nnn   YYn
        body.manage              YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        meeting.manage           YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        meeting.record           YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        action_item.list         YYn   YYn   YYn   YYn   YYn   nnn   nnn   nnn   nnn   YYn
        action_item.read         YYn   YYn   Ynn   nnn   YYn   nnn   nnn   nnn   nnn   YYn
        action_item.manage       YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
        action_item.update       YYn   nnn   Ynn   nnn   nnn   nnn   nnn   nnn   nnn   YYn
    """,
}
EXPECTED["portability"] = """
        tenant.export            YYn   nnn   nnn   nnn   nnn   YYY   nnn   nnn   nnn   YYn
        tenant.export_any        nnn   nnn   nnn   nnn   nnn   YYY   nnn   nnn   nnn   nnn
        tenant.import            nnn   nnn   nnn   nnn   nnn   YYY   nnn   nnn   nnn   nnn
"""
# Every part of a version is written by the editors (tenant admin and planner) of a draft, whatever its
# OPD: an OPD operator writes none today.
PART_ROW = "YYn   YYn   nnn   nnn   nnn   nnn   nnn   nnn   nnn   YYn"
PART_MODELS = {
    "mission": plans.Mission,
    "readiness": plans.ReadinessEntry,
    "gap": plans.GapAnalysis,
    "swot": plans.SwotItem,
    "goal": plans.Goal,
    "indicator": plans.Indicator,
    "strategy": plans.Strategy,
    "program": plans.Program,
    "action_item": plans.ActionItem,
}
EXPECTED["masterplan"] += "".join(
    f"{part}.{verb} {PART_ROW}\n" for part in PART_MODELS for verb in ("create", "update", "delete")
)


def _policies() -> dict[str, Policy]:
    return {
        "tenants": tenants_policy.POLICY,
        "accounts": accounts_policy.POLICY,
        "files": files_policy.POLICY,
        "jobs": jobs_policy.POLICY,
        "sso": sso_policy.POLICY,
        "audit": audit_policy.POLICY,
        "masterplan": masterplan_policy.POLICY,
        "reference": reference_policy.POLICY,
        "council": council_policy.POLICY,
        "portability": portability_policy.POLICY,
    }


def _expected() -> dict[tuple[str, str, str], str]:
    """(domain, action, actor) -> three answers, from the tables above."""
    table = {}
    for domain, text in EXPECTED.items():
        for line in text.strip().splitlines():
            action, *cells = line.split()
            assert len(cells) == len(ACTORS), f"{action}: {len(cells)} cells"
            for actor, cell in zip(ACTORS, cells, strict=True):
                assert len(cell) == 3 and set(cell) <= {"Y", "n"}, f"{action} {actor}: {cell}"
                table[(domain, action, actor)] = cell
    return table


def test_the_table_names_every_action_of_every_policy_and_nothing_else():
    written = {(domain, action) for domain, action, _actor in _expected()}
    actions = {(domain, action) for domain, policy in _policies().items() for action in policy.actions}
    assert written == actions


# --- the world ------------------------------------------------------------------------------------------

A, B = "kota-palopo", "kota-balikpapan"


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _new_member(tenant_id, role: str, email: str) -> User:
    user = accounts.create_user(email, role, "a-long-password")
    with tenant_context(tenant_id):
        admin = tenants.actor_for(_user(f"admin@{A}.demo"))
        tenants.add_member(user.id, role, actor=admin)
    return user


class World:
    """The demo with a member of every role in tenant A, and what each action is tried on."""

    def __init__(self):
        DEMO.load()
        self.a = tenants.find_tenant_by_slug(A).id
        self.b = tenants.find_tenant_by_slug(B).id
        users = {
            "admin": _user(f"admin@{A}.demo"),
            "planner": _new_member(self.a, PLANNER, "perencana@palopo.go.id"),
            "operator": _user(f"opd@{A}.demo"),
            "council": _new_member(self.a, COUNCIL_MEMBER, "dewan@palopo.go.id"),
            "viewer": _new_member(self.a, VIEWER, "pembaca@palopo.go.id"),
            "platform": _user(PLATFORM_ADMIN_EMAIL),
            "ministry": _user(MINISTRY_ADMIN_EMAIL),
            "evaluator": accounts.create_user("penilai@kemendagri.go.id", "Penilai", platform_role=EVALUATOR),
        }
        self.user_ids = {key: user.id for key, user in users.items()}
        self.b_admin_id = _user(f"admin@{B}.demo").id
        self._own_rows()
        self._uploads()
        self._action_items()
        jobs.enqueue_platform("sessions_purge", tick="2026-01-01T19:00:00+00:00")
        db.session.commit()  # the platform run runs now (inline), the rest is kept

    def _own_rows(self) -> None:
        """A session and an API token of each person, and of tenant B's administrator."""
        owners = [(user_id, self.a) for user_id in self.user_ids.values()] + [(self.b_admin_id, self.b)]
        for user_id, tenant_id in owners:
            accounts.open_session(user_id, via=accounts.VIA_PASSWORD, lifetime=timedelta(hours=1))
            accounts.create_api_token("policy", tenant_id, actor=person(user_id))

    def _action_items(self) -> None:
        """An action item of the operator's OPD and one of another OPD, in tenant A's draft version."""
        with tenant_context(self.a):
            admin = tenants.actor_for(db.session.get(User, self.user_ids["admin"]))
            draft = db.session.scalar(select(plans.Masterplan).where(plans.Masterplan.status == plans.DRAFT))
            program = db.session.scalar(select(plans.Program).where(plans.Program.masterplan_id == draft.id))
            own = self._operator_opd().id
            other = db.session.scalar(select(Opd.id).where(Opd.id != own))
            for opd_id in (own, other):
                item = {
                    "program_id": program.id,
                    "year": draft.period_start,
                    "activity": "Bimtek",
                    "opd_id": opd_id,
                }
                programs.create_action_item(draft.id, item, actor=admin)

    def _uploads(self) -> None:
        """Evidence uploaded by each tenant's OPD operator."""
        for slug, tenant_id in ((A, self.a), (B, self.b)):
            with tenant_context(tenant_id):
                operator = tenants.actor_for(_user(f"opd@{slug}.demo"))
                files.store_upload(BytesIO(PDF), "bukti.pdf", purpose="evidence", actor=operator)

    # -- actors

    def actors(self, tenant_id) -> dict[str, Actor]:
        """Each actor as the tenant ``tenant_id`` resolves them (the system actor is tenant A's)."""
        with tenant_context(tenant_id):
            built = {key: tenants.actor_for(db.session.get(User, uid)) for key, uid in self.user_ids.items()}
        return {**built, "anonymous": ANONYMOUS, "system": Actor.system(self.a)}

    # -- objects: for each column, what the action is tried on

    def objects(self) -> dict[str, dict]:
        """Per object kind, its (own OPD, other OPD, other tenant) objects, read afresh; a kind whose object
        depends on the actor (their own account) maps actor keys to objects instead."""
        with tenant_context(self.a):
            operator_opd = self._operator_opd()
            a = self._tenant_objects(operator_opd)
        with tenant_context(self.b):
            b = self._tenant_objects(None)
        kinds = {kind: (a[kind][0], a[kind][1], b[kind][0]) for kind in a}
        kinds.update(self._platform_objects())
        return kinds

    def _operator_opd(self) -> Opd:
        membership = tenants.membership_of(self.user_ids["operator"])
        opd_id = next(iter(tenants.actor_for(db.session.get(User, membership.user_id)).opd_ids))
        return db.session.get(Opd, (self.a, opd_id))

    def _tenant_objects(self, operator_opd: Opd | None) -> dict[str, tuple]:
        """(own OPD, other OPD) objects of the current tenant (for tenant B, both are just "its" objects)."""
        own = operator_opd.id if operator_opd else None
        one = db.session.scalar
        versions = select(plans.Masterplan)
        draft = one(versions.where(plans.Masterplan.status == plans.DRAFT)) or one(versions)
        objects = {
            "tenant": (tenants.find_tenant(draft.tenant_id),) * 2,
            "opd": (operator_opd, one(select(Opd).where(Opd.id != own))) if own else (one(select(Opd)),) * 2,
            "membership": (one(select(Membership).where(Membership.role == TENANT_ADMIN)),) * 2,
            "invitation": (one(select(Invitation)),) * 2,
            # the operator's own upload, attached to nothing (the demo's minutes files are the admin's)
            "file": (
                one(
                    select(StoredFile).where(
                        StoredFile.purpose == "evidence", StoredFile.owner_type.is_(None)
                    )
                ),
            )
            * 2,
            "job": (one(select(JobRun).where(JobRun.kind == "members_export")),) * 2,
            "provider": (one(select(IdentityProvider)),) * 2,
            "masterplan": (draft,) * 2,
            "council_body": (one(select(CouncilBody)),) * 2,
            "council_meeting": (one(select(CouncilMeeting)),) * 2,
            # a decision's action item of the operator's OPD, and one of another OPD (the demo's)
            "council_action_item": _council_action_items(own),
        }
        for part, model in PART_MODELS.items():
            objects[part] = _by_opd(model, own)
        return objects

    def _platform_objects(self) -> dict:
        users = {key: db.session.get(User, uid) for key, uid in self.user_ids.items()}
        b_admin = db.session.get(User, self.b_admin_id)
        run = db.session.scalar(select(PlatformJobRun))
        ministry_provider = db.session.scalar(select(MinistryProvider))
        sessions = {s.user_id: s for s in db.session.scalars(select(UserSession))}
        tokens = {t.user_id: t for t in db.session.scalars(select(ApiToken).where(ApiToken.name == "policy"))}
        members_export = get_kind("members_export")
        return {
            "user": (users["operator"], users["operator"], b_admin),
            "platform_run": (run,) * 3,
            "ministry_provider": (ministry_provider,) * 3,
            "job_kind": (members_export,) * 3,
            # what depends on who asks: their own account, session, token (tenant B's admin's in column 3)
            "own_account": {key: (u, u, b_admin) for key, u in users.items()},
            "own_session": {
                key: (sessions[u.id], sessions[u.id], sessions[b_admin.id]) for key, u in users.items()
            },
            "own_token": {key: (tokens[u.id], tokens[u.id], tokens[b_admin.id]) for key, u in users.items()},
            "own_ids": {key: ([u.id], [u.id], [b_admin.id]) for key, u in users.items()},
        }


def _by_opd(model, own_opd_id) -> tuple:
    """A part of the current tenant belonging to ``own_opd_id`` and one of another OPD; for a part with no
    OPD, any part twice."""
    column = {plans.Program: "lead_opd_id", plans.Indicator: "responsible_opd_id", plans.ActionItem: "opd_id"}
    column = column.get(model)
    if column is None or own_opd_id is None:
        found = db.session.scalar(select(model))
        return found, found
    attribute = getattr(model, column)
    own = db.session.scalar(select(model).where(attribute == own_opd_id))
    other = db.session.scalar(select(model).where(attribute.is_not(None), attribute != own_opd_id))
    return own, other


def _council_action_items(own_opd_id) -> tuple:
    owner = CouncilActionItem.owner_opd_id
    if own_opd_id is None:
        found = db.session.scalar(select(CouncilActionItem))
        return found, found
    own = db.session.scalar(select(CouncilActionItem).where(owner == own_opd_id))
    other = db.session.scalar(select(CouncilActionItem).where(owner.is_not(None), owner != own_opd_id))
    return own, other


# The kind of object each action is tried on (an action missing here takes none).
OBJECT_OF = {
    "tenant.read": "tenant",
    "tenant.update": "tenant",
    "tenant.set_status": "tenant",
    "tenant.seed_admin": "tenant",
    "tenant.invite_admin": "tenant",
    "tenant.set_sso_login": "tenant",
    "opd.read": "opd",
    "opd.update": "opd",
    "opd.delete": "opd",
    "member.read": "membership",
    "member.update": "membership",
    "member.remove": "membership",
    "invitation.resend": "invitation",
    "invitation.revoke": "invitation",
    "invitation.accept": "invitation",
    "user.read": "user",
    "user.set_active": "user",
    "user.erase": "user",
    "personal_data.read": "own_account",
    "account.update": "own_account",
    "session.end": "own_session",
    "session.end_all": "own_ids",
    "token.revoke": "own_token",
    "file.read": "file",
    "file.attach": "file",
    "file.delete": "file",
    "file.release": "file",
    "job.start": "job_kind",
    "job.read": "job",
    "platform_run.read": "platform_run",
    "provider.read": "provider",
    "provider.update": "provider",
    "provider.delete": "provider",
    "provider.sign_in": "provider",
    "ministry_provider.read": "ministry_provider",
    "ministry_provider.update": "ministry_provider",
    "ministry_provider.delete": "ministry_provider",
    "ministry_provider.sign_in": "ministry_provider",
    **{
        f"masterplan.{verb}": "masterplan"
        for verb in ("read", "export", "update", "change_status", "revise", "delete", "import")
    },
    "masterplan.attach_document": "masterplan",
    "masterplan.remove_document": "masterplan",
    **{f"{part}.create": "masterplan" for part in PART_MODELS},
    **{f"{part}.{verb}": part for part in PART_MODELS for verb in ("update", "delete")},
    "council.read": "council_body",
    "body.manage": "council_body",
    "meeting.manage": "council_meeting",
    "meeting.record": "council_meeting",
    "action_item.read": "council_action_item",
    "action_item.manage": "council_action_item",
    "action_item.update": "council_action_item",
}


def _objects_for(kind: str | None, objects: dict, actor_key: str) -> tuple:
    if kind is None:
        return None, None, None
    found = objects[kind]
    if isinstance(found, dict):  # the actor's own row; the anonymous public and the system have none
        return found.get(actor_key, (None, None, found["admin"][2]))
    return found


def _answers(policy: Policy, action: str, world: World, actors_a, actors_b, objects, key) -> str:
    own, other, elsewhere = _objects_for(OBJECT_OF.get(action), objects, key)
    with tenant_context(world.a):
        answers = [policy.can(actors_a[key], action, own), policy.can(actors_a[key], action, other)]
        # A tenant's object is out of reach from another tenant, whoever acts.
        tenant_owned = getattr(elsewhere, "tenant_id", None) is not None
        reached = tenant_owned and policy.can(actors_a[key], action, elsewhere)
    with tenant_context(world.b):
        # The same person (or the tenant A's system) as tenant B resolves them.
        answers.append(reached or policy.can(actors_b[key], action, elsewhere))
    return "".join("Y" if answer else "n" for answer in answers)


@pytest.fixture
def world(app_ctx):
    return World()


def test_every_role_may_do_what_the_table_says_and_nothing_more(world):
    actors_a, actors_b = world.actors(world.a), world.actors(world.b)
    objects = world.objects()
    expected = _expected()
    wrong = []
    for (domain, action, key), cell in sorted(expected.items()):
        got = _answers(_policies()[domain], action, world, actors_a, actors_b, objects, key)
        if got != cell:
            wrong.append(f"{domain} {action} {key}: expected {cell}, got {got}")
    assert wrong == []


def test_every_object_the_table_tries_exists(world):
    """The table is tried on real objects: an own-OPD and another-OPD part of each part that has an OPD."""
    objects = world.objects()
    for kind, found in objects.items():
        cells = [c for row in found.values() for c in row] if isinstance(found, dict) else list(found)
        assert all(c is not None for c in cells), kind
    for part in ("program", "indicator", "action_item"):
        own, other, _b = objects[part]
        assert own.id != other.id, part


def test_an_opd_scope_narrows_a_rule_to_the_operators_own_opds(world):
    """The OPD scope the policies build on: an OPD operator reaches the programs of their own OPD only;
    other roles keep what the rule gives them."""
    scoped = Policy("example", {"program.report": opd_scoped(member, masterplan_policy.opds_of)})
    actors = world.actors(world.a)
    own, other, elsewhere = world.objects()["program"]
    with tenant_context(world.a):
        assert scoped.can(actors["operator"], "program.report", own)
        assert not scoped.can(actors["operator"], "program.report", other)
        assert not scoped.can(actors["operator"], "program.report", elsewhere)
        assert scoped.can(actors["viewer"], "program.report", other)
        assert not scoped.can(ANONYMOUS, "program.report", own)
    assert SYSTEM.tenant_role == TENANT_ADMIN
