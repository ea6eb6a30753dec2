"""Requests per second of every list of the API and every list page, beside a bare Flask route and nginx
serving a small file, all measured with wrk in one run on this machine. Writes its section of
docs/PERFORMANCE.md.

    .venv/bin/python benchmarks/web_speed.py                # 3 rounds, about ten minutes; wrk and nginx
    .venv/bin/python benchmarks/web_speed.py --no-write     # print the table only
    .venv/bin/python benchmarks/web_speed.py --rounds 1 --only programs   # a quick look at some rows
    .venv/bin/python benchmarks/web_speed.py --save before.json --no-write  # on an earlier commit, then
    .venv/bin/python benchmarks/web_speed.py --before before.json --before-name "commit abc1234"

The app runs as the embedded default (SQLite in a temporary folder, the demo seeded, REDIS_URL unset)
under gunicorn with 2 sync workers, as does the bare Flask app; nginx runs with 2 workers and its own
configuration in the same folder (`apt-get install wrk nginx`; without nginx its row is left out). Every
server listens on a free loopback port and is stopped at the end. Each round asks the bare Flask route
first and then every row, so each row's ratio compares figures taken minutes apart at most; the table
shows the median of the rounds and their spread.
"""

import argparse
import http.cookiejar
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from report import write_section  # noqa: E402

BIN = Path(sys.executable).parent  # the venv this runs in: its gunicorn and flask
SLUG = "kota-palopo"
DEMO_PASSWORD = "kotacerdas-demo"
TENANT_ADMIN = f"admin@{SLUG}.demo"
MINISTRY_ADMIN = "kementerian@kotacerdas.local"
PLATFORM_ADMIN = "admin@kotacerdas.local"
WORKERS = 2
# The same server settings for the app and the bare Flask app, so the ratio compares the apps alone.
GUNICORN = ["--workers", str(WORKERS), "--worker-class", "sync", "--log-level", "warning"]
WRK_THREADS, WRK_CONNECTIONS = 2, 8
TARGET_RATIO = 0.1

BARE_APP = """from flask import Flask

app = Flask(__name__)


@app.get("/")
def ok():
    return "ok"
"""

NGINX_CONF = """worker_processes {workers};
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {folder}/nginx-body;
    proxy_temp_path {folder}/nginx-proxy;
    fastcgi_temp_path {folder}/nginx-fastcgi;
    uwsgi_temp_path {folder}/nginx-uwsgi;
    scgi_temp_path {folder}/nginx-scgi;
    server {{
        listen 127.0.0.1:{port};
        root {folder}/static;
        location / {{ }}
    }}
}}
"""


@dataclass
class Endpoint:
    label: str
    path: str
    who: str  # whose credentials: "tenant", "ministry", "platform" (+ "-api" for a bearer token)
    ratios: list[float] = field(default_factory=list)
    rates: list[float] = field(default_factory=list)
    statements: int | None = None
    cpu_ms: float = 0.0
    errors: int = 0


# --- servers ----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(port: int, path: str = "/", timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered on port {port} within {timeout} s")


class Servers:
    """The processes this run started; each is stopped (its own process group) at the end."""

    def __init__(self):
        self.processes: list[subprocess.Popen] = []

    def start(self, command: list[str], *, cwd: Path, env: dict, log: Path) -> None:
        with log.open("ab") as out:
            self.processes.append(
                subprocess.Popen(
                    command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
                )
            )

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, 15)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait()


def app_environment(folder: Path) -> dict:
    unset = ("DATABASE_URL", "DATABASE_OWNER_URL", "REDIS_URL", "JOBS_TICKER", "KC_TEST_DB")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(
        KC_INSTANCE_DIR=str(folder / "instance"), SECRET_KEY=secrets.token_hex(16), FLASK_APP="app:create_app"
    )
    return env


