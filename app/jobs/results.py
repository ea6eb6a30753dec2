"""What job handlers hand back: a result file stored for the run, a link, a line for the requester."""

from dataclasses import dataclass
from typing import BinaryIO

from app.core.errors import DomainError
from app.files import services as files
from app.files.models import StoredFile
from app.jobs.progress import running_job

OWNER_TYPE = "job_run"


@dataclass
class JobResult:
    file: StoredFile | None = None
    url: str | None = None
    message: str | None = None
    # The job checked its input and refused it, writing nothing but ``file`` (a report of what is wrong):
    # the run ends failed, with ``message`` as its error, and is not retried (the same input gives the same
    # report). ``url`` then leads to where the input is corrected.
    refused: bool = False


class JobFailed(DomainError):
    """A job cannot do its work; the message is shown to the requester as it is."""

    status = 422
    code = "job_failed"


def store_result(source: BinaryIO, filename: str) -> StoredFile:
    """Store the running job's result file; it is written with the job's outcome, or not at all."""
    job = running_job()
    return files.store_generated(
        source, filename, owner_type=OWNER_TYPE, owner_id=job.run_id, actor=job.actor
    )
