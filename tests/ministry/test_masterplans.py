"""The ministry's view of enacted masterplans: through the audited ministry access path only, enacted
versions only (a draft never reaches a ministry role), and only for ministry roles.

The demo gives Kota Palopo an enacted version and a draft revision, Kota Balikpapan a superseded, an
enacted and a draft version, and Kabupaten Penajam Paser Utara an enacted one; a fourth tenant here has
a draft only."""

import re
import uuid
from dataclasses import dataclass

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, text

from app.accounts import services as accounts
from app.audit.models import PlatformAuditEntry
from app.core import auth
from app.core.auth import EVALUATOR, MINISTRY_ADMIN, SYSTEM, TENANT_ADMIN, Actor
from app.core.tenancy import TenantContextMissing, ministry_read, tenant_context
from app.extensions import db
from app.masterplan import services as masterplans
from app.masterplan import versions
from app.masterplan.models import ENACTED, Masterplan, Program
from app.ministry.services import ENACTED_MASTERPLANS_REASON
from app.reference.models import Framework
from app.tenants import services as tenants
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, person
from tests.support.snapshot import DEMO

DEMO_SLUGS = ("kota-palopo", "kota-balikpapan", "kab-penajam-paser-utara")
DRAFT_ONLY = "kab-draft-only"
MINISTRY_EMAIL = "direktorat@kemendagri.test"
EVALUATOR_EMAIL = "asesor@kemendagri.test"


@dataclass
class Version:
    id: uuid.UUID
    label: str
    period: str
    programs: int


@dataclass
class World:
    tenant_ids: dict[str, uuid.UUID]
    enacted: dict[str, Version]
    unreleased: dict[str, list[Version]]  # drafts (and anything not enacted), per tenant
    ministry_id: uuid.UUID
    ministry_token: str


def _versions(tenant_id) -> list[Version]:
    with tenant_context(tenant_id):
        plans = db.session.scalars(select(Masterplan)).all()
        return [
            (
                plan.status,
                Version(
                    plan.id,
                    plan.version_label,
                    f"{plan.period_start}–{plan.period_end}",
                    len(db.session.scalars(select(Program.id).where(Program.masterplan_id == plan.id)).all()),
                ),
            )
            for plan in plans
        ]


def _draft_only_tenant() -> uuid.UUID:
    region = tenants.unassigned_regions(actor=SYSTEM)[0]
    tenant = tenants.create_tenant(actor=SYSTEM, region_code=region.code, slug=DRAFT_ONLY)
    framework = db.session.scalar(select(Framework.id).where(Framework.state == "published"))
    with tenant_context(tenant.id):
        versions.create_masterplan(
            {
                "title": "Rancangan Masterplan",
                "version_label": "0.9-draft",
                "period_start": 2026,
                "period_end": 2030,
                "framework_id": framework,
            },
            actor=Actor(user_id=None, tenant_role=TENANT_ADMIN),
        )
    db.session.commit()
    return tenant.id


@pytest.fixture
def world(app_ctx, monkeypatch) -> World:
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(auth, "_assignments_loader", None)  # evaluation is not installed yet
    DEMO.load()
    tenant_ids = {slug: tenants.find_tenant_by_slug(slug).id for slug in DEMO_SLUGS}
    tenant_ids[DRAFT_ONLY] = _draft_only_tenant()
    enacted, unreleased = {}, {}
    for slug, tenant_id in tenant_ids.items():
        for status, version in _versions(tenant_id):
            if status == ENACTED:
                enacted[slug] = version
            else:
                unreleased.setdefault(slug, []).append(version)
    # The demo as described above: otherwise this test would prove nothing.
    assert set(enacted) == set(DEMO_SLUGS)
    assert {"kota-palopo", "kota-balikpapan", DRAFT_ONLY} <= set(unreleased)
    ministry = accounts.create_user(MINISTRY_EMAIL, "Direktorat", PASSWORD, MINISTRY_ADMIN)
    accounts.create_user(EVALUATOR_EMAIL, "Asesor", PASSWORD, EVALUATOR)
    _token, secret = accounts.create_api_token("ministry", None, actor=person(ministry.id))
    db.session.commit()
    return World(tenant_ids, enacted, unreleased, ministry.id, secret)


def _rows(page: str) -> dict[str, str]:
    """Each tenant's table row on the ministry page, by the tenant's slug."""
    return dict(re.findall(r'<tr data-tenant="([^"]+)">(.*?)</tr>', page, flags=re.S))


def _reads() -> list[PlatformAuditEntry]:
    db.session.rollback()
    stmt = select(PlatformAuditEntry).where(PlatformAuditEntry.action == "ministry.read")
    return list(db.session.scalars(stmt.order_by(PlatformAuditEntry.at)))


def _api(client, token: str, path: str = "/api/v1/ministry/masterplans?page_size=100"):
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


def _logout(client) -> None:
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account/tokens")})


def test_the_ministry_page_shows_each_enacted_version_and_no_draft(client, world):
    login(client, MINISTRY_EMAIL, PASSWORD)
    response = client.get("/ministry/masterplans?lang=en")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    rows = _rows(page)
    assert set(rows) == set(world.tenant_ids)
    for slug, version in world.enacted.items():
        row = rows[slug]
        assert f'<span class="fw-semibold">{version.label}</span>' in row
        assert version.period in row
        assert f">{version.programs}</td>" in row
        for draft in world.unreleased.get(slug, []):
            assert f'<span class="fw-semibold">{draft.label}</span>' not in row, (slug, draft.label)
    # A tenant that enacted nothing shows that, and nothing of its draft.
    assert "No enacted masterplan yet" in rows[DRAFT_ONLY]
    assert "0.9-draft" not in page and "Rancangan Masterplan" not in page


