"""One structured log line per request, and the health endpoints."""

import json
import logging
import time
import uuid

from flask import Blueprint, Flask, current_app, g, jsonify, request
from sqlalchemy import text

log = logging.getLogger("kotacerdas.request")
health = Blueprint("health", __name__)


def _start() -> None:
    g.request_started = time.perf_counter()
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else uuid.uuid4().hex


SECRET_ARGS = ("token",)  # URL parts that are credentials (invitation links): never written to the log


def _logged_path() -> str:
    path = request.path
    for name in SECRET_ARGS:
        value = (request.view_args or {}).get(name)
        if value:
            path = path.replace(str(value), f"<{name}>")
    return path


def _finish(response):
    response.headers["X-Request-ID"] = g.get("request_id", "")
    tenant = g.get("tenant")
    user = g.get("user")
    log.info(
        json.dumps(
            {
                "request_id": g.get("request_id"),
                "method": request.method,
                "path": _logged_path(),
                "status": response.status_code,
                "duration_ms": round(
                    (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000, 1
                ),
                "tenant": tenant.slug if tenant is not None else None,
                "user": str(user.id) if user is not None else None,
            }
        )
    )
    return response


@health.get("/healthz")
def healthz():
    """The process is up."""
    return jsonify(status="ok")


@health.get("/readyz")
def readyz():
    """The database (and Redis, when configured) answer."""
    from app.extensions import db

    checks: dict[str, str] = {}
    try:
        db.session.execute(text("select 1"))
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["database"] = f"error: {type(exc).__name__}"
    if current_app.config.get("REDIS_URL"):
        try:
            from redis import Redis

            Redis.from_url(current_app.config["REDIS_URL"], socket_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["redis"] = f"error: {type(exc).__name__}"
    ready = all(v == "ok" for v in checks.values())
    return jsonify(status="ok" if ready else "unavailable", checks=checks), 200 if ready else 503


def init_app(app: Flask) -> None:
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    app.before_request(_start)
    app.after_request(_finish)
    app.register_blueprint(health)
