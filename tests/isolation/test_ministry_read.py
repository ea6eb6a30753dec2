"""Reads across tenants exist only through the ministry access path (``ministry_read``: role and
assignment checked, read-only, audited) and a person's own memberships (``own_memberships``); nothing else
opens a second tenant, in the ORM or in PostgreSQL's row-level security."""

import ast
import pathlib
import uuid

import pytest
from sqlalchemy import func, select, text, update

from app.accounts import services as accounts
from app.audit.models import PlatformAuditEntry
from app.core import auth
from app.core.auth import EVALUATOR, MINISTRY_ADMIN, PLATFORM_ADMIN, TENANT_ADMIN, Actor
from app.core.errors import PermissionDenied
from app.core.tenancy import (
    CrossTenantWrite,
    TenantContextMissing,
    ministry_read,
    own_memberships,
    tenant_context,
)
from app.extensions import db
from app.tenants import services as tenants
from app.tenants.models import Membership, Opd
from tests.factories import PASSWORD, add_opd, make_tenant

APP = pathlib.Path(__file__).resolve().parents[2] / "app"
REASON = "test: compare OPD registries"


@pytest.fixture
def three(app_ctx):
    a = make_tenant("73.73", "kota-palopo")
    b = make_tenant("64.71", "kota-balikpapan")
    c = make_tenant("64.09", "kab-penajam-paser-utara")
    for setup, code in ((a, "DISKOMINFO"), (b, "DLH"), (c, "BAPPEDA")):
        add_opd(setup, code)
    return a, b, c


@pytest.fixture
def ministry(app_ctx):
    user = accounts.create_user("direktorat@kemendagri.test", "Direktorat", PASSWORD, MINISTRY_ADMIN)
    db.session.commit()
    return Actor(user_id=user.id, platform_role=MINISTRY_ADMIN)


def _opd_codes() -> list[str]:
    return sorted(db.session.scalars(select(Opd.code)))


def _reads() -> list[PlatformAuditEntry]:
    db.session.commit()  # the read's entry is written when the caller's transaction commits
    return list(
        db.session.scalars(select(PlatformAuditEntry).where(PlatformAuditEntry.action == "ministry.read"))
    )


def test_a_ministry_admin_reads_the_tenants_it_names_and_no_other(three, ministry):
    a, b, c = three
    with ministry_read(ministry, [a.tenant_id, b.tenant_id], REASON):
        assert _opd_codes() == ["DISKOMINFO", "DLH"]
        # Even naming the third tenant finds nothing.
        assert db.session.scalars(select(Opd).where(Opd.tenant_id == c.tenant_id)).all() == []


def test_each_read_leaves_one_audit_entry_saying_who_which_tenants_and_why(three, ministry):
    a, b, _c = three
    with ministry_read(ministry, [b.tenant_id, a.tenant_id], REASON):
        _opd_codes()
        _opd_codes()
    [entry] = _reads()
    assert entry.user_id == ministry.user_id
    assert entry.details["tenant_ids"] == sorted([str(a.tenant_id), str(b.tenant_id)])
    assert entry.details["reason"] == REASON
    assert entry.details["role"] == MINISTRY_ADMIN
    with ministry_read(ministry, [a.tenant_id], REASON):
        _opd_codes()
    assert len(_reads()) == 2


def test_a_refused_read_reads_nothing_and_records_nothing(three, ministry):
    a, _b, _c = three
    tenant_admin = Actor(user_id=a.admin_id, tenant_role=TENANT_ADMIN)
    operator = Actor(user_id=a.admin_id, platform_role=PLATFORM_ADMIN)
    for actor in (tenant_admin, operator, Actor(user_id=None, platform_role=MINISTRY_ADMIN)):
        with pytest.raises(PermissionDenied), ministry_read(actor, [a.tenant_id], REASON):
            pytest.fail("the block ran")
    assert _reads() == []


def test_an_evaluator_reads_only_the_tenants_of_their_assignments(three):
    a, b, _c = three
    cycle, other_cycle = uuid.uuid4(), uuid.uuid4()
    evaluator = Actor(
        user_id=uuid.uuid4(), platform_role=EVALUATOR, assignments=frozenset({(cycle, a.tenant_id)})
    )
    with ministry_read(evaluator, [a.tenant_id], REASON):
        assert _opd_codes() == ["DISKOMINFO"]
    with ministry_read(evaluator, [a.tenant_id], REASON, cycle_id=cycle):
        assert _opd_codes() == ["DISKOMINFO"]
    with pytest.raises(PermissionDenied), ministry_read(evaluator, [a.tenant_id, b.tenant_id], REASON):
        pytest.fail("an unassigned tenant was opened")
    with (
        pytest.raises(PermissionDenied),
        ministry_read(evaluator, [a.tenant_id], REASON, cycle_id=other_cycle),
    ):
        pytest.fail("another cycle's assignment was used")


