"""The menu: each domain registers its pages with the roles that see them; the layout shows the
entries the current actor may use, in the section that fits the page (tenant, ministry, platform)."""

from dataclasses import dataclass

from flask import Flask, g, request, url_for
from flask_babel import LazyString


@dataclass(frozen=True)
class NavItem:
    section: str  # "tenant", "ministry" or "platform"
    endpoint: str
    label: LazyString | str
    roles: tuple[str, ...] = ()  # empty: every member of the section
    order: int = 50


_items: list[NavItem] = []


def register_nav(section: str, endpoint: str, label, roles: tuple[str, ...] = (), order: int = 50) -> None:
    if not any(i.endpoint == endpoint for i in _items):
        _items.append(NavItem(section, endpoint, label, roles, order))


def _visible(item: NavItem) -> bool:
    actor = g.get("actor")
    if actor is None or actor.user_id is None:
        return False
    if item.section == "tenant":
        return (
            g.get("tenant") is not None
            and actor.tenant_role is not None
            and (not item.roles or actor.tenant_role in item.roles)
        )
    return actor.platform_role is not None and (not item.roles or actor.platform_role in item.roles)


def nav_items() -> list[dict]:
    entries = []
    for item in sorted(_items, key=lambda i: (i.section, i.order)):
        if not _visible(item):
            continue
        url = url_for(item.endpoint)
        entries.append(
            {
                "url": url,
                "label": item.label,
                "section": item.section,
                "active": request.path == url or (url != "/" and request.path.startswith(url + "/")),
            }
        )
    return entries


def init_app(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
