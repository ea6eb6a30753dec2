"""Screenshots of the main pages, at desktop (1280 px) and phone (375 px) width, in both languages.

Seeds the demo into a temporary SQLite database, serves the app on a free loopback port, logs in with
the demo accounts in headless Chromium and writes PNGs plus an index to docs/screenshots/.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--only dashboard,opds]

Needs the built front-end (the set-up command builds it) and Debian's Chromium at /usr/bin/chromium.
"""

import argparse
import shutil
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}
LOCALES = ("id", "en")
PALOPO = "kota-palopo"
SUSPENDED = "kab-penajam-paser-utara"


@dataclass
class Shot:
    name: str
    title: str
    path: str
    login: str | None = None  # demo account's email; None: anonymous
    javascript: bool = True
    action: str | None = None  # a step after loading: see _act()
    locales: tuple[str, ...] = LOCALES
    viewports: tuple[str, ...] = tuple(VIEWPORTS)


def _shots() -> list[Shot]:
    admin = f"admin@{PALOPO}.demo"
    platform = "admin@kotacerdas.local"
    ministry = "kementerian@kotacerdas.local"
    return [
        Shot("login", "Log in", "/login"),
        Shot("dashboard", "Tenant dashboard", f"/t/{PALOPO}/", admin),
        Shot("opds", "OPD list", f"/t/{PALOPO}/opds", admin),
        Shot(
            "opds-inline-edit", "OPD edited in place (htmx)", f"/t/{PALOPO}/opds", admin, action="inline-edit"
        ),
        Shot("opds-filtered", "OPD list filtered (htmx)", f"/t/{PALOPO}/opds", admin, action="filter"),
        Shot("opds-no-js", "OPD list without JavaScript", f"/t/{PALOPO}/opds", admin, javascript=False),
        Shot(
            "opds-menu-no-js",
            "Phone menu without JavaScript",
            f"/t/{PALOPO}/opds",
            admin,
            javascript=False,
            action="open-menu",
            viewports=("phone",),
        ),
        Shot("opd-invalid", "A refused OPD (422)", f"/t/{PALOPO}/opds", admin, action="invalid-opd"),
        Shot("members", "Members", f"/t/{PALOPO}/members", admin),
        Shot("tokens", "API tokens", "/account/tokens", admin),
        Shot("sessions", "Sessions", "/account/sessions", admin),
        Shot("password", "Change password", "/account/password", admin),
        Shot("account-email", "Change email address", "/account/email", admin),
        Shot("forgot-password", "Forgotten password", "/password/forgot", javascript=False),
        Shot("login-sso-search", "Log in: search for your city's SSO", "/login?sso_q=kota"),
        Shot("ministry-masterplans", "Ministry: enacted masterplans", "/ministry/masterplans", ministry),
        Shot("account-menu", "Account menu", f"/t/{PALOPO}/", admin, action="open-account"),
        Shot("admin-tenants", "Platform admin: tenants", "/admin/tenants", platform),
        Shot("admin-tenant", "Platform admin: one tenant", "/admin/tenants", platform, action="open-tenant"),
        Shot("admin-new-tenant", "Platform admin: new tenant", "/admin/tenants/new", platform),
        Shot("not-found", "Error 404", f"/t/{PALOPO}/no-such-page", admin),
        Shot("suspended", "Suspended tenant", f"/t/{SUSPENDED}/", f"admin@{SUSPENDED}.demo"),
        Shot("masterplan", "Masterplan overview", "{mp}", admin),
        Shot("masterplan-tree", "Masterplan tree", "{mp}/tree", admin),
        Shot("masterplan-strategies", "Strategies", "{mp}/strategies", admin),
        Shot("masterplan-programs", "Programs", "{mp}/programs", admin),
        Shot("masterplan-roadmap", "Roadmap", "{mp}/roadmap", admin),
        Shot("masterplan-budget", "Budget summary", "{mp}/budget", admin),
        Shot("masterplan-excel-pdf", "Excel and PDF", "{mp}/excel-pdf", admin),
        Shot("jobs", "Jobs", f"/t/{PALOPO}/jobs", admin),
        Shot("audit", "Audit log", f"/t/{PALOPO}/audit", admin),
        Shot("sso-providers", "Single sign-on settings", f"/t/{PALOPO}/sso/providers", admin),
        Shot("frameworks", "Ministry: frameworks", "/ministry/frameworks", platform),
    ]


