"""What the daily reminder job reminds people of, registered by each domain: reports due or overdue
(progress reporting), overdue action items (the council). The jobs package runs the job in every tenant
without knowing the domains above it.

A domain registers a function ``send(actor, today, claim)`` that queues its reminders for one tenant and
returns how many it queued. ``today`` is the tenant's date. ``claim(key)`` answers True once per key, ever:
a domain sends a reminder only after claiming its key (one per person, subject and kind), so a job that
runs twice reminds nobody twice.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from app.core.auth import Actor

Claim = Callable[[str], bool]


@dataclass(frozen=True)
class ReminderSource:
    name: str
    label: object  # lazy text: what the job's message calls these reminders
    send: Callable[[Actor, date, Claim], int]


_sources: dict[str, ReminderSource] = {}


def register_reminders(name: str, label, send: Callable[[Actor, date, Claim], int]) -> None:
    """Have the daily reminder job call ``send(actor, today, claim)`` in every active tenant."""
    _sources[name] = ReminderSource(name, label, send)


def reminder_sources() -> list[ReminderSource]:
    return sorted(_sources.values(), key=lambda source: source.name)
