"""rq's cron scheduler reads the schedule list from here (the Procfile's ``scheduler`` process):

    rq cron --url "$REDIS_URL" app.jobs.cron

It builds the app from the environment, as a worker does, so every domain has declared its schedules,
and registers ``fire(kind)`` on the jobs queue for each. A worker runs ``fire``, which records the
platform run and queues it. Run one scheduler; a second one would fire each tick twice, which the jobs
absorb (``once``) but which is wasted work.

The scheduler also sweeps the watch list itself, from a thread (``app/jobs/watch.py``): a job whose
worker died is retried or failed even while no worker runs.
"""

from rq import cron

from app.core.jobs import schedules
from app.jobs.schedules import fire
from app.jobs.watch import start_sweeper
from app.jobs.worker import get_app

FIRE_TIMEOUT_SECONDS = 60

_queue = get_app().config["JOBS_QUEUE"]
for _schedule in schedules():
    cron.register(
        fire,
        queue_name=_queue,
        args=(_schedule.kind,),
        cron=_schedule.cron,
        interval=_schedule.every,
        job_timeout=FIRE_TIMEOUT_SECONDS,
        name=_schedule.kind,
    )

start_sweeper(get_app())
