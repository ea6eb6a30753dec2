"""The daily reminder job: in every active tenant, each registered source (app.core.reminders) queues its
reminders for the tenant's date, and they are mailed once the tenant's part commits.

01:00 UTC is 08:00 WIB, 09:00 WITA and 10:00 WIT: the morning of the working day everywhere. Each
reminder is claimed under its own key (``once``) in the tenant's transaction, so a tick fired twice, or a
run started again, reminds nobody twice, and a tenant's part that fails claims nothing and mails nobody.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core.auth import TENANT_ADMIN
from app.core.jobs import JobResult, job_kind, scheduled
from app.core.reminders import reminder_sources
from app.core.tenancy import current_tenant_id
from app.jobs.idempotency import once
from app.jobs.platform import fan_out
from app.tenants import services as tenants


@scheduled("reminders", cron="0 1 * * *")
@job_kind("reminders", label=_l("Send reminders"), platform=True)
def send_all_reminders(*, actor, tick: str) -> JobResult | None:
    """In every active tenant, send the reminders due today (reports, action items)."""
    if not once(f"reminders@{tick}"):
        return JobResult(message=_("Already done for this day."))
    fan_out("tenant_reminders", tick=tick)
    return None


@job_kind("tenant_reminders", label=_l("Send reminders"), roles=(TENANT_ADMIN,))
def send_tenant_reminders(*, actor, tick: str) -> JobResult:
    """This tenant's part: each source's reminders for the tenant's date, each person reminded once."""
    tenant = tenants.get_tenant(current_tenant_id(), actor=actor)
    today = datetime.fromisoformat(tick).astimezone(ZoneInfo(tenant.timezone)).date()
    counts = [(source.label, source.send(actor, today, once)) for source in reminder_sources()]
    summary = "; ".join(f"{label}: {count}" for label, count in counts)
    return JobResult(message=_("Reminders sent. %(summary)s", summary=summary or "0"))
