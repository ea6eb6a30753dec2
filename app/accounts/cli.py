"""flask accounts ...: operator commands."""

import click
from flask.cli import with_appcontext

from app.accounts import services
from app.core.auth import PLATFORM_ROLES
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
