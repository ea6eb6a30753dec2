"""Project-local flask-smorest base classes: error shape, pagination and ETags."""

import flask_smorest
from flask_smorest.pagination import PaginationParameters
from sqlalchemy import func, select

from app.core.errors import handle_http_exception

__all__ = ["Api", "Blueprint", "PaginationParameters", "paginate_query"]


class Api(flask_smorest.Api):
    def _register_error_handlers(self):
        # create_app registers one handler for pages and API alike (HTML for pages, JSON for /api/).
        pass

    def handle_http_exception(self, error):
        return handle_http_exception(error)


class Blueprint(flask_smorest.Blueprint):
    """Blueprint with the project's defaults: every list paginates, 20 rows a page, 100 at most."""

    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": 20, "max_page_size": 100}


def paginate_query(session, stmt, pagination_parameters: PaginationParameters, *, rows: bool = False):
    """Run ``stmt`` for one page and set the total for the X-Pagination header: two queries at any size.

    Returns ORM objects, or whole rows with ``rows=True`` (for statements selecting several entities)."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    pagination_parameters.item_count = total
    size = pagination_parameters.page_size
    page = stmt.limit(size).offset((pagination_parameters.page - 1) * size)
    return session.execute(page).all() if rows else session.scalars(page).all()


def register_api(app, *blueprints) -> None:
    """Register API blueprints: documented in the OpenAPI spec, exempt from CSRF (bearer tokens only)."""
    from app.extensions import api, csrf

    for blueprint in blueprints:
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