def test_the_ministry_api_lists_enacted_versions_only(client, world):
    response = _api(client, world.ministry_token)
    assert response.status_code == 200
    items = {item["tenant_slug"]: item for item in response.get_json()}
    assert set(items) == set(world.tenant_ids)
    for slug, version in world.enacted.items():
        plan = items[slug]["masterplan"]
        assert (plan["id"], plan["version_label"], plan["program_count"]) == (
            str(version.id),
            version.label,
            version.programs,
        )
    assert items[DRAFT_ONLY]["masterplan"] is None
    body = response.get_data(as_text=True)
    drafts = [draft for versions_ in world.unreleased.values() for draft in versions_]
    assert drafts and not [d.id for d in drafts if str(d.id) in body]


def test_the_masterplan_service_returns_no_draft_even_for_a_tenant_the_read_opens(world):
    ministry = Actor(user_id=world.ministry_id, platform_role=MINISTRY_ADMIN)
    ids = list(world.tenant_ids.values())
    with ministry_read(ministry, ids, "test: enacted masterplans"):
        enacted = masterplans.enacted_masterplans_overview(ids, actor=ministry)
        found = {plan.masterplan_id for plan in enacted}
    assert found == {version.id for version in world.enacted.values()}


def test_each_ministry_read_leaves_one_audit_entry(client, world):
    login(client, MINISTRY_EMAIL, PASSWORD)
    assert client.get("/ministry/masterplans").status_code == 200
    [entry] = _reads()
    assert entry.user_id == world.ministry_id
    assert entry.details["tenant_ids"] == sorted(str(t) for t in world.tenant_ids.values())
    assert entry.details["reason"] == ENACTED_MASTERPLANS_REASON
    assert _api(client, world.ministry_token).status_code == 200
    assert len(_reads()) == 2


def test_an_evaluator_without_assignments_gets_nothing(client, world):
    login(client, EVALUATOR_EMAIL, PASSWORD)
    assert client.get("/ministry/masterplans").status_code == 404
    home = client.get("/?lang=en").get_data(as_text=True)
    assert "/ministry/masterplans" not in home and "Nothing to evaluate yet" in home
    with client.application.app_context():
        evaluator = accounts.find_user_by_email(EVALUATOR_EMAIL)
        _token, secret = accounts.create_api_token("evaluation", None, actor=person(evaluator.id))
        db.session.commit()
    assert _api(client, secret).status_code == 404
    assert _reads() == []


def test_an_assigned_evaluator_reads_only_their_tenants(client, world):
    balikpapan = world.tenant_ids["kota-balikpapan"]
    auth.register_assignments_loader(lambda user_id: [(uuid.uuid4(), balikpapan)])
    login(client, EVALUATOR_EMAIL, PASSWORD)
    page = client.get("/ministry/masterplans?lang=en").get_data(as_text=True)
    assert set(_rows(page)) == {"kota-balikpapan"}
    [entry] = _reads()
    assert entry.details["tenant_ids"] == [str(balikpapan)]


def test_tenant_admins_and_the_operator_find_no_ministry_data(client, world):
    assert client.get("/ministry/masterplans").status_code == 302  # anonymous: to the login page
    login(client, "admin@kota-palopo.demo")
    for path in ("/ministry/masterplans", "/ministry/frameworks", "/ministry/code-lists"):
        assert client.get(path).status_code == 404, path
    palopo = tenants.find_tenant_by_slug("kota-palopo")
    admin = accounts.find_user_by_email("admin@kota-palopo.demo")
    _token, tenant_token = accounts.create_api_token("walk", palopo.id, actor=person(admin.id))
    db.session.commit()
    assert _api(client, tenant_token).status_code in (401, 404)
    _logout(client)
    # The platform operator keeps the reference data but reads no tenant's masterplan.
    login(client, "admin@kotacerdas.local")
    assert client.get("/ministry/frameworks").status_code == 200
    assert client.get("/ministry/code-lists").status_code == 200
    assert client.get("/ministry/masterplans").status_code == 404
    assert _reads() == []


def test_the_former_reference_data_addresses_redirect_permanently(client, world):
    moved = client.get("/admin/frameworks")
    assert (moved.status_code, moved.headers["Location"]) == (301, "/ministry/frameworks")
    moved = client.get("/admin/code-lists?lang=en")
    assert (moved.status_code, moved.headers["Location"]) == (301, "/ministry/code-lists?lang=en")
    framework_id = uuid.uuid4()
    # A form posted to the former address is posted again at the new one (its CSRF token with it).
    form = {"action": "publish", "csrf_token": csrf_token(client)}
    posted = client.post(f"/admin/frameworks/{framework_id}/state", data=form)
    assert (posted.status_code, posted.headers["Location"]) == (
        308,
        f"/ministry/frameworks/{framework_id}/state",
    )


@pytest.mark.postgres
def test_row_level_security_shows_a_ministry_role_no_tenant_row_outside_its_read(world):
    ministry = Actor(user_id=world.ministry_id, platform_role=MINISTRY_ADMIN)
    with pytest.raises(TenantContextMissing):
        db.session.scalars(select(Masterplan)).all()
    db.session.rollback()
    # Raw SQL skips the ORM's criteria: row-level security alone decides.
    tenants_seen = text("select distinct tenant_id from masterplans")
    assert db.session.execute(tenants_seen).scalars().all() == []
    allowed = [world.tenant_ids["kota-palopo"], world.tenant_ids[DRAFT_ONLY]]
    with ministry_read(ministry, allowed, "test: row-level security"):
        seen = db.session.execute(tenants_seen).scalars().all()
    assert sorted(seen) == sorted(allowed)
    assert db.session.execute(tenants_seen).scalars().all() == []
    db.session.rollback()
