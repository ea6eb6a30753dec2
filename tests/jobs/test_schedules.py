"""The schedule list runs by itself: rq's cron scheduler (the Procfile's ``scheduler``) fires each scheduled
job onto a real rq worker, and on the embedded default the ticker fires the same function inline. Either
way the run goes through the same runner, is kept as a platform run, and a tick fired twice (two
schedulers, the same tick again) does its work once."""

import uuid
from datetime import UTC, datetime, timedelta

from rq.cron import CronScheduler
from rq.registry import StartedJobRegistry
from sqlalchemy import select, text

from app.accounts import services as accounts
from app.accounts.models import UserSession
from app.core.db import as_utc, utcnow
from app.core.job_progress import progress_store, redis_connection
from app.extensions import db
from app.jobs import services as jobs
from app.jobs.models import PlatformJobDoneKey, PlatformJobRun
from app.jobs.schedules import Ticker
from tests.support.jobkinds import CLAIMED
from tests.support.waiting import wait_for

NIGHT = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)  # the ticker's clock: the nightly clean-up fires at 19:00


class Sessions:
    """Sign-in sessions of one person in each state the nightly clean-up tells apart."""

    def __init__(self, app):
        self.app = app
        with app.app_context():
            self.user_id = accounts.create_user("sesi@kotacerdas.test", "Pemilik Sesi", None).id
            self.valid = self._open(timedelta(hours=8))
            self.expired = self._open(timedelta(seconds=-1))
            self.ended_long_ago = self._open(timedelta(hours=8), ended_days_ago=40)
            self.ended_lately = self._open(timedelta(hours=8), ended_days_ago=5)
            db.session.commit()

    def _open(self, lifetime: timedelta, ended_days_ago: int | None = None) -> uuid.UUID:
        login, _secret = accounts.open_session(self.user_id, via=accounts.VIA_PASSWORD, lifetime=lifetime)
        if ended_days_ago is not None:
            accounts.end_session(login, "signed_out")
            login.ended_at = utcnow() - timedelta(days=ended_days_ago)
        return login.id

    def another_expired(self) -> uuid.UUID:
        with self.app.app_context():
            login_id = self._open(timedelta(seconds=-1))
            db.session.commit()
            return login_id

    def state(self, login_id) -> str:
        """open, ended (with its reason) or gone."""
        with self.app.app_context():
            login = db.session.get(UserSession, login_id)
            if login is None:
                return "gone"
            return "open" if login.ended_at is None else f"ended: {login.end_reason}"


def platform_runs(app, kind: str) -> list[tuple[str, str, str | None]]:
    """(status, tick, message) of the platform's runs of ``kind``, oldest first."""
    with app.app_context():
        runs = db.session.scalars(
            select(PlatformJobRun).where(PlatformJobRun.kind == kind).order_by(PlatformJobRun.id)
        ).all()
        return [(r.status, r.params.get("tick"), r.message) for r in runs]


def finished_runs(app, kind: str, count: int, timeout: float = 30):
    def ended():
        runs = platform_runs(app, kind)
        done = [r for r in runs if r[0] in ("succeeded", "failed")]
        return runs if len(done) >= count else None

    return wait_for(ended, timeout=timeout, what=f"{count} finished run(s) of {kind}")


# --- production: rq's cron scheduler and a real rq worker ---------------------------------------------


def test_rq_cron_with_the_procfiles_configuration_fires_a_schedule_that_a_worker_runs_and_records(
    queue_app, workers
):
    queue = queue_app.config["JOBS_QUEUE"]
    workers.start(queue)
    workers.start_cron(queue)  # an interval schedule (test_tick, hourly) fires as soon as it starts

    [(status, tick, message)] = finished_runs(queue_app, "test_tick", 1)

    assert status == "succeeded"
    started = datetime.fromisoformat(tick)
    assert started.minute == started.second == 0 and utcnow() - started < timedelta(hours=1)
    assert message == f"ticked {tick}"
    with queue_app.app_context():
        assert db.session.get(PlatformJobDoneKey, f"test_tick@{tick}") is not None


