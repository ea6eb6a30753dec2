"""Nightly housekeeping on the schedule list: old sign-in sessions, long-expired invitations, files on
disk that no row records.

Times are UTC: 19:00 UTC is 02:00 WIB, 03:00 WITA and 04:00 WIT, when nobody works. Each job records
its work under the tick's key (``once``): a tick fired twice, or a run started again, does nothing more.
"""

from datetime import datetime, timedelta

from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts import services as accounts
from app.core.auth import TENANT_ADMIN
from app.core.jobs import JobResult, job_kind, scheduled
from app.files import services as files
from app.jobs.idempotency import once
from app.jobs.platform import fan_out
from app.tenants import services as tenants

ENDED_SESSIONS_KEPT = timedelta(days=30)
EXPIRED_INVITATIONS_KEPT = timedelta(days=30)
# An upload under way has placed its file but not committed its row yet: only older leftovers are removed.
ORPHAN_FILES_GRACE = timedelta(hours=1)


def _already_done(tick: str) -> JobResult:
    return JobResult(
        message=_("Already done for %(when)s.", when=format_datetime(datetime.fromisoformat(tick)))
    )


@scheduled("sessions_purge", cron="0 19 * * *")
@job_kind("sessions_purge", label=_l("Clean up sign-in sessions"), platform=True)
def purge_sessions(*, actor, tick: str) -> JobResult:
    """End expired sign-in sessions and delete those that ended over 30 days ago."""
    if not once(f"sessions_purge@{tick}"):
        return _already_done(tick)
    ended, deleted = accounts.purge_sessions(ENDED_SESSIONS_KEPT, actor=actor)
    return JobResult(
        message=_(
            "Expired sessions ended: %(ended)s. Sessions ended over 30 days ago deleted: %(deleted)s.",
            ended=ended,
            deleted=deleted,
        )
    )


@scheduled("invitations_purge", cron="30 19 * * *")
@job_kind("invitations_purge", label=_l("Remove long-expired invitations"), platform=True)
def purge_invitations(*, actor, tick: str) -> JobResult | None:
    """In every active tenant, remove the invitations that expired over 30 days ago."""
    if not once(f"invitations_purge@{tick}"):
        return _already_done(tick)
    fan_out("tenant_invitations_purge", tick=tick)
    return None


@job_kind("tenant_invitations_purge", label=_l("Remove long-expired invitations"), roles=(TENANT_ADMIN,))
def purge_tenant_invitations(*, actor, tick: str) -> JobResult:
    """This tenant's part: remove its invitations that expired over 30 days ago."""
    if not once(f"invitations_purge@{tick}"):
        return _already_done(tick)
    removed = tenants.purge_expired_invitations(EXPIRED_INVITATIONS_KEPT, actor=actor)
    return JobResult(message=_("Invitations expired over 30 days ago removed: %(count)s.", count=removed))


@scheduled("files_sweep", cron="0 20 * * *")
@job_kind("files_sweep", label=_l("Remove files left without a record"), platform=True)
def sweep_files(*, actor, tick: str) -> JobResult | None:
    """In every active tenant, remove the files on disk that no row records (an upload cut off)."""
    if not once(f"files_sweep@{tick}"):
        return _already_done(tick)
    fan_out("tenant_files_sweep", tick=tick)
    return None


@job_kind("tenant_files_sweep", label=_l("Remove files left without a record"), roles=(TENANT_ADMIN,))
def sweep_tenant_files(*, actor, tick: str) -> JobResult:
    """This tenant's part: remove its files on disk that no row records, older than an hour."""
    if not once(f"files_sweep@{tick}"):
        return _already_done(tick)
    removed = files.remove_orphans(ORPHAN_FILES_GRACE, actor=actor)
    return JobResult(message=_("Files without a record removed: %(count)s.", count=len(removed)))