def test_an_evaluator_without_assignments_is_refused(three, monkeypatch):
    a, _b, _c = three
    monkeypatch.setattr(auth, "_assignments_loader", None)  # evaluation is not installed
    user = accounts.create_user("asesor@kemendagri.test", "Asesor", PASSWORD, EVALUATOR)
    db.session.commit()
    evaluator = tenants.actor_for(user)
    assert evaluator.assignments == frozenset()
    for tenant_ids in ([a.tenant_id], []):
        with pytest.raises(PermissionDenied), ministry_read(evaluator, tenant_ids, REASON):
            pytest.fail("an evaluator without assignments read")


def test_the_registered_loader_gives_an_evaluator_their_assignments(three, monkeypatch):
    a, _b, _c = three
    cycle = uuid.uuid4()
    monkeypatch.setattr(auth, "_assignments_loader", None)
    user = accounts.create_user("asesor@kemendagri.test", "Asesor", PASSWORD, EVALUATOR)
    db.session.commit()
    auth.register_assignments_loader(lambda user_id: [(cycle, a.tenant_id)] if user_id == user.id else [])
    evaluator = tenants.actor_for(user)
    assert evaluator.assignments == frozenset({(cycle, a.tenant_id)})
    with ministry_read(evaluator, [a.tenant_id], REASON):
        assert _opd_codes() == ["DISKOMINFO"]


def test_a_ministry_read_writes_nothing(three, ministry):
    a, b, _c = three
    with ministry_read(ministry, [a.tenant_id, b.tenant_id], REASON):
        opd = db.session.scalar(select(Opd).where(Opd.code == "DLH"))
        opd.name = "changed"
        with pytest.raises(CrossTenantWrite):
            db.session.flush()
    db.session.rollback()
    with ministry_read(ministry, [a.tenant_id], REASON), pytest.raises(CrossTenantWrite):
        db.session.execute(update(Opd).values(name="changed"))
    db.session.rollback()
    with ministry_read(ministry, [a.tenant_id], REASON):
        db.session.add(Opd(tenant_id=a.tenant_id, code="NEW", name="New"))
        with pytest.raises(CrossTenantWrite):
            db.session.flush()
    db.session.rollback()
    with tenant_context(b.tenant_id):
        assert _opd_codes() == ["DLH"]


def test_no_tenant_can_be_entered_inside_a_ministry_read(three, ministry):
    a, _b, c = three
    with (
        ministry_read(ministry, [a.tenant_id], REASON),
        pytest.raises(RuntimeError),
        tenant_context(c.tenant_id),
    ):
        pytest.fail("the second hatch opened")


def test_own_memberships_reads_one_persons_memberships_in_every_tenant(three):
    a, b, _c = three
    with own_memberships(a.admin_id):
        rows = db.session.scalars(select(Membership)).all()
        assert [m.tenant_id for m in rows] == [a.tenant_id]
        # Another person's membership stays out, even named.
        others = select(func.count()).select_from(Membership).where(Membership.user_id == b.admin_id)
        assert db.session.scalar(others) == 0
        with pytest.raises(TenantContextMissing):
            db.session.scalars(select(Opd)).all()
    db.session.rollback()
    with tenant_context(b.tenant_id):
        tenants.add_member(a.admin_id, "viewer", actor=Actor(user_id=b.admin_id, tenant_role=TENANT_ADMIN))
        db.session.commit()
    assert {t.slug for t, _role in tenants.tenants_of_user(a.admin_id)} == {a.slug, b.slug}
    assert {t.slug for t, _role in tenants.tenants_of_user(b.admin_id)} == {b.slug}


def test_own_memberships_writes_nothing(three):
    a, _b, _c = three
    with own_memberships(a.admin_id):
        membership = db.session.scalar(select(Membership))
        membership.role = "viewer"
        with pytest.raises(CrossTenantWrite):
            db.session.flush()
    db.session.rollback()


# --- PostgreSQL: row-level security alone --------------------------------------------------------


@pytest.mark.postgres
def test_row_level_security_opens_only_the_allowed_tenants_of_a_ministry_read(three, ministry):
    a, b, _c = three
    distinct = text("select distinct tenant_id from opds order by 1")
    # Raw SQL skips the ORM's criteria: only row-level security stands here.
    assert db.session.execute(distinct).scalars().all() == []
    with ministry_read(ministry, [a.tenant_id, b.tenant_id], REASON):
        seen = db.session.execute(distinct).scalars().all()
    assert sorted(seen) == sorted([a.tenant_id, b.tenant_id])
    assert db.session.execute(distinct).scalars().all() == []
    db.session.rollback()


@pytest.mark.postgres
def test_the_former_blanket_switch_opens_nothing(three, database):
    from sqlalchemy import create_engine

    engine = create_engine(database["app"])
    try:
        with engine.connect() as conn:
            conn.execute(text("select set_config('app.cross_tenant', 'on', true)"))
            assert conn.execute(text("select count(*) from opds")).scalar() == 0
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_row_level_security_shows_own_memberships_and_nothing_else(three):
    a, _b, _c = three
    with own_memberships(a.admin_id):
        members = db.session.execute(text("select user_id from memberships")).scalars().all()
        opds = db.session.execute(text("select count(*) from opds")).scalar()
    assert members == [a.admin_id]
    assert opds == 0
    db.session.rollback()


