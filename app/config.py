"""Configuration read from the environment.

The embedded default needs nothing set: SQLite under instance/, jobs inline, mail to the log.
Production sets DATABASE_URL (the app's non-owner role), DATABASE_OWNER_URL (migrations),
REDIS_URL and SECRET_KEY.
"""

import os
from pathlib import Path

INSTANCE_DIR = Path(os.environ.get("KC_INSTANCE_DIR", Path(__file__).resolve().parent.parent / "instance"))


def _database_url(value: str | None) -> str:
    url = value or f"sqlite:///{INSTANCE_DIR / 'kotacerdas.db'}"
    # Platforms hand out postgres:// URLs; psycopg 3 is the driver we ship.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


DEVELOPMENT_SECRET_KEY = "dev-only-not-secret"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("DATABASE_URL"))
    # A pooled connection is tested before use: after the database restarts, no request fails on a dead one.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # While the database is down, pages and the API answer 503 with this Retry-After (seconds).
    DATABASE_RETRY_AFTER_SECONDS = int(os.environ.get("DATABASE_RETRY_AFTER_SECONDS", "30"))
    # Migrations run as the schema owner; the app itself connects as a role that cannot bypass RLS.
    DATABASE_OWNER_URL = _database_url(os.environ.get("DATABASE_OWNER_URL") or os.environ.get("DATABASE_URL"))
    DATABASE_APP_ROLE = os.environ.get("DATABASE_APP_ROLE")
    REDIS_URL = os.environ.get("REDIS_URL") or None
    INSTANCE_DIR = str(INSTANCE_DIR)

    # Behind a reverse proxy (nginx, a load balancer): how many proxies set X-Forwarded-For/-Proto/-Host,
    # so addresses, https and host names (SSO redirect URIs, links in mails) are the public ones.
    TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))
    # Who may read /metrics (app/core/metrics.py): a bearer token, or client addresses in these networks
    # (CIDR, comma-separated). Neither set: nobody; everyone else gets 404.
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN") or None
    METRICS_ALLOWED_NETWORKS = os.environ.get("METRICS_ALLOWED_NETWORKS", "")

    SESSION_COOKIE_NAME = "kc_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    WTF_CSRF_TIME_LIMIT = None

    # Fernet key(s) encrypting SSO client secrets, comma-separated, newest first (app/sso/secret_box.py).
    SSO_SECRET_KEY = os.environ.get("SSO_SECRET_KEY") or None
    # Whether a tenant admin may connect a provider on a loopback or private address (development, tests,
    # a provider inside the city's own network). Off: only providers on public addresses are fetched.
    SSO_ALLOW_LOCAL_ISSUERS = os.environ.get("SSO_ALLOW_LOCAL_ISSUERS", "0") == "1"

    # Failed password logins allowed within the window: for one email from one client address, and from
    # one client address over all emails. Never per email alone, which would let anyone lock its owner out.
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
    LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "30"))
    LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", "900"))

    API_TITLE = "Kota Cerdas API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "/docs"
    OPENAPI_SWAGGER_UI_URL = "/static/dist/swagger-ui/"
    API_SPEC_OPTIONS = {
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearerAuth": []}],
    }

    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    LANGUAGES = ("id", "en")

    VITE_DEV_SERVER = os.environ.get("VITE_DEV_SERVER") or None
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    # "starttls" (port 587), "ssl" (port 465) or empty for a plain relay on a trusted network.
    MAIL_SECURITY = os.environ.get("MAIL_SECURITY", "")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Kota Cerdas <noreply@kotacerdas.local>")

    # Uploaded and generated files, in a folder per tenant; unset: local disk under INSTANCE_DIR/files.
    STORAGE_DIR = os.environ.get("STORAGE_DIR") or None
    # Requests larger than this are refused with 413 before they are read.
    MAX_CONTENT_LENGTH = int(os.environ.get("UPLOAD_MAX_BYTES", str(25 * 1024 * 1024)))
    # Office files (XLSX, DOCX, PPTX) are ZIP archives that a worker unpacks: one whose table of contents
    # declares more than this in all is refused with 413; more entries, or an entry over 100 KB packed
    # tighter than this ratio, with 422 (app/core/files.py, check_archive). openpyxl holds short shared
    # strings at several times their size: at 32 MB a worker peaks at about 360 MB (docs/PERFORMANCE.md).
    UPLOAD_MAX_UNPACKED_BYTES = int(os.environ.get("UPLOAD_MAX_UNPACKED_BYTES", str(32 * 1024 * 1024)))
    UPLOAD_MAX_ARCHIVE_ENTRIES = int(os.environ.get("UPLOAD_MAX_ARCHIVE_ENTRIES", "10000"))
    UPLOAD_MAX_COMPRESSION_RATIO = int(os.environ.get("UPLOAD_MAX_COMPRESSION_RATIO", "100"))
    # A tenant's export ZIP (`flask tenants import`) holds all of its rows and files: larger limits, the
    # same packing ratio.
    TENANT_IMPORT_MAX_UNPACKED_BYTES = int(
        os.environ.get("TENANT_IMPORT_MAX_UNPACKED_BYTES", str(50 * 1024 * 1024 * 1024))
    )
    TENANT_IMPORT_MAX_ENTRIES = int(os.environ.get("TENANT_IMPORT_MAX_ENTRIES", "1000000"))

    # Background jobs: the rq queue the workers listen on; a job whose worker dies is retried this often
    # (only kinds that declare themselves safe to retry), and mails its requester when it ran this long.
    JOBS_QUEUE = os.environ.get("JOBS_QUEUE", "kotacerdas")
    JOBS_TIMEOUT_SECONDS = int(os.environ.get("JOBS_TIMEOUT_SECONDS", "1800"))
    JOBS_MAIL_AFTER_SECONDS = int(os.environ.get("JOBS_MAIL_AFTER_SECONDS", "60"))
    # The embedded default has no rq cron scheduler: the run command's server process sets JOBS_TICKER=1
    # and fires the schedule list from a thread of its own (app/jobs/schedules.py).
    JOBS_TICKER = os.environ.get("JOBS_TICKER") == "1"
    # Jobs never stuck (app/jobs/watch.py): a running job's process renews its heartbeat this often, and
    # is given up when none came for the TTL; the scheduler sweeps this often; a waiting job the queue does
    # not hold is handed over again after the grace. Worst case until a dead worker's job is retried or
    # failed: TTL + sweep interval (75 s by default).
    JOBS_HEARTBEAT_SECONDS = int(os.environ.get("JOBS_HEARTBEAT_SECONDS", "10"))
    JOBS_HEARTBEAT_TTL_SECONDS = int(os.environ.get("JOBS_HEARTBEAT_TTL_SECONDS", "45"))
    JOBS_SWEEP_SECONDS = float(os.environ.get("JOBS_SWEEP_SECONDS", "30"))
    JOBS_QUEUED_GRACE_SECONDS = int(os.environ.get("JOBS_QUEUED_GRACE_SECONDS", "60"))
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
