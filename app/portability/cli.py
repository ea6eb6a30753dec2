"""flask tenants export / import: the operator's commands, added to the tenants group."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from app.core.audit import acting_as
from app.core.auth import SYSTEM
from app.core.errors import DomainError, rendered
from app.extensions import db
from app.portability import services
from app.tenants import services as tenants


def _echo_progress(percent: int, table: str) -> None:
    click.echo(f"{percent:3d}%  {table}", err=True)


@click.command("export")
@click.argument("slug")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_command(slug: str, target: Path):
    """Write everything tenant SLUG holds to the ZIP TARGET: its rows, files and audit log, and the
    people and reference data they name."""
    tenant = tenants.find_tenant_by_slug(slug)
    if tenant is None:
        raise click.ClickException(f"No tenant {slug!r} here.")
    with acting_as(None, "cli"):
        manifest = services.export_tenant(tenant.id, target, actor=SYSTEM, progress=_echo_progress)
        db.session.commit()
    rows = sum(entry["rows"] for entry in manifest["tables"])
    click.echo(
        f"Exported {tenant.name}: {rows} rows in {len(manifest['tables'])} tables, "
        f"{manifest['files']['count']} files, to {target}."
    )


@click.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--replace", is_flag=True, help="Replace the tenant of the same id, and no other, if it exists."
)
@with_appcontext
def import_command(source: Path, replace: bool):
    """Restore the tenant exported to the ZIP SOURCE, with its ids. Refused, writing nothing, when the
    tenant exists (unless --replace), the archive is damaged or of an unknown format, or reference data
    it names is missing here."""
    try:
        with acting_as(None, "cli"):
            manifest = services.import_tenant(source, actor=SYSTEM, replace=replace, progress=_echo_progress)
            db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(f"Not imported: {rendered(error.message)}") from error
    verb = "Replaced" if replace else "Imported"
    click.echo(f"{verb} {manifest['tenant']['name']} at /t/{manifest['tenant']['slug']}.")
