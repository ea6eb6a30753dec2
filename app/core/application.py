"""The application class: Flask, remembering the links it built.

A page builds up to hundreds of links (menu, tabs, one or more per row) and Flask builds each afresh:
the defaults, the rule, the converters, the quoting, a quarter of the masterplan tree's time. A link
inside the site depends only on its endpoint, its values (the tenant's slug among them, added by the
URL defaults) and the address the request came to, so each process keeps the links it built, keyed by
all of these, and answers the same question from memory.
"""

import uuid

from flask import Flask
from flask.globals import _cv_request

# Values a link is kept for: their text never changes. Anything else (a list, an object) is built anew.
PLAIN_VALUES = (str, int, float, bool, uuid.UUID, type(None))
LINKS_KEPT = 20_000  # then the memory starts again, so it stays small however many objects exist


class App(Flask):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._links: dict[tuple, str] = {}

    def url_for(
        self,
        /,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values,
    ) -> str:
        """Flask's ``url_for``; a link inside the site, built during a request, comes from memory the
        second time. External links, anchors, methods, relative endpoints and links outside a request
        are built as Flask builds them."""
        request_ctx = _cv_request.get(None)
        if (
            request_ctx is None
            or _anchor is not None
            or _method is not None
            or _scheme is not None
            or _external
            or endpoint[:1] == "."
            or not all(type(value) in PLAIN_VALUES for value in values.values())
        ):
            return super().url_for(
                endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external, **values
            )
        given = dict(values)
        self.inject_url_defaults(endpoint, values)
        environ = request_ctx.request.environ
        # The address the request came to, and each value with its type (1, 1.0 and True are equal keys
        # but different text) in the order given (the order of query arguments in the link).
        key = (
            endpoint,
            environ.get("wsgi.url_scheme"),
            environ.get("HTTP_HOST"),
            environ.get("SERVER_NAME"),
            environ.get("SERVER_PORT"),
            environ.get("SCRIPT_NAME"),
            *((name, type(value), value) for name, value in values.items()),
        )
        link = self._links.get(key)
        if link is None:
            link = super().url_for(endpoint, **given)
            if len(self._links) >= LINKS_KEPT:
                self._links.clear()
            self._links[key] = link
        return link