def prepare_database(env: dict, folder: Path) -> None:
    """The embedded default as the set-up command leaves it: migrated, the demo seeded."""
    for step in (["db", "upgrade"], ["demo", "seed"]):
        with (folder / "setup.log").open("ab") as log:
            subprocess.run([str(BIN / "flask"), *step], cwd=ROOT, env=env, check=True, stdout=log, stderr=log)


def start_nginx(servers: Servers, folder: Path) -> int | None:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        return None
    port = free_port()
    (folder / "static").mkdir()
    (folder / "static" / "ok.txt").write_text("ok\n")
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(workers=WORKERS, folder=folder, port=port))
    servers.start(
        [nginx, "-p", str(folder), "-c", str(conf)],
        cwd=folder,
        env=dict(os.environ),
        log=folder / "nginx.log",
    )
    wait_until_up(port, "/ok.txt")
    return port


def start_gunicorn(servers: Servers, target: str, *, cwd: Path, env: dict, log: Path) -> int:
    port = free_port()
    command = [str(BIN / "gunicorn"), target, "--bind", f"127.0.0.1:{port}", *GUNICORN]
    servers.start(command, cwd=cwd, env=env, log=log)
    wait_until_up(port, "/healthz" if target.startswith("app:") else "/")
    return port


# --- who asks ----------------------------------------------------------------------------------------------


def log_in(port: int, email: str) -> str:
    """The session cookie of a demo account, logged in through the login page."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"http://127.0.0.1:{port}/login").read().decode()
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"email": email, "password": DEMO_PASSWORD, "csrf_token": csrf})
    opener.open(f"http://127.0.0.1:{port}/login", data=form.encode())
    cookie = next(c for c in jar if c.name == "kc_session")
    return f"{cookie.name}={cookie.value}"


TOKENS_SCRIPT = f"""
import json
from app import create_app
from app.accounts import services as accounts
from app.core.auth import Actor
from app.extensions import db
from app.tenants import services as tenants
app = create_app()
with app.app_context():
    tenant = tenants.find_tenant_by_slug({SLUG!r})
    secrets = {{}}
    for who, email, scope in (("tenant", {TENANT_ADMIN!r}, tenant.id), ("ministry", {MINISTRY_ADMIN!r}, None),
                              ("platform", {PLATFORM_ADMIN!r}, None)):
        user = accounts.find_user_by_email(email)
        actor = Actor(user_id=user.id, platform_role=user.platform_role)
        secrets[who] = accounts.create_api_token("benchmark", scope, actor=actor)[1]
    db.session.commit()
    print(json.dumps(secrets))
