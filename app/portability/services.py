"""A tenant's data leaves with it and comes back: export to one ZIP, import from one.

The export reads every tenant table generically (``archive.py``); the import refuses a damaged, foreign
or oversized archive before writing anything, and otherwise restores the tenant in one transaction
(``restore.py``): a new tenant, or with ``replace`` that tenant only, every other tenant untouched.
People are matched by email (created without a password when missing: they sign in through their
city's SSO or reset their password); reference data by code and version.

The operator starts an export from the admin pages as a run of the system in the tenant (they are not
its member); a tenant administrator starts one for their own tenant. Either way it is a job with a
progress bar whose ZIP is stored like any job result, and it is audited.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select

from app.accounts import services as accounts
from app.core.audit import record_event
from app.core.auth import TENANT_ADMIN, Actor
from app.core.files import ArchiveLimits, storage
from app.core.reach import found
from app.core.tenancy import current_tenant_id, tenant_context
from app.extensions import db
from app.files import services as files
from app.jobs import services as jobs
from app.portability import policy
from app.portability.archive import Progress, _quiet, manifest_summary, write_archive
from app.portability.restore import (
    ImportRefused,
    References,
    existing_tenants,
    open_archive,
    refuse,
    restore,
    verify,
)
from app.tenants import services as tenants

EXPORT = "tenant_export"


# --- export ----------------------------------------------------------------------------------------


def export_tenant(tenant_id: uuid.UUID, target: Path, *, actor: Actor, progress: Progress = _quiet) -> dict:
    """Write the tenant's archive to ``target`` (the operator's command line); returns its manifest and
    records the export in the platform's audit log."""
    tenant = found(tenants.find_tenant(tenant_id))
    policy.require(actor, "tenant.export_any", tenant)
    with tenant_context(tenant.id):
        manifest = write_archive(tenant.id, target, storage_path=storage().path, progress=progress)
    details = manifest_summary(manifest)
    record_event("tenant.exported", object_type="Tenant", object_id=str(tenant.id), details=details)
    return manifest


def start_export(*, actor: Actor, locale: str = "id"):
    """A tenant administrator starts the export of their own tenant; the run's page follows it."""
    policy.require(actor, "tenant.export")
    return jobs.start_job(EXPORT, actor=actor, locale=locale)


def exports_query(*, actor: Actor) -> Select:
    """The current tenant's export runs, newest first."""
    policy.require(actor, "tenant.export")
    return jobs.jobs_query(actor=actor).filter_by(kind=EXPORT)


@contextmanager
def as_operator_in(tenant_id: uuid.UUID, *, actor: Actor) -> Iterator[Actor]:
    """The platform operator acting in a tenant for its export, as its administrator would."""
    tenant = found(tenants.find_tenant(tenant_id))
    policy.require(actor, "tenant.export_any", tenant)
    with tenant_context(tenant.id):
        yield Actor(user_id=actor.user_id, platform_role=actor.platform_role, tenant_role=TENANT_ADMIN)


def start_export_for(tenant_id: uuid.UUID, *, actor: Actor, locale: str = "id"):
    """The platform operator starts a tenant's export: a run of the system in that tenant (the operator
    is not its member), saying in the tenant's audit log and the platform's who asked."""
    with as_operator_in(tenant_id, actor=actor):
        run = jobs.enqueue(EXPORT, current_tenant_id(), None, locale=locale, operator_id=str(actor.user_id))
        record_event("tenant.export_started", object_type="JobRun", object_id=str(run.id))
    record_event("tenant.export_started", object_type="Tenant", object_id=str(tenant_id))
    return run


def export_runs_for(tenant_id: uuid.UUID, *, actor: Actor) -> list:
    """The tenant's export runs for the operator's page, with live progress, newest first."""
    with as_operator_in(tenant_id, actor=actor) as tenant_actor:
        runs = list(db.session.scalars(exports_query(actor=tenant_actor).limit(20)))
        return jobs.with_live_progress(runs, actor=tenant_actor)


def export_file_for(tenant_id: uuid.UUID, run_id: uuid.UUID, *, actor: Actor):
    """The ZIP of one of the tenant's export runs, for the operator: (stored file, path on disk)."""
    with as_operator_in(tenant_id, actor=actor) as tenant_actor:
        run = jobs.get_job(run_id, actor=tenant_actor)
        if run.kind != EXPORT or run.result_file_id is None:
            found(None)
        stored = files.get_file(run.result_file_id, actor=tenant_actor)
        return stored, files.content_path(stored)


# --- import ----------------------------------------------------------------------------------------


def _import_limits() -> ArchiveLimits:
    """The upload limits of a ZIP, scaled to a whole tenant: its files and rows may be many and large,
    the packing ratio a ZIP bomb needs stays refused."""
    config = current_app.config
    return ArchiveLimits(
        config["TENANT_IMPORT_MAX_UNPACKED_BYTES"],
        config["TENANT_IMPORT_MAX_ENTRIES"],
        config["UPLOAD_MAX_COMPRESSION_RATIO"],
    )


def import_tenant(source: Path, *, actor: Actor, replace: bool = False, progress: Progress = _quiet) -> dict:
    """Restore the tenant of the archive at ``source``; refused with the reason, writing nothing, for a
    damaged or foreign archive, an existing tenant (unless ``replace``), or missing reference data.
    The caller commits. Returns the manifest."""
    policy.require(actor, "tenant.import")
    archive = open_archive(source, _import_limits())
    try:
        verify(archive, progress)
        _check_place(archive, replace)
        counts = restore(archive, References(_person), replace=replace, progress=progress)
    finally:
        archive.zip.close()
    manifest = archive.manifest
    details = {**manifest_summary(manifest), "replace": replace, "rows": sum(counts.values())}
    record_event("tenant.imported", object_type="Tenant", object_id=str(archive.tenant_id), details=details)
    return manifest


def _check_place(archive, replace: bool) -> None:
    found_here = existing_tenants(archive)
    slug = archive.tenant["slug"]
    if not found_here:
        if replace:
            raise refuse(_l("There is no tenant %(slug)s here to replace.", slug=slug))
        return
    if not replace:
        raise refuse(
            _l(
                "The tenant %(slug)s already exists here (or another holds its address or region): nothing "
                "was imported. Use --replace to replace it.",
                slug=found_here[0].slug,
            )
        )
    others = [t for t in found_here if t.id != archive.tenant_id]
    if others:
        raise refuse(
            _l(
                "The tenant %(slug)s here is another tenant than the one in the archive (another id): it is "
                "not replaced.",
                slug=others[0].slug,
            )
        )


def _person(email: str, name: str) -> uuid.UUID:
    """A person the tenant names who has no account here: created without a password."""
    return accounts.create_user(email, name).id


__all__ = ["ImportRefused"]
