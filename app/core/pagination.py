"""One page of a list for server-rendered pages: two queries (count and rows) whatever the list's size."""

import math
from dataclasses import dataclass

from sqlalchemy import func, select


@dataclass
class PageOf:
    items: list
    page: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def page_number(raw) -> int:
    """The page asked for in a query string; anything odd means the first page."""
    try:
        return max(1, int(raw))
    except (TypeError, ValueError):
        return 1


def paginate(session, stmt, page: int, size: int, *, rows: bool = False) -> PageOf:
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    page = min(page, max(1, math.ceil(total / size)))
    query = stmt.limit(size).offset((page - 1) * size)
    items = session.execute(query).all() if rows else session.scalars(query).all()
    return PageOf(list(items), page, size, total)
