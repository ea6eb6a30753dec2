"""Command line: load the reference data the product carries."""

import click
from flask.cli import with_appcontext

from app.core.audit import acting_as
from app.core.auth import SYSTEM
from app.extensions import db
from app.reference import services


@click.group("reference", help="Frameworks, code lists and regions.")
def reference_cli():
    pass


@reference_cli.command("load")
@with_appcontext
def load_command():
    """Add the framework versions, code lists and regions of app/data that are missing (idempotent)."""
    with acting_as(None, "cli"):
        added = services.load_carried_data(actor=SYSTEM)
        db.session.commit()
    click.echo(
        f"Frameworks added: {added['frameworks']}; code lists added: {added['code_lists']}; "
        f"regions added: {added['regions']}"
    )
