"""Mails the jobs domain sends."""

from app.accounts import services as accounts
from app.core.jobs import get_kind
from app.core.mail import external_url, send_template
from app.core.reach import found
from app.jobs.models import JobRun
from app.tenants import services as tenants


def send_job_finished(run: JobRun) -> None:
    """Tell the requester their job ended, in the language they asked in, with a link to it."""
    user = found(accounts.find_user(run.requested_by))
    tenant = found(tenants.find_tenant(run.tenant_id))
    spec = get_kind(run.kind)
    send_template(
        user.email,
        "job_finished",
        locale=run.locale,
        run=run,
        user=user,
        tenant=tenant,
        kind_label=spec.label if spec else run.kind,
        link=external_url("jobs.job", tenant=tenant.slug, job_run_id=run.id),
    )
