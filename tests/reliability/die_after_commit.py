"""A web process that dies right after committing a job and before handing it to the queue.

    python -m tests.reliability.die_after_commit <tenant-slug> <admin-email> <kind>

Builds the app from the environment (as the web process does), starts ``kind`` as the admin and commits;
the first thing after the commit is SIGKILL, before the jobs package's own after-commit hand-over.
"""

import os
import signal
import sys

from sqlalchemy import event
from sqlalchemy.orm import Session

import tests.support.jobkinds  # noqa: F401 - the test job kinds
from app import create_app
from app.accounts import services as accounts
from app.core.tenancy import tenant_context
from app.extensions import db
from app.jobs import services as jobs
from app.tenants import services as tenants


def main(slug: str, email: str, kind: str) -> None:
    app = create_app()
    with app.app_context():
        tenant = tenants.find_tenant_by_slug(slug)
        user = accounts.find_user_by_email(email)
        with tenant_context(tenant.id):
            actor = tenants.actor_for(user)
            run = jobs.start_job(kind, actor=actor, steps=2, delay=0)
            print(run.id, flush=True)

            @event.listens_for(Session, "after_commit", insert=True)
            def _die(session):
                os.kill(os.getpid(), signal.SIGKILL)

            db.session.commit()


if __name__ == "__main__":
    main(*sys.argv[1:4])
