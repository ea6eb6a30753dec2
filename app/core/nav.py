"""The menu: each domain registers its pages with the roles that see them; the layout shows the
entries the current actor may use, grouped by section: the tenant's pages, the ministry's, the platform's.

Tenant entries show only inside an active tenant the caller belongs to; ministry and platform entries
follow the user's platform role (``platform_admin``, ``ministry_admin``, ``evaluator``)."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, g, request, url_for
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

SECTIONS = ("tenant", "ministry", "platform")
SECTION_LABELS = {"tenant": _l("Tenant"), "ministry": _l("Ministry"), "platform": _l("Platform")}


@dataclass(frozen=True)
class NavItem:
    section: str  # one of SECTIONS
    endpoint: str
    label: LazyString | str
    roles: tuple[str, ...] = ()  # empty: every member of the section
    order: int = 50
    when: Callable | None = None  # and only for an actor this accepts (e.g. an evaluator with assignments)


_items: list[NavItem] = []


def register_nav(
    section: str,
    endpoint: str,
    label,
    roles: tuple[str, ...] = (),
    order: int = 50,
    when: Callable | None = None,
) -> None:
    if section not in SECTIONS:
        raise ValueError(f"unknown menu section {section!r}; one of {SECTIONS}")
    if not any(i.endpoint == endpoint for i in _items):
        _items.append(NavItem(section, endpoint, label, roles, order, when))


def _visible(item: NavItem) -> bool:
    actor = g.get("actor")
    if actor is None or actor.user_id is None:
        return False
    # A domain may register entries for pages this deployment does not serve (yet): leave them out.
    if item.endpoint not in current_app.view_functions:
        return False
    if item.section == "tenant":
        tenant = g.get("tenant")
        return (
            tenant is not None
            and getattr(tenant, "is_active", True)
            and actor.tenant_role is not None
            and (not item.roles or actor.tenant_role in item.roles)
        )
    return (
        actor.platform_role is not None
        and (not item.roles or actor.platform_role in item.roles)
        and (item.when is None or item.when(actor))
    )


def _is_active(url: str) -> bool:
    return request.path == url or (not url.endswith("/") and request.path.startswith(url + "/"))


def nav_items() -> list[dict]:
    """The entries the current actor may use, in menu order."""
    entries = []
    for item in sorted(_items, key=lambda i: (SECTIONS.index(i.section), i.order)):
        if not _visible(item):
            continue
        url = url_for(item.endpoint)
        entries.append({"url": url, "label": item.label, "section": item.section, "active": _is_active(url)})
    return entries


def nav_sections() -> list[dict]:
    """The visible entries grouped by section, each with its heading (shown when there are several)."""
    sections: dict[str, dict] = {}
    for entry in nav_items():
        key = entry["section"]
        if key not in sections:
            # The tenant's own pages are headed by its name: "Kota Palopo", beside "Platform".
            label = g.tenant.name if key == "tenant" else SECTION_LABELS[key]
            sections[key] = {"key": key, "label": label, "items": []}
        sections[key]["items"].append(entry)
    return list(sections.values())


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(nav_items=nav_items, nav_sections=nav_sections)
