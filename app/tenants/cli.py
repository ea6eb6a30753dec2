"""flask tenants ...: operator commands."""

import click
from flask.cli import with_appcontext

from app.core.auth import SYSTEM
from app.extensions import db
from app.tenants import services


@click.group("tenants", help="Create and manage tenants.")
def tenants_cli():
    pass


@tenants_cli.command("create")
@click.argument("region_code")
@click.option("--slug", help="Address name; derived from the region when omitted.")
@click.option(
    "--timezone", help="Asia/Jakarta, Asia/Makassar or Asia/Jayapura; from the province when omitted."
)
@click.option("--admin-email", help="Invite this address as the first tenant admin.")
@with_appcontext
def create_command(region_code, slug, timezone, admin_email):
    """Create a tenant for the kabupaten/kota with Kemendagri code REGION_CODE (e.g. 73.73)."""
    tenant = services.create_tenant(actor=SYSTEM, region_code=region_code, slug=slug, timezone=timezone)
    db.session.commit()
    click.echo(f"Created {tenant.name} at /t/{tenant.slug} ({tenant.timezone_label}).")
    if admin_email:
        from app.tenants import notices

        invitation, token = services.invite_first_admin(tenant.id, admin_email, actor=SYSTEM)
        db.session.commit()
        with _request_context():
            notices.send_invitation(tenant, invitation, token)
        click.echo(f"Invited {admin_email} as tenant_admin.")


def _request_context():
    from flask import current_app

    return current_app.test_request_context(base_url=current_app.config["PUBLIC_BASE_URL"])


@tenants_cli.command("list")
@with_appcontext
def list_command():
    """List tenants with their status."""
    for tenant in services.list_tenants(actor=SYSTEM):
        click.echo(f"{tenant.slug:32} {tenant.region_code:8} {tenant.status:10} {tenant.name}")