def test_the_nightly_session_clean_up_fired_by_the_cron_configuration_runs_on_a_worker_and_a_second_fire_of_the_tick_does_nothing(  # noqa: E501
    on_worker,
):
    sessions = Sessions(on_worker)
    with on_worker.app_context():
        scheduler = CronScheduler(connection=redis_connection())
        scheduler.load_config_from_file("app.jobs.cron")
        nightly = next(job for job in scheduler.get_jobs() if job.name == "sessions_purge")
        assert nightly.cron == "0 19 * * *"  # 02:00 WIB
        nightly.enqueue(redis_connection())  # what the scheduler does when 19:00 UTC comes

    # The worker's app writes the run's message in the platform's language (Indonesian): the facts tell.
    [(status, tick, _message)] = finished_runs(on_worker, "sessions_purge", 1)

    assert status == "succeeded"
    assert as_utc(datetime.fromisoformat(tick)).hour == 19
    assert sessions.state(sessions.valid) == "open"
    assert sessions.state(sessions.expired) == "ended: expired"
    assert sessions.state(sessions.ended_long_ago) == "gone"
    assert sessions.state(sessions.ended_lately) == "ended: signed_out"

    # A second scheduler (or the same tick fired again) starts a run that does nothing.
    late = sessions.another_expired()
    with on_worker.app_context():
        nightly.enqueue(redis_connection())
    first, second = finished_runs(on_worker, "sessions_purge", 2)
    assert second[0] == "succeeded" and second[1] == tick
    assert sessions.state(late) == "open"
    with on_worker.app_context():
        runs = db.session.scalars(select(PlatformJobRun.id).order_by(PlatformJobRun.id)).all()
        done = db.session.scalars(select(PlatformJobDoneKey)).all()
    assert [(key.key, key.run_id) for key in done] == [(f"sessions_purge@{tick}", runs[0])]


def _sessions_waiting_on_a_lock() -> int:
    count = db.session.execute(text("select count(*) from pg_stat_activity where wait_event_type = 'Lock'"))
    count = count.scalar()
    db.session.rollback()  # PostgreSQL shows pg_stat_activity as it was when the transaction began
    return count


def test_two_runs_of_the_same_tick_at_once_on_two_workers_do_the_work_once(queue_app, workers, tmp_path):
    """Two schedulers firing the same tick at the same moment: the second run waits on the first's claim
    and, once the first's work is committed, does nothing."""
    queue, signal = queue_app.config["JOBS_QUEUE"], tmp_path / "go"
    with queue_app.app_context():
        tick = utcnow().replace(minute=0, second=0, microsecond=0).isoformat()
        ids = [jobs.enqueue_platform("test_claim", tick=tick, signal=str(signal)).id for _ in range(2)]
        db.session.commit()
    workers.start(queue)
    workers.start(queue)

    def claimed():
        with queue_app.app_context():
            live = progress_store().get_many(ids)
        return [run_id for run_id, (_pct, message) in live.items() if CLAIMED in message]

    holder = wait_for(claimed, timeout=60, what="one run to claim the tick")
    with queue_app.app_context():
        started = StartedJobRegistry(queue, connection=redis_connection())
        wait_for(lambda: started.count == 2, timeout=60, what="the other run to start on the other worker")
        if db.engine.dialect.name == "postgresql":
            # The other run is held at the claim (SQLite has one writer: it waits before it even starts).
            assert wait_for(_sessions_waiting_on_a_lock, what="the other run to wait on the claim") == 1
    signal.touch()

    runs = finished_runs(queue_app, "test_claim", 2)
    assert sorted(message for _status, _tick, message in runs) == ["already done", "did the work"]
    assert {status for status, _tick, _message in runs} == {"succeeded"}
    with queue_app.app_context():
        assert db.session.get(PlatformJobDoneKey, f"test_claim@{tick}").run_id == holder[0]


# --- the embedded default: the ticker, inline ---------------------------------------------------------


def test_the_ticker_fires_the_nightly_clean_up_inline_at_its_time_and_a_second_ticker_does_nothing_more(
    app,
):
    sessions = Sessions(app)
    ticker = Ticker(app, NIGHT)
    assert ticker.tick(NIGHT + timedelta(minutes=1)) == []  # nothing is due yet
    assert platform_runs(app, "sessions_purge") == []

    ticker.tick(datetime(2030, 1, 1, 19, 0, 5, tzinfo=UTC))  # the run has ended when tick returns

    [(status, tick, message)] = platform_runs(app, "sessions_purge")
    assert (status, tick) == ("succeeded", "2030-01-01T19:00:00+00:00")
    assert message == "Expired sessions ended: 1. Sessions ended over 30 days ago deleted: 1."
    assert sessions.state(sessions.expired) == "ended: expired"
    assert sessions.state(sessions.ended_long_ago) == "gone"
    assert ticker.tick(datetime(2030, 1, 1, 19, 0, 25, tzinfo=UTC)) == []  # the same slot: not again

    # A second server process with its own ticker fires the same tick: its run does nothing.
    late = sessions.another_expired()
    Ticker(app, NIGHT).tick(datetime(2030, 1, 1, 19, 0, 6, tzinfo=UTC))
    runs = platform_runs(app, "sessions_purge")
    assert [(s, t) for s, t, _m in runs] == [("succeeded", tick), ("succeeded", tick)]
    assert runs[1][2].startswith("Already done for ")
    assert sessions.state(late) == "open"

    # The next night is a new tick.
    ticker.tick(datetime(2030, 1, 2, 19, 0, 5, tzinfo=UTC))
    assert platform_runs(app, "sessions_purge")[-1][:2] == ("succeeded", "2030-01-02T19:00:00+00:00")
    assert sessions.state(late) == "ended: expired"
