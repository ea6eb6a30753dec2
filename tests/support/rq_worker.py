"""rq's own ``rq worker`` (and ``rq cron``) command, with the test job kinds registered first.

    python -m tests.support.rq_worker worker --url redis://... --worker-class app.jobs.worker.Worker QUEUE
    python -m tests.support.rq_worker cron --url redis://... app.jobs.cron

With ``KC_TEST_PACE_SECONDS`` set, the members export pauses after each progress report (browser tests).
"""

import os
import sys

from rq.cli import main

from tests.support.jobkinds import pace_members_export

if __name__ == "__main__":
    if os.environ.get("KC_TEST_PACE_SECONDS"):
        pace_members_export(float(os.environ["KC_TEST_PACE_SECONDS"]))
    sys.exit(main())
