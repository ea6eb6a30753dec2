"""Security headers for every response, with a strict Content Security Policy.

Pages run only the scripts and styles Vite built and the app serves: no inline scripts, no inline
styles, no eval. Templates pass data to scripts in data attributes or ``<script type="application/json">``
blocks (which the browser never executes), and style with classes, never ``style="..."``.
"""

from functools import lru_cache

from flask import Flask, current_app, request

# Swagger UI's page boots with an inline script and inline styles; only that page allows them.
_INLINE_ALLOWED = ("/api/docs",)


def content_security_policy(path: str, dev_server: str | None = None) -> str:
    return _policy(path in _INLINE_ALLOWED, dev_server)


@lru_cache(maxsize=8)
def _policy(inline_allowed: bool, dev_server: str | None) -> str:
    """The policy text, built once per kind of page (it is sent with every response)."""
    dev = dev_server.rstrip("/") if dev_server else ""
    inline = "'unsafe-inline'" if inline_allowed else ""
    # The Vite dev server injects its styles as <style> elements and reloads over a WebSocket.
    dev_style = f"{dev} 'unsafe-inline'" if dev else ""
    dev_connect = f"{dev} {dev.replace('http', 'ws', 1)}" if dev else ""
    directives = [
        "default-src 'self'",
        f"script-src 'self' {inline} {dev}",
        f"style-src 'self' {inline} {dev_style}",
        "img-src 'self' data:",
        "font-src 'self' data:",
        f"connect-src 'self' {dev_connect}",
        "object-src 'none'",
        "base-uri 'self'",
        # A login form may redirect to the tenant's identity provider, wherever it is hosted.
        "form-action 'self' http: https:",
        "frame-ancestors 'none'",
    ]
    return "; ".join(" ".join(d.split()) for d in directives)


def _headers(response):
    # A page URL answers htmx with a fragment and a browser with the whole page: caches keep both apart.
    response.vary.add("HX-Request")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if not request.path.startswith("/w/"):
        # Widgets set their own frame-ancestors from the tenant's allow-list.
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Content-Security-Policy",
            content_security_policy(request.path, current_app.config.get("VITE_DEV_SERVER")),
        )
    return response


def init_app(app: Flask) -> None:
    app.after_request(_headers)
