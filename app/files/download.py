"""Sending a stored file to whoever was allowed to read it."""

from flask import send_file

from app.files import services
from app.files.models import StoredFile


def send_stored(stored: StoredFile):
    """The file as a download, never rendered inline: evidence can be anything a member uploaded."""
    response = send_file(
        services.content_path(stored),
        mimetype=stored.content_type,
        as_attachment=True,
        download_name=stored.filename,
        etag=stored.sha256,
        conditional=False,  # no-store: nothing to revalidate, and If-Match is for writes here
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
