"""flask sso ...: operator commands."""

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from app.core.auth import SYSTEM, TENANT_ADMIN, Actor
from app.core.errors import DomainError, rendered
from app.core.tenancy import tenant_context
from app.extensions import db
from app.sso import demo, services
from app.tenants import services as tenants


@click.group("sso", help="Single sign-on providers.")
def sso_cli():
    pass


@sso_cli.command("demo-provider")
@click.option("--issuer", default=demo.DEMO_ISSUER, show_default=True, help="The provider's issuer URL.")
@click.option(
    "--tenant",
    "slugs",
    multiple=True,
    help="A demo tenant's slug (repeatable). Default: every demo tenant and the ministry.",
)
@with_appcontext
def demo_provider(issuer, slugs):
    """Point the demo tenants (and the ministry) at a running provider, checking its discovery document.

    Start the test provider first: node tests/idp/idp.mjs --port 9000"""
    slugs = slugs or tuple(demo.DEMO_DOMAINS)
    try:
        services.check_issuer(issuer, actor=SYSTEM, allow_local=True)  # the operator's own machine
        for slug in slugs:
            _point_tenant(slug, issuer)
        if set(slugs) == set(demo.DEMO_DOMAINS):
            _point_ministry(issuer)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(_describe(error)) from error
    click.echo(f"SSO of {', '.join(slugs)} points at {issuer}.")
    click.echo("Log in at http://127.0.0.1:5000/t/<slug>/login, e.g. as operator.disdik@palopo.go.id ")
    click.echo("(test provider: username palopo-disdik, password kotacerdas-idp).")


def _point_tenant(slug: str, issuer: str) -> None:
    tenant = tenants.find_tenant_by_slug(slug)
    if tenant is None or slug not in demo.DEMO_DOMAINS:
        raise click.ClickException(f"{slug} is not a seeded demo tenant: run flask demo seed first")
    with tenant_context(tenant.id):
        actor = Actor(user_id=None, tenant_role=TENANT_ADMIN)
        settings = demo.tenant_provider_settings(slug, tenant.name, issuer)
        existing = [p for p in services.list_providers(actor=actor) if p.client_id == demo.DEMO_CLIENT_ID]
        if existing:
            services.update_provider(existing[0].id, settings, actor=actor)
        else:
            services.create_provider(settings, actor=actor)


def _point_ministry(issuer: str) -> None:
    settings = demo.ministry_provider_settings(issuer)
    existing = [
        p for p in services.list_ministry_providers(actor=SYSTEM) if p.client_id == demo.DEMO_CLIENT_ID
    ]
    if existing:
        services.update_ministry_provider(existing[0].id, settings, actor=SYSTEM)
    else:
        services.create_ministry_provider(settings, actor=SYSTEM)


def _describe(error: DomainError) -> str:
    # The operator's commands speak English, like their help.
    with force_locale("en"):
        errors, message = rendered(error.errors), rendered(error.message)
    fields = "; ".join(f"{name}: {', '.join(messages)}" for name, messages in errors.items())
    return fields or message or error.code
