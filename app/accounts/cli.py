"""flask accounts ...: operator commands."""

import click
from flask.cli import with_appcontext

from app.accounts import services
from app.core.audit import acting_as
from app.core.auth import PLATFORM_ROLES, SYSTEM
from app.extensions import db


@click.group("accounts", help="Manage user accounts.")
def accounts_cli():
    pass


@accounts_cli.command("create-platform-admin")
@click.argument("email")
@click.option("--name", default="", help="Display name.")
@click.option("--role", type=click.Choice(PLATFORM_ROLES), default="platform_admin", show_default=True)
@click.password_option(help="At least 10 characters.")
@with_appcontext
def create_platform_admin(email, name, role, password):
    """Create a platform admin (or ministry_admin / evaluator) account."""
    user = services.create_user(email, name, password, platform_role=role)
    db.session.commit()
    click.echo(f"Created {user.email} ({role}).")


@accounts_cli.command("suspend")
@click.argument("email")
@with_appcontext
def suspend(email):
    """Switch an account off: it can no longer log in, and its sessions end at once."""
    _set_active(email, False)
    click.echo(f"Suspended {email}; its sessions are ended.")


@accounts_cli.command("reactivate")
@click.argument("email")
@with_appcontext
def reactivate(email):
    """Switch a suspended account on again."""
    _set_active(email, True)
    click.echo(f"Reactivated {email}.")


def _set_active(email: str, active: bool) -> None:
    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with the email {email}.")
    with acting_as(None, "cli"):
        services.set_user_active(user.id, active, actor=SYSTEM)
        db.session.commit()


@accounts_cli.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def erase(email, yes):
    """Erase a person (UU No. 27/2022): memberships, sessions, tokens and SSO links go, the account is
    removed or anonymised, and the audit log loses their name and email."""
    from app.accounts import personal_data
    from app.core.errors import DomainError, rendered

    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with the email {email}.")
    with acting_as(None, "cli"):
        memberships = personal_data.personal_data_for_erasure(user.id, actor=SYSTEM)["memberships"]
        click.echo(f"{user.name} <{user.email}>")
        for membership in memberships:
            opds = ", ".join(membership["opds"])
            click.echo(f"  {membership['tenant']}: {membership['role']} {opds}".rstrip())
        if not memberships:
            click.echo("  no memberships")
        if not yes:
            click.confirm("Erase this person? This cannot be undone", abort=True)
        try:
            erasure = personal_data.erase_person(user.id, actor=SYSTEM)
        except DomainError as refusal:
            reasons = rendered(refusal.errors or {}).get("erase", [])
            raise click.ClickException(" ".join([rendered(refusal.message), *reasons])) from None
        db.session.commit()
    click.echo(f"Erased: the account is {erasure.account}; {erasure.counts}.")