def _prepare_app(folder: Path):
    from flask_migrate import upgrade
    from sqlalchemy import select

    from app import create_app
    from app.core.assets import MANIFEST
    from app.core.auth import SYSTEM
    from app.core.tenancy import tenant_context
    from app.demo import seed_demo
    from app.extensions import db
    from app.masterplan.models import Masterplan
    from app.tenants import services as tenants

    if not MANIFEST.exists():
        sys.exit("The front-end is not built: run the set-up command (or: cd frontend && npm run build).")
    url = f"sqlite:///{folder / 'demo.db'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "DATABASE_OWNER_URL": url,
            "INSTANCE_DIR": str(folder),
            "SECRET_KEY": "screenshots-only",
            "REDIS_URL": None,
        }
    )
    with app.app_context():
        upgrade()
        seed_demo()
        tenant = tenants.find_tenant_by_slug(SUSPENDED)
        tenants.set_tenant_status(tenant.id, "suspended", actor=SYSTEM)
        db.session.commit()
        palopo = tenants.find_tenant_by_slug(PALOPO)
        with tenant_context(palopo.id):
            masterplan_id = db.session.scalar(select(Masterplan.id).order_by(Masterplan.created_at))
    return app, f"/t/{PALOPO}/masterplans/{masterplan_id}"


def _serve(app):
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request drowns the summary

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def _login(page, base: str, email: str) -> None:
    from app.demo import DEMO_PASSWORD

    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.locator("main form button.btn-primary").click()
    page.wait_for_load_state()


def _set_locale(page, locale: str) -> None:
    """Choose the language with the header's switch, as a person would; it returns to the same page."""
    page.locator(f".kc-lang button[value={locale}]").click()
    page.wait_for_load_state()


def _session(browser, base: str, email: str) -> dict:
    """Log in once per account; each screenshot starts from that session's cookies."""
    context = browser.new_context()
    page = context.new_page()
    _login(page, base, email)
    state = context.storage_state()
    context.close()
    return state


def _act(page, action: str | None) -> None:
    if action == "inline-edit":
        page.locator("#opd-table tbody tr").first.locator("a[href$='/edit']").click()
        page.locator("#opd-table tbody tr input[name=name]").first.wait_for()
    elif action == "filter":
        page.fill("#f-q", "din")
        page.wait_for_function("() => !location.search || location.search.includes('q=din')")
        page.wait_for_timeout(900)
    elif action == "invalid-opd":
        page.fill("#f-code", "DISKOMINFO")
        page.fill("#f-name", "Duplikat")
        page.locator("#add-opd form button").click()
        page.wait_for_load_state()
        page.locator("#add-opd").scroll_into_view_if_needed()
    elif action == "open-menu":
        page.locator("details.kc-menu > summary").click()
    elif action == "open-tenant":
        page.locator("#tenant-table a", has_text="Kota Palopo").click()
        page.wait_for_load_state()
    elif action == "open-account":
        page.locator("details.kc-user > summary").click()


def capture(out: Path, only: set[str] | None = None) -> list[tuple[Shot, str, str, str]]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="kc-screens-"))
    app, masterplan_path = _prepare_app(folder)
    server, base = _serve(app)
    written = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
            )
            sessions: dict[str, dict] = {}
            for shot in _shots():
                if only and shot.name not in only:
                    continue
                if shot.login and shot.login not in sessions:
                    sessions[shot.login] = _session(browser, base, shot.login)
                for locale in shot.locales:
                    for device in shot.viewports:
                        context = browser.new_context(
                            viewport=VIEWPORTS[device],
                            java_script_enabled=shot.javascript,
                            storage_state=sessions.get(shot.login),
                        )
                        page = context.new_page()
                        page.goto(base + shot.path.format(mp=masterplan_path))
                        _set_locale(page, locale)
                        _act(page, shot.action)
                        if shot.javascript:
                            page.wait_for_timeout(400)  # chart animation
                        file = f"{shot.name}-{locale}-{device}.png"
                        page.screenshot(path=str(out / file), full_page=True)
                        written.append((shot, locale, device, file))
                        context.close()
            browser.close()
    finally:
        server.shutdown()
        shutil.rmtree(folder, ignore_errors=True)
    return written


def write_index(out: Path, written) -> None:
    lines = [
        "# Screenshots",
        "",
        "Made by `scripts/screenshots.py` from the demo data (desktop 1280 px, phone 375 px).",
        "",
        "| page | language | desktop | phone |",
        "|---|---|---|---|",
    ]
    rows: dict[tuple[str, str], dict[str, str]] = {}
    titles = {}
    for shot, locale, device, file in written:
        rows.setdefault((shot.name, locale), {})[device] = file
        titles[shot.name] = shot.title + ("" if shot.javascript else " (JavaScript off)")
    for (name, locale), files in rows.items():
        cells = [f"[{d}]({files[d]})" if d in files else "–" for d in VIEWPORTS]
        lines.append(f"| {titles[name]} | {locale} | " + " | ".join(cells) + " |")
    (out / "README.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--only", help="comma-separated shot names (default: all)")
    args = parser.parse_args()
    out = Path(args.out)
    only = set(args.only.split(",")) if args.only else None
    written = capture(out, only)
    if not only:
        write_index(out, written)
    print(f"{len(written)} screenshots in {out}")


if __name__ == "__main__":
    main()
