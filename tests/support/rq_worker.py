"""rq's own ``rq worker`` command, with the test job kinds registered first.

python -m tests.support.rq_worker worker --url redis://... --worker-class app.jobs.worker.Worker QUEUE
"""

import sys

from rq.cli import main

import tests.support.jobkinds  # noqa: F401 - registers the test job kinds

if __name__ == "__main__":
    sys.exit(main())