@pytest.mark.postgres
def test_every_tenant_tables_read_policy_takes_the_allowed_set_and_nothing_blanket(app_ctx, owner_engine):
    with owner_engine.connect() as conn:
        policies = conn.execute(
            text("select tablename, qual from pg_policies where policyname = 'tenant_isolation_read'")
        ).all()
        tenant_tables = set(
            conn.execute(
                text(
                    "select c.table_name from information_schema.columns c join information_schema.tables t "
                    "using (table_schema, table_name) where c.table_schema = 'public' "
                    "and c.column_name = 'tenant_id' and t.table_type = 'BASE TABLE'"
                )
            ).scalars()
        )
        own = conn.execute(
            text("select tablename from pg_policies where policyname = 'own_memberships_read'")
        )
        assert own.scalars().all() == ["memberships"]
    assert {table for table, _qual in policies} == tenant_tables
    for table, qual in policies:
        assert "app.tenant_ids" in qual and "cross_tenant" not in qual, table


# --- nothing else sets the allowed set -----------------------------------------------------------

# The names that open more than one tenant: the settings row-level security reads and the ContextVars
# behind them. Only app/core/tenancy.py may name them (and app/core/rls.py the setting, to write policies).
WIDER_READ_NAMES = ("_ministry_tenants", "_own_memberships_of")
WIDER_READ_SETTINGS = ("app.tenant_ids", "app.user_id", "app.cross_tenant")
SETTERS = {"_ministry_tenants": "ministry_read", "_own_memberships_of": "own_memberships"}


def _python_files():
    for path in sorted(APP.rglob("*.py")):
        yield path.relative_to(APP).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def test_no_code_but_the_ministry_access_path_sets_the_tenant_set():
    offenders = []
    for name, tree in _python_files():
        if name == "core/tenancy.py":
            continue
        for node in ast.walk(tree):
            named = (
                node.id
                if isinstance(node, ast.Name)
                else node.attr
                if isinstance(node, ast.Attribute)
                else node.name
                if isinstance(node, ast.alias)
                else None
            )
            policy_text = name == "core/rls.py" and named == "RLS_TENANT_SET_SETTING"
            if named in (*WIDER_READ_NAMES, "RLS_TENANT_SET_SETTING", "RLS_USER_SETTING") and not policy_text:
                offenders.append(f"{name}:{node.lineno} names {named}")
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                lowered = node.value.lower()
                if any(s in lowered for s in WIDER_READ_SETTINGS) or "set_config" in lowered:
                    offenders.append(f"{name}:{node.lineno} holds {node.value[:60]!r}")
    assert offenders == []


def test_inside_tenancy_only_the_two_paths_set_their_context_variable():
    tree = ast.parse((APP / "core" / "tenancy.py").read_text(encoding="utf-8"))
    setters = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):
            continue
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "set"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in SETTERS
            ):
                setters.append((node.func.value.id, function.name))
    assert sorted(setters) == sorted(SETTERS.items())


# The second hatch: tenant_context/enter_tenant set one tenant, chosen by code that already checked the
# caller may act there. Every file that uses them is listed here with that check, so a new use is a
# reviewed change.
TENANT_ENTRIES = {
    "audit/personal_data.py": "a person's entries in every log: their download, the operator's erasure",
    "core/audit.py": "writes audit entries into the tenant the entry belongs to",
    "demo/__init__.py": "seeds the demo from the command line (the operator)",
    "jobs/metrics.py": "the kinds of unfinished runs for /metrics, in each tenant that has one (reads)",
    "jobs/platform.py": "a platform job's fan-out: one child run per active tenant, as the system",
    "jobs/runner.py": "runs a job in its tenant after checking the requester",
    "jobs/services.py": "marks a job run of the current tenant undeliverable",
    "portability/restore.py": "the operator's import, into the tenant the archive restores",
    "portability/services.py": "a tenant's export, by its administrator or the operator (checked)",
    "sso/cli.py": "command-line set-up of a tenant's provider (the operator)",
    "sso/hooks.py": "the caller's own membership and their own login's provider",
    "tenants/resolver.py": "the URL's tenant, after checking the caller's membership",
    "tenants/services.py": "platform admin's work in a tenant (checked) and seeding its first admin",
    "tenants/views.py": "the platform admin's tenant page (platform_admin_required)",
}


def test_the_tenant_is_entered_only_where_reviewed():
    users = set()
    for name, tree in _python_files():
        if name == "core/tenancy.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func_name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if func_name in ("tenant_context", "enter_tenant"):
                    users.add(name)
    assert sorted(users - set(TENANT_ENTRIES)) == []
