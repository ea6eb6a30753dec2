"""Command line: load the national reference data shipped with the product."""

import click
from flask.cli import with_appcontext

from app.extensions import db
from app.masterplan.reference import load_reference_data


@click.group("masterplan", help="Frameworks, code lists and masterplans.")
def masterplan_cli():
    pass


@masterplan_cli.command("load-reference")
@with_appcontext
def load_reference_command():
    """Add the framework versions and code list entries of app/data/frameworks.yaml that are missing."""
    added = load_reference_data(db.session.connection())
    db.session.commit()
    click.echo(
        f"Frameworks added: {added['frameworks']}; code list entries added: {added['code_list_items']}"
    )
