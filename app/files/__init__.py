"""Stored files: uploads for evidence and imports, and files the platform generates."""

from app.core.paths import register_path_param
from app.files.models import StoredFile

register_path_param("stored_file_id", StoredFile)


def init_app(app) -> None:
    from app.core.api import register_api
    from app.files import api, views

    app.register_blueprint(views.bp)
    register_api(app, *api.blueprints)
