"""The demo: three tenants from app/data/demo.yaml with their OPDs and accounts for local use."""

from pathlib import Path

import click
import yaml
from flask.cli import with_appcontext
from sqlalchemy import select

from app.accounts import services as accounts
from app.core.audit import acting_as
from app.core.auth import MINISTRY_ADMIN, OPD_OPERATOR, PLANNER, PLATFORM_ADMIN, SYSTEM, TENANT_ADMIN, Actor
from app.core.tenancy import tenant_context
from app.demo.council import seed_council
from app.demo.masterplan import seed_masterplans
from app.demo.reporting import seed_reports
from app.extensions import db
from app.jobs import services as jobs
from app.reference import services as reference
from app.sso import demo as sso_demo
from app.tenants import services as tenants

DEMO_FILE = Path(__file__).resolve().parent.parent / "data" / "demo.yaml"
# Local use only: documented in the README, never for a real deployment.
DEMO_PASSWORD = "kotacerdas-demo"
PLATFORM_ADMIN_EMAIL = "admin@kotacerdas.local"
MINISTRY_ADMIN_EMAIL = "kementerian@kotacerdas.local"
# The OPD each demo operator reports for.
OPERATOR_OPD = {"kota-palopo": "DISDIK", "kota-balikpapan": "DLH", "kab-penajam-paser-utara": "DLH"}


def demo_tenants() -> list[dict]:
    return yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))["tenants"]


def _user(email: str, name: str, platform_role: str | None = None):
    user = accounts.find_user_by_email(email)
    return user or accounts.create_user(email, name, DEMO_PASSWORD, platform_role=platform_role)


def _seed_tenant(spec: dict) -> None:
    slug = spec["slug"]
    tenant = tenants.find_tenant_by_slug(slug) or tenants.create_tenant(
        actor=SYSTEM, region_code=spec["region"]["kode_kemendagri"], slug=slug, timezone=spec.get("timezone")
    )
    admin = _user(f"admin@{slug}.demo", f"Admin {tenant.name}")
    operator = _user(f"opd@{slug}.demo", f"Operator {OPERATOR_OPD[slug]} {tenant.name}")
    tenants.seed_tenant_admin(tenant, admin, actor=SYSTEM)
    # The tenant's own set-up reads in its audit log as the work of its admin, done from the command line.
    with tenant_context(tenant.id), acting_as(admin.id, "cli"):
        actor = Actor(user_id=admin.id, tenant_role=TENANT_ADMIN)
        existing = {o.code for o in tenants.list_opds(actor=actor)}
        for unit in spec.get("org_units", []):
            if unit["kode"].upper() not in existing:
                tenants.create_opd(
                    {"code": unit["kode"], "name": unit["nama"], "acronym": unit["kode"]}, actor=actor
                )
        if tenants.membership_of(operator.id) is None:
            opd = next(o for o in tenants.list_opds(actor=actor) if o.code == OPERATOR_OPD[slug])
            tenants.add_member(operator.id, OPD_OPERATOR, [opd.id], actor=actor)
        _seed_invitation(slug, actor)
        seed_masterplans(spec, actor)
        seed_council(spec, actor)
        seed_reports(actor)
        sso_demo.seed_tenant_provider(slug, tenant.name, actor=actor)
        if not db.session.scalar(select(jobs.jobs_query(actor=actor).exists())):
            # One export, run once the seed commits, so the jobs and files pages have something to show.
            jobs.start_job("members_export", actor=actor)


def _seed_invitation(slug: str, actor: Actor) -> None:
    """One invitation waiting on the members page (no mail: "Resend" there mails a working link)."""
    email = f"bappeda@{slug}.demo"
    waiting = db.session.scalars(tenants.pending_invitations_query(actor=actor))
    if all(invitation.email != email for invitation in waiting):
        tenants.invite_member(email, PLANNER, actor=actor)


def seed_demo() -> None:
    """Create (or complete) the demo; running it again changes nothing."""
    with acting_as(None, "cli"):
        _user(PLATFORM_ADMIN_EMAIL, "Operator Platform", PLATFORM_ADMIN)
        _user(MINISTRY_ADMIN_EMAIL, "Direktorat Kota Cerdas", MINISTRY_ADMIN)
        reference.load_carried_data(actor=SYSTEM)
        for spec in demo_tenants():
            _seed_tenant(spec)
        sso_demo.seed_ministry_provider()
        db.session.commit()


@click.group("demo", help="The demo tenants for local use.")
def demo_cli():
    pass


@demo_cli.command("seed")
@with_appcontext
def seed_command():
    """Seed Kota Palopo, Kota Balikpapan and Kabupaten Penajam Paser Utara with OPDs, demo accounts and
    masterplans."""
    seed_demo()
    click.echo(f"Demo ready. Password for every demo account: {DEMO_PASSWORD}")
    click.echo(f"  platform admin: {PLATFORM_ADMIN_EMAIL}")
    click.echo(f"  ministry admin: {MINISTRY_ADMIN_EMAIL}")
    for spec in demo_tenants():
        slug = spec["slug"]
        click.echo(f"  {slug}: admin@{slug}.demo (tenant_admin), opd@{slug}.demo (opd_operator)")


def init_app(app) -> None:
    app.cli.add_command(demo_cli)