"""


def api_tokens(env: dict) -> dict[str, str]:
    """A bearer token of each demo account: the tenant admin's bound to Kota Palopo, the others' to the
    platform, created as the tokens page creates them."""
    out = subprocess.run(
        [sys.executable, "-c", TOKENS_SCRIPT], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def credentials(port: int, env: dict) -> dict[str, dict]:
    """The headers each kind of caller sends: a session cookie for pages, a bearer token for the API."""
    headers = {}
    for who, email in (("tenant", TENANT_ADMIN), ("ministry", MINISTRY_ADMIN), ("platform", PLATFORM_ADMIN)):
        headers[who] = {"Cookie": log_in(port, email)}
    for who, secret in api_tokens(env).items():
        headers[f"{who}-api"] = {"Authorization": f"Bearer {secret}"}
    return headers


def get(port: int, path: str, headers: dict) -> urllib.request.http.client.HTTPResponse:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    return urllib.request.urlopen(request, timeout=30)


# --- what is measured --------------------------------------------------------------------------------------

MASTERPLAN_PARTS = ("programs", "goals", "indicators", "strategies", "missions", "readiness", "gaps", "swot")
MASTERPLAN_PAGES = ("programs", "goals", "strategies", "analysis", "action-plan", "budget", "vision", "tree")


def largest_masterplan(port: int, headers: dict) -> tuple[str, int]:
    """The demo masterplan of Kota Palopo with the most programs, and how many it has."""
    with get(port, f"/api/v1/t/{SLUG}/masterplans", headers) as response:
        masterplans = json.loads(response.read())
    counts = {}
    for masterplan in masterplans:
        path = f"/api/v1/t/{SLUG}/masterplans/{masterplan['id']}/programs?page_size=1"
        with get(port, path, headers) as response:
            counts[masterplan["id"]] = json.loads(response.headers["X-Pagination"])["total"]
    masterplan = max(counts, key=counts.get)
    return masterplan, counts[masterplan]


def endpoints(masterplan: str) -> list[Endpoint]:
    """Every list of the API and every page that shows a list, as its usual caller asks for it."""
    api, page = f"/api/v1/t/{SLUG}", f"/t/{SLUG}"
    mp_api, mp_page = f"{api}/masterplans/{masterplan}", f"{page}/masterplans/{masterplan}"
    rows = [
        Endpoint(f"API: masterplan {part}", f"{mp_api}/{part}", "tenant-api") for part in MASTERPLAN_PARTS
    ]
    rows.append(Endpoint("API: masterplan action items", f"{mp_api}/action-items", "tenant-api"))
    for label, path in (
        ("masterplans", "masterplans"),
        ("OPDs", "opds"),
        ("members", "members"),
        ("invitations", "invitations"),
        ("jobs", "jobs"),
        ("audit log", "audit-entries"),
        ("files", "files"),
        ("frameworks", "frameworks"),
        ("code lists", "code-lists"),
        ("SSO providers", "sso/providers"),
    ):
        rows.append(Endpoint(f"API: {label}", f"{api}/{path}", "tenant-api"))
    rows += [
        Endpoint("API (ministry): enacted masterplans", "/api/v1/ministry/masterplans", "ministry-api"),
        Endpoint("API (platform): tenants", "/api/v1/tenants", "platform-api"),
        Endpoint("API (platform): audit log", "/api/v1/audit-entries", "platform-api"),
        Endpoint("API (platform): frameworks", "/api/v1/frameworks", "platform-api"),
        Endpoint("API (platform): code lists", "/api/v1/code-lists", "platform-api"),
        Endpoint("Page: tenant dashboard", f"{page}/", "tenant"),
        Endpoint("Page: members", f"{page}/members", "tenant"),
        Endpoint("Page: OPDs", f"{page}/opds", "tenant"),
        Endpoint("Page: jobs", f"{page}/jobs", "tenant"),
        Endpoint("Page: audit log", f"{page}/audit", "tenant"),
        Endpoint("Page: SSO providers", f"{page}/sso/providers", "tenant"),
        Endpoint("Page: masterplans", f"{page}/masterplans/", "tenant"),
        Endpoint("Page: masterplan overview", mp_page, "tenant"),
    ]
    rows += [Endpoint(f"Page: masterplan {name}", f"{mp_page}/{name}", "tenant") for name in MASTERPLAN_PAGES]
    rows += [
        Endpoint("Page (ministry): enacted masterplans", "/ministry/masterplans", "ministry"),
        Endpoint("Page (ministry): frameworks", "/ministry/frameworks", "ministry"),
        Endpoint("Page (ministry): code lists", "/ministry/code-lists", "ministry"),
        Endpoint("Page (platform): tenants", "/admin/tenants", "platform"),
        Endpoint("Page (platform): audit log", "/admin/audit", "platform"),
        Endpoint("Page (platform): jobs", "/admin/jobs", "platform"),
    ]
    return rows


# --- measuring ---------------------------------------------------------------------------------------------


def wrk(port: int, path: str, headers: dict, seconds: int) -> tuple[float, int]:
    """Requests per second over ``seconds`` after a one-second warm-up, and the answers that were not 2xx."""
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    url = f"http://127.0.0.1:{port}{path}"
    subprocess.run([*command, "-d1s", url], check=True, capture_output=True, timeout=60)
    out = subprocess.run(
        [*command, f"-d{seconds}s", url], check=True, capture_output=True, text=True, timeout=120
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rate, int(errors.group(1)) if errors else 0


COUNT_SCRIPT = r"""
import json, sys, time
from flask import Flask
from sqlalchemy import event
from app import create_app
from app.extensions import db
headers, paths = json.loads(sys.stdin.read())


