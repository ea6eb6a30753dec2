"""Sending a stored file to whoever was allowed to read it."""

from app.core import files as core_files
from app.files import services
from app.files.models import StoredFile


def send_stored(stored: StoredFile):
    """The file as a download, never rendered inline: evidence can be anything a member uploaded."""
    return core_files.send_stored(stored, services.content_path(stored))
