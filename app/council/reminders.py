"""Reminders of overdue action items, sent by the daily reminder job: each person to remind (the owner
OPD's operators, or the member who owns the item) gets one mail listing the items newly overdue for
them; an item reminds each person once."""

import hashlib
from collections import defaultdict
from datetime import date

from flask_babel import force_locale, format_date
from flask_babel import lazy_gettext as _l

from app.core.auth import Actor
from app.core.mail import external_url, render_mail, send_after_commit
from app.core.reminders import Claim
from app.core.tenancy import current_tenant_id
from app.council import services
from app.tenants import services as tenants

LABEL = _l("overdue action items")


def send_reminders(actor: Actor, today: date, claim: Claim) -> int:
    """Queue the overdue action items' reminders for ``today``; returns how many people are reminded."""
    due: dict[str, list] = defaultdict(list)
    people = {}
    for overdue in services.overdue_action_items(actor=actor, today=today):
        for person in overdue.people:
            who = str(person.user_id) if person.user_id else _digest(person.email)
            if claim(f"action-item-overdue:{overdue.item.id}:{who}"):
                due[who].append(overdue)
                people[who] = person
    if not due:
        return 0
    tenant = tenants.get_tenant(current_tenant_id(), actor=actor)
    for who, items in due.items():
        person = people[who]
        locale = person.locale or "id"
        with force_locale(locale):
            dates = {item.item.id: format_date(item.due_on, "long") for item in items}
        subject, body = render_mail(
            "action_items_overdue",
            locale,
            tenant=tenant,
            person=person,
            items=items,
            dates=dates,
            link=external_url("council.action_items", tenant=tenant.slug, overdue="1"),
        )
        send_after_commit(person.email, subject, body)
    return len(due)


def _digest(email: str) -> str:
    # A member who is no user is known by their address; the key holds its digest, not the address.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
