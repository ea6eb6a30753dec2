"""Mails progress reporting sends: a submitted report to the secretariat, a verified or returned one to its
OPD. They are written inside the change's transaction and sent once it commits, so a refused or rolled
back step mails nobody."""

from flask_babel import force_locale, format_date

from app.core.auth import PLANNER, TENANT_ADMIN, Actor
from app.core.mail import external_url, render_mail, send_after_commit
from app.core.tenancy import current_tenant_id
from app.extensions import db
from app.masterplan import services as masterplans
from app.reporting.models import VERIFIED, ProgressReport
from app.tenants import services as tenants


def report_submitted(report: ProgressReport, *, actor: Actor) -> None:
    """Tell the tenant administrators and planners a report waits for them."""
    system = Actor.system(current_tenant_id())
    people = [
        user
        for _membership, user in db.session.execute(tenants.members_query(actor=system))
        if _membership.role in (TENANT_ADMIN, PLANNER) and user.id != actor.user_id
    ]
    _queue("report_submitted", report, people, system)


def report_decided(report: ProgressReport, *, actor: Actor) -> None:
    """Tell the report's OPD (its operators, and whoever submitted it) that it was verified or returned."""
    system = Actor.system(current_tenant_id())
    people = [user for user, opd_ids in tenants.opd_operators(actor=system) if report.opd_id in opd_ids]
    if report.submitted_by is not None and report.submitted_by not in {u.id for u in people}:
        members = db.session.execute(tenants.members_query(actor=system))
        people += [user for _m, user in members if user.id == report.submitted_by]
    name = "report_verified" if report.status == VERIFIED else "report_returned"
    _queue(name, report, [u for u in people if u.id != actor.user_id], system)


def _queue(name: str, report: ProgressReport, people: list, system: Actor) -> None:
    if not people:
        return
    from app.reporting.periods import find_period, period_label

    tenant = tenants.get_tenant(current_tenant_id(), actor=system)
    program = masterplans.get_program(report.program_id, actor=system).program
    period = find_period(report.period_id)
    link = external_url("reporting.report", tenant=tenant.slug, report_id=report.id)
    for user in people:
        locale = user.locale or "id"
        with force_locale(locale):
            label = period_label(period)
        subject, body = render_mail(
            name,
            locale,
            tenant=tenant,
            program=program,
            period_label=label,
            report=report,
            link=link,
            user=user,
        )
        send_after_commit(user.email, subject, body)


def reminder(user, period, kind: str, programs: list, *, actor: Actor) -> None:
    """Remind an OPD operator of the period's reports still to hand in (``kind``: due_soon or overdue)."""
    from app.reporting.periods import period_label

    tenant = tenants.get_tenant(current_tenant_id(), actor=actor)
    locale = user.locale or "id"
    with force_locale(locale):
        label = period_label(period)
        due = format_date(period.due_on, "long")
    subject, body = render_mail(
        f"report_{kind}",
        locale,
        tenant=tenant,
        period=period,
        period_label=label,
        due=due,
        programs=programs,
        link=external_url("reporting.grid", tenant=tenant.slug, period_id=period.id),
        user=user,
    )
    send_after_commit(user.email, subject, body)
