"""Real PostgreSQL and Redis for the test session, on loopback, in a temporary folder.

Started from the installed Debian binaries (the test command installs them) and stopped at the end.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg_bin() -> str:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    if not candidates:
        raise RuntimeError(
            "PostgreSQL is not installed: apt-get install postgresql (the test command does this)"
        )
    return os.path.dirname(candidates[-1])


@dataclass
class Postgres:
    port: int
    data_dir: str
    as_user: str | None

    @property
    def app_url(self) -> str:
        return f"postgresql+psycopg://kc_app:kc_app@127.0.0.1:{self.port}/kotacerdas"

    @property
    def owner_url(self) -> str:
        return f"postgresql+psycopg://kc_owner:kc_owner@127.0.0.1:{self.port}/kotacerdas"

    @property
    def superuser_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/kotacerdas"

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if self.as_user:
            cmd = ["runuser", "-u", self.as_user, "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def stop(self) -> None:
        try:
            self._run(os.path.join(_pg_bin(), "pg_ctl"), "-D", self.data_dir, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(os.path.dirname(self.data_dir), ignore_errors=True)


def start_postgres() -> Postgres:
    bin_dir = _pg_bin()
    root = tempfile.mkdtemp(prefix="kc-pg-", dir="/tmp")
    data_dir = os.path.join(root, "data")
    as_user = None
    if os.geteuid() == 0:
        # initdb refuses root; the postgres user needs to own (and enter) the folder.
        as_user = "postgres"
        entry = pwd.getpwnam(as_user)
        os.chmod(root, 0o755)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    pg = Postgres(port=free_port(), data_dir=data_dir, as_user=as_user)
    pg._run(os.path.join(bin_dir, "initdb"), "-D", data_dir, "-U", "postgres", "--auth=trust", "-E", "UTF8")
    options = (
        f"-p {pg.port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off"
    )
    pg._run(
        os.path.join(bin_dir, "pg_ctl"),
        "-D",
        data_dir,
        "-o",
        options,
        "-l",
        os.path.join(root, "log"),
        "-w",
        "start",
    )
    import psycopg

    with psycopg.connect(
        f"host=127.0.0.1 port={pg.port} user=postgres dbname=postgres", autocommit=True
    ) as conn:
        conn.execute("CREATE ROLE kc_owner LOGIN PASSWORD 'kc_owner'")
        # The app's role: no superuser, no BYPASSRLS, owns nothing.
        conn.execute("CREATE ROLE kc_app LOGIN PASSWORD 'kc_app' NOSUPERUSER NOBYPASSRLS")
        conn.execute("CREATE DATABASE kotacerdas OWNER kc_owner")
    return pg


@dataclass
class RedisServer:
    port: int
    folder: str

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        subprocess.run(
            ["redis-cli", "-p", str(self.port), "shutdown", "nosave"],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def start_redis() -> RedisServer:
    if shutil.which("redis-server") is None:
        raise RuntimeError(
            "Redis is not installed: apt-get install redis-server (the test command does this)"
        )
    folder = tempfile.mkdtemp(prefix="kc-redis-", dir="/tmp")
    server = RedisServer(port=free_port(), folder=folder)
    subprocess.run(
        [
            "redis-server",
            "--port",
            str(server.port),
            "--bind",
            "127.0.0.1",
            "--daemonize",
            "yes",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            folder,
            "--logfile",
            os.path.join(folder, "log"),
        ],
        check=True,
    )
    for _ in range(100):
        if (
            subprocess.run(["redis-cli", "-p", str(server.port), "ping"], capture_output=True).stdout.strip()
            == b"PONG"
        ):
            return server
        time.sleep(0.05)
    raise RuntimeError("Redis did not start")
