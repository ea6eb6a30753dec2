"""The export job: a tenant's archive written in the background, with its progress, stored as the run's
result."""

import tempfile
from pathlib import Path

from flask import g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core.audit import record_event
from app.core.auth import TENANT_ADMIN, Actor
from app.core.db import utcnow
from app.core.files import storage
from app.core.i18n import format_number
from app.core.job_progress import report_progress, running_job
from app.core.jobs import JobResult, job_kind
from app.files import services as files
from app.portability import policy
from app.portability.archive import manifest_summary, write_archive
from app.portability.services import EXPORT


@job_kind(EXPORT, label=_l("Tenant export (ZIP)"), roles=(TENANT_ADMIN,), retries=2)
def export_job(*, actor: Actor, operator_id: str | None = None) -> JobResult:
    """Everything the tenant holds, as one ZIP; nothing is written but the file and the audit entry, so
    a failed attempt can simply run again. The run itself is left out: it is still running."""
    policy.require(actor, "tenant.export")
    run = running_job()
    tenant = g.tenant

    def progress(percent: int, table: str) -> None:
        report_progress(percent, _("Writing %(table)s", table=table))

    with tempfile.TemporaryDirectory(prefix="kc-export-") as folder:
        path = Path(folder) / "export.zip"
        manifest = write_archive(
            tenant.id, path, storage_path=storage().path, progress=progress, skip={("job_runs", run.run_id)}
        )
        report_progress(90, _("Saving the archive"))
        with path.open("rb") as handle:
            stored = files.store_job_result(handle, f"{tenant.slug}-{utcnow():%Y-%m-%d}.zip")
    details = {**manifest_summary(manifest), "operator_id": operator_id}
    record_event("tenant.exported", object_type="Tenant", object_id=str(tenant.id), details=details)
    rows = sum(entry["rows"] for entry in manifest["tables"])
    return JobResult(
        file=stored,
        message=_(
            "%(rows)s rows of %(tables)s tables and %(files)s files exported.",
            rows=format_number(rows),
            tables=format_number(len(manifest["tables"])),
            files=format_number(manifest["files"]["count"]),
        ),
    )
