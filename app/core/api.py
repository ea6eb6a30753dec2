"""Project-local flask-smorest base classes: error shape, pagination and ETags."""

import flask_smorest
from flask_smorest.pagination import PaginationParameters
from sqlalchemy import func, select

from app.core import bounds
from app.core.errors import handle_http_exception
from app.core.openapi import DocumentedApi, DocumentedBlueprint, check_operation_ids

__all__ = ["Api", "Blueprint", "PaginationParameters", "paginate_query"]


class Api(DocumentedApi, flask_smorest.Api):
    """The API and its OpenAPI document (``app.core.openapi``: error shape, operationIds, tags)."""

    def _register_error_handlers(self):
        # create_app registers one handler for pages and API alike (HTML for pages, JSON for /api/).
        pass

    def handle_http_exception(self, error):
        return handle_http_exception(error)


class Blueprint(DocumentedBlueprint, flask_smorest.Blueprint):
    """Blueprint with the project's defaults: every list paginates, 20 rows a page, 100 at most, and a
    page number within ``bounds.PAGE_MAX``."""

    DEFAULT_PAGINATION_PARAMETERS = {
        "page": 1,
        "page_size": bounds.PAGE_SIZE,
        "max_page_size": bounds.PAGE_SIZE_MAX,
    }

    def paginate(self, pager=None, *, page=None, page_size=None, max_page_size=None):
        """flask-smorest's pagination with a bounded page number (its own has no maximum, so a page of
        10**19 overflowed the database's row offset) and whole numbers only (1.5 is not page 1). The
        fields are set on the query schema the decorator made, so requests are checked (422 naming the
        parameter) and the OpenAPI spec shows the bounds."""
        defaults = self.DEFAULT_PAGINATION_PARAMETERS
        page = page or defaults["page"]
        page_size = page_size or defaults["page_size"]
        max_page_size = max_page_size or defaults["max_page_size"]
        decorate = super().paginate(pager, page=page, page_size=page_size, max_page_size=max_page_size)

        def decorator(func):
            view = decorate(func)
            query_fields = view._apidoc["pagination"]["parameters"]["schema"]._declared_fields
            query_fields["page"] = bounds.Integer(minimum=1, maximum=bounds.PAGE_MAX, load_default=page)
            query_fields["page_size"] = bounds.Integer(
                minimum=1, maximum=max_page_size, load_default=page_size
            )
            return view

        return decorator


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
    check_operation_ids(api.spec.to_dict())
