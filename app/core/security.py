"""Security headers for every response."""

from flask import Flask, current_app, request


def _headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if not request.path.startswith("/w/"):
        # Widgets set their own frame-ancestors from the tenant's allow-list.
        response.headers.setdefault("X-Frame-Options", "DENY")
        dev = current_app.config.get("VITE_DEV_SERVER") or ""
        # Swagger UI's page boots with an inline script; only that page allows one.
        inline = "'unsafe-inline'" if request.path == "/api/docs" else ""
        response.headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'self' {dev}; img-src 'self' data:; style-src 'self' 'unsafe-inline' {dev}; "
            f"script-src 'self' {inline} {dev}; connect-src 'self' {dev} {dev.replace('http', 'ws')}; "
            "frame-ancestors 'none'; base-uri 'self'; form-action 'self' http: https:",
        )
    return response


def init_app(app: Flask) -> None:
    app.after_request(_headers)
