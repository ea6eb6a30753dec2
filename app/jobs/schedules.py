"""Running the schedule list: rq's cron scheduler in production, a small ticker on the embedded default.

Both start a scheduled job the same way, ``fire(kind)``: a platform run is recorded for the time slot
the schedule is in (``tick``) and handed over like any run (to an rq worker, or inline), so it goes
through the same runner and is kept on the platform's jobs page.

* Production: the Procfile's ``scheduler`` process runs ``rq cron app.jobs.cron``, which registers
  ``fire`` for each schedule; a worker then runs ``fire``, which queues the run itself.
* Embedded default (no Redis): the run command's process (``JOBS_TICKER=1``) starts a daemon thread that
  calls ``Ticker.tick`` every few seconds; a new slot of a schedule fires it inline.

Neither guards against a second scheduler: the jobs do (``once``), so a tick fired twice does its
work once.
"""

import logging
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

from croniter import croniter
from flask import Flask

from app.core.db import as_utc, utcnow
from app.core.jobs import Schedule, get_schedule, schedules
from app.extensions import db

log = logging.getLogger("kotacerdas.jobs")
TICK_SECONDS = 20


def slot(schedule: Schedule, now: datetime) -> datetime:
    """The scheduled time ``now`` belongs to: the latest time of the cron expression at or before it,
    or the start of the interval it falls in (intervals counted from the Unix epoch, UTC)."""
    now = as_utc(now)
    if schedule.every:
        start = int(now.timestamp()) // schedule.every * schedule.every
        return datetime.fromtimestamp(start, UTC)
    # croniter looks strictly before its start: a microsecond later makes "at or before".
    return croniter(schedule.cron, now + timedelta(microseconds=1)).get_prev(datetime)


def next_time(schedule: Schedule, now: datetime) -> datetime:
    """When the schedule fires next after ``now``."""
    if schedule.every:
        return slot(schedule, now) + timedelta(seconds=schedule.every)
    return croniter(schedule.cron, as_utc(now)).get_next(datetime)


def fire(kind: str, now: datetime | None = None, app: Flask | None = None) -> uuid.UUID:
    """Start scheduled job ``kind`` for the slot ``now`` falls in: what rq's cron scheduler enqueues and
    the ticker calls. Returns the platform run's id."""
    from app.jobs import services
    from app.jobs.worker import get_app

    schedule = get_schedule(kind)
    if schedule is None:
        raise LookupError(f"{kind!r} is not on the schedule list")
    tick = slot(schedule, now or utcnow()).isoformat()
    with (app or get_app()).app_context():
        run = services.enqueue_platform(kind, tick=tick)
        db.session.commit()  # handed over now: to rq, or run inline in this thread
        return run.id


class Ticker:
    """The embedded default's scheduler: fires each scheduled job when a new slot of its schedule has
    begun since the last tick (not for the slot it starts in, as rq's cron scheduler does for cron)."""

    def __init__(self, app: Flask, now: datetime):
        self.app = app
        self.last = {s.kind: slot(s, now) for s in schedules()}

    def tick(self, now: datetime) -> list[uuid.UUID]:
        """Fire the schedules whose slot changed; returns the runs started (already run: inline)."""
        started = []
        for schedule in schedules():
            current = slot(schedule, now)
            if self.last.get(schedule.kind) == current:
                continue
            self.last[schedule.kind] = current
            try:
                started.append(fire(schedule.kind, now, self.app))
            except Exception:  # noqa: BLE001 - one schedule that cannot start must not stop the others
                log.exception("scheduled job %s could not start", schedule.kind)
        return started


def start_ticker(app: Flask) -> threading.Thread:
    """Start the ticker in a daemon thread of this process (the embedded default's run command)."""

    from app.jobs.watch import sweep

    def loop() -> None:
        ticker = None
        while True:
            time.sleep(TICK_SECONDS)
            if ticker is None:
                # Built after the first pause: by then every domain has declared its schedules.
                ticker = Ticker(app, utcnow())
                log.info("job schedule ticker started: %s", ", ".join(s.kind for s in schedules()))
                continue
            ticker.tick(utcnow())
            sweep(app)  # the embedded default has no scheduler process: jobs never stuck here too

    thread = threading.Thread(target=loop, name="jobs-ticker", daemon=True)
    thread.start()
    return thread
