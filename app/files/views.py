"""Pages: download a stored file (links from job results, evidence lists)."""

from flask import Blueprint, g

from app.files import services
from app.files.download import send_stored

bp = Blueprint("files", __name__, url_prefix="/t/<tenant>/files")


@bp.get("/<uuid:stored_file_id>")
def download(stored_file_id):
    return send_stored(services.get_file(stored_file_id, actor=g.actor))