def cpu_ms(client, path, asked):
    # The least processor time of six blocks of five requests: other work on the machine only adds.
    blocks = []
    for _ in range(6):
        start = time.process_time()
        for _ in range(5):
            client.get(path, headers=asked)
        blocks.append((time.process_time() - start) / 5 * 1000)
    return min(blocks)


bare = Flask("bare")
bare.get("/")(lambda: "ok")
bare_cpu = cpu_ms(bare.test_client(), "/", {})
app = create_app()
with app.app_context():
    engine = db.engine
statements = []
event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
counts, cpu = {}, {}
for who, path in paths:
    client = app.test_client()
    # The test client sends its own cookies, not a Cookie header.
    asked = dict(headers[who])
    name, _, value = asked.pop("Cookie", "=").partition("=")
    if name:
        client.set_cookie(name, value)
    for _ in range(2):
        statements.clear()
        response = client.get(path, headers=asked)
        assert response.status_code == 200, (path, response.status_code)
    counts[path] = len(statements)
    cpu[path] = cpu_ms(client, path, asked)
print(json.dumps({"statements": counts, "cpu": cpu, "bare_cpu": bare_cpu}))
"""


def count_statements(env: dict, headers: dict, rows: list[Endpoint]) -> dict:
    """The SQL statements one request sends, in a process of its own with the app on the same database:
    each endpoint is asked twice and the second request is counted (the first may record a token's use).
    Then the processor time of one request there (Flask's test client, no server), and of the bare app's."""
    payload = json.dumps([headers, [(row.who, row.path) for row in rows]])
    out = subprocess.run(
        [sys.executable, "-c", COUNT_SCRIPT], cwd=ROOT, env=env, input=payload,
        capture_output=True, text=True,
    )  # fmt: skip
    if out.returncode:
        sys.exit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- the report --------------------------------------------------------------------------------------------


def machine_facts() -> dict:
    import flask
    import sqlalchemy

    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    kb = int(Path("/proc/meminfo").read_text().split()[1])
    gunicorn = subprocess.run([str(BIN / "gunicorn"), "--version"], capture_output=True, text=True).stdout
    nginx = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip().split("/")[-1]
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()[1]
    return {
        "CPU": cpu,
        "Cores available": str(len(os.sched_getaffinity(0))),
        "Memory": f"{kb / 1024 / 1024:.0f} GB",
        "System": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "Servers": f"{gunicorn.strip()} ({WORKERS} sync workers), nginx {nginx} ({WORKERS} workers)",
        "Libraries": f"Flask {flask.__version__}, SQLAlchemy {sqlalchemy.__version__}, "
        f"SQLite {sqlite3.sqlite_version}",
        "Load generator": f"wrk {wrk_version}, {WRK_THREADS} threads, {WRK_CONNECTIONS} connections",
    }


def fmt_load(load) -> str:
    return " / ".join(f"{v:.1f}" for v in load)


def spread(values: list[float], digits: int) -> str:
    return f"{min(values):.{digits}f}–{max(values):.{digits}f}" if len(values) > 1 else "—"


def figures(rows: list[Endpoint]) -> dict:
    """Each row's median ratio and its statements, as --save writes them and --before reads them."""
    return {
        row.label: {
            "ratio": statistics.median(row.ratios),
            "statements": row.statements,
            "cpu_ms": row.cpu_ms,
        }
        for row in rows
    }


def report(rows, flask_rates, nginx_rates, bare_cpu, programs, seconds, facts, loads, before=None) -> str:
    rounds = len(flask_rates)
    before_name, before_rows = before or (None, {})
    lines = [
        "## Requests per second: every list of the API and every list page, against a bare Flask route",
        "",
        f"Written by `benchmarks/web_speed.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Run it again after "
        "changing the request path (tenant resolution, sessions, tokens, templates), a list or a page, and "
        "commit the new figures.",
        "",
        "The app runs as the embedded default (SQLite, the demo seeded, `REDIS_URL` unset) and a bare Flask "
        f'app answers "ok", both under gunicorn with {WORKERS} sync workers; nginx ({WORKERS} workers) '
        f"serves a 3-byte file; each on a loopback port. wrk asks each address for {seconds} s after a "
        f"one-second warm-up ({WRK_THREADS} threads, {WRK_CONNECTIONS} connections), in {rounds} rounds: "
        "each round asks the bare Flask route, then every row, and a row's ratio is its rate over that "
        "round's bare Flask rate; the table shows the median of the rounds and their lowest and highest. "
        "The tenant's rows are Kota Palopo's as its admin sees them (a bearer token for the API, a "
        "logged-in session for pages, default page size), the ministry's and the platform's as the demo's "
        "ministry and platform admins see them; the masterplan is the demo's with the most programs "
        f"({programs}).",
        "",
        "Statements are the SQL statements one request sends (counted in the app after a first request), a "
        "fixed number whatever the length of the list. Processor time is one request's, in a process of its "
        "own through Flask's test client (no server, no network): the least of six blocks of five requests, "
        "since other work on the machine can only add to it. It moves far less than the rates when the "
        f"machine is shared; the bare Flask app takes {bare_cpu:.2f} ms the same way, and the last ratio "
        "column is that over the row's time."
        + (
            f" The columns marked *before* are the same figures on {before_name}, measured the same way in "
            "a run of their own just before (compare ratios and times, not rates)."
            if before_name
            else ""
        ),
        "",
        f"| Endpoint | Requests/s | × bare Flask | spread of {rounds} rounds | Statements | Processor ms "
        "| × bare Flask by processor time |"
        + (" × bare Flask *before* | Statements *before* | Processor ms *before* |" if before_name else ""),
        "|---|---:|---:|---:|---:|---:|---:|" + ("---:|---:|---:|" if before_name else ""),
    ]
    empty_before = " | | |" if before_name else ""
    flask_rate = statistics.median(flask_rates)
    lines.append(
        f"| Bare Flask route | {flask_rate:,.0f} | 1.000 | {spread(flask_rates, 0)} /s | 0 | {bare_cpu:.2f} "
        f"| 1.000 |{empty_before}"
    )
    if nginx_rates:
        nginx_rate = statistics.median(nginx_rates)
        lines.append(
            f"| nginx, a static file | {nginx_rate:,.0f} | {nginx_rate / flask_rate:.2f} | "
            f"{spread(nginx_rates, 0)} /s | 0 | | |{empty_before}"
        )
    for row in rows:
        note = f" ({row.errors} answers not 2xx)" if row.errors else ""
        rate, ratio = statistics.median(row.rates), statistics.median(row.ratios)
        was = before_rows.get(row.label)
        earlier = (
            f" {was['ratio']:.3f} | {was['statements']} | {was['cpu_ms']:.1f} |" if was else empty_before
        )
        lines.append(
            f"| {row.label}{note} | {rate:,.0f} | {ratio:.3f} | {spread(row.ratios, 3)} | {row.statements} "
            f"| {row.cpu_ms:.1f} | {bare_cpu / row.cpu_ms:.3f} |" + (earlier if before_name else "")
        )
    slowest = min(rows, key=lambda r: statistics.median(r.ratios))
    below = [row for row in rows if statistics.median(row.ratios) < TARGET_RATIO]
    lines += [
        "",
        f"The slowest row, {slowest.label}, answers at {statistics.median(slowest.ratios):.3f}× the bare "
        f"Flask route; {len(below)} of {len(rows)} rows are below the goal of {TARGET_RATIO}×.",
        "",
        "| Machine | |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v} |" for k, v in facts.items()]
    lines.append(
        f"| Load average (1/5/15 min) at start and end | {fmt_load(loads[0])} → {fmt_load(loads[1])} |"
    )
    lines += [
        "",
        "This machine has 2 cores, shared with other work (see the load average), and wrk runs on the same "
        "cores as the servers: the rates are lower bounds and move from round to round (the spread column), "
        "and a crowded machine slows the bare route's many small requests more than the app's, which lifts "
        "every ratio; the ratios within one round compare like with like; the statement counts are exact.",
    ]
    return "\n".join(lines)


def measure(args) -> tuple[list[Endpoint], str]:
    folder = Path(tempfile.mkdtemp(prefix="kc-web-speed-"))
    servers = Servers()
    start_load = os.getloadavg()
    try:
        env = app_environment(folder)
        prepare_database(env, folder)
        (folder / "bare_app.py").write_text(BARE_APP)
        bare_port = start_gunicorn(servers, "bare_app:app", cwd=folder, env=env, log=folder / "bare.log")
        app_port = start_gunicorn(servers, "app:create_app()", cwd=ROOT, env=env, log=folder / "app.log")
        nginx_port = start_nginx(servers, folder)
        headers = credentials(app_port, env)
        masterplan, programs = largest_masterplan(app_port, headers["tenant-api"])
        rows = [row for row in endpoints(masterplan) if not args.only or args.only in row.label]
        for row in rows:
            get(app_port, row.path, headers[row.who]).close()  # answers 200 (urllib raises otherwise)
        counted = count_statements(env, headers, rows)
        bare_cpu = counted["bare_cpu"]
        for row in rows:
            row.statements, row.cpu_ms = counted["statements"][row.path], counted["cpu"][row.path]
        flask_rates, nginx_rates = [], []
        for round_number in range(1, args.rounds + 1):
            flask_rates.append(wrk(bare_port, "/", {}, args.seconds)[0])
            if nginx_port:
                nginx_rates.append(wrk(nginx_port, "/ok.txt", {}, args.seconds)[0])
            print(f"round {round_number}: bare Flask {flask_rates[-1]:,.0f}/s", flush=True)
            for row in rows:
                rate, errors = wrk(app_port, row.path, headers[row.who], args.seconds)
                row.rates.append(rate)
                row.ratios.append(rate / flask_rates[-1])
                row.errors += errors
                print(
                    f"  {row.label}: {rate:,.0f}/s ({row.ratios[-1]:.3f}×), {row.statements} statements",
                    flush=True,
                )
    finally:
        servers.stop()
        shutil.rmtree(folder, ignore_errors=True)
    loads = (start_load, os.getloadavg())
    before = (args.before_name, json.loads(args.before.read_text())) if args.before else None
    facts = machine_facts()
    return rows, report(
        rows, flask_rates, nginx_rates, bare_cpu, programs, args.seconds, facts, loads, before
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=3, help="how long wrk asks each address (1-30)")
    parser.add_argument("--rounds", type=int, default=3, help="how many times every address is asked")
    parser.add_argument("--only", help="measure only the rows whose label contains this text")
    parser.add_argument("--no-write", action="store_true", help="print the table, leave docs/ as it is")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "PERFORMANCE.md")
    parser.add_argument("--save", type=Path, help="write each row's ratio and statements to this JSON file")
    parser.add_argument("--before", type=Path, help="a JSON file --save wrote, shown beside this run")
    parser.add_argument("--before-name", default="an earlier commit", help="what --before measured")
    args = parser.parse_args()
    args.seconds = max(1, min(args.seconds, 30))
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    # Stopped from outside, it still stops the servers it started (the finally blocks run).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    rows, text = measure(args)
    print(text)
    if args.save:
        args.save.write_text(json.dumps(figures(rows), indent=1))
    if not args.no_write and not args.only:
        write_section(args.output, "benchmarks/web_speed.py", text)
        print(f"Wrote {args.output}")


if __name__ == "__main__":
    main()
