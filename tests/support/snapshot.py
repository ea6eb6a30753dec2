"""The demo, seeded once per test process and copied back for each test that needs it.

Seeding the demo runs the whole product (imports, reports, council, jobs) and takes about ten seconds;
copying its rows back from a snapshot takes a fraction of one. The copy is exact: the same ids, the same
rows, the same stored files. The first test that asks for the demo seeds it for real; `seed_demo` itself
keeps its own tests (tests/masterplan/test_demo.py and others call it directly).
"""

import shutil
import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, text

SCHEMA = "demo_snapshot"


class DemoSnapshot:
    def __init__(self) -> None:
        self.url: str | None = None
        self.files: Path | None = None
        self.tables: list[str] = []  # tables the demo fills, parents first
        self.folder: Path | None = None

    def configure(self, database: dict, storage: Path, folder: Path, keep: set[str]) -> None:
        self.url = database["superuser"]
        self.files = storage
        self.folder = folder
        self.keep = keep
        self.tables = []

    def load(self, app=None) -> None:
        """The demo in the database: copied back when a snapshot exists and the tables are empty,
        otherwise seeded (and the snapshot taken, when it was seeded into an empty database)."""
        from flask import current_app

        from app.demo import seed_demo
        from app.extensions import db

        app = app or current_app._get_current_object()

        engine = create_engine(self.url)
        try:
            empty = self._empty(engine, app)
            if self.tables and empty:
                self._restore(engine)
                return
            with app.app_context():
                seed_demo()
                db.session.remove()
            if empty and not self.tables:
                self._take(engine, app)
        finally:
            engine.dispose()

    def _all_tables(self, app) -> list[str]:
        from app.extensions import db

        with app.app_context():
            return [t.name for t in db.metadata.sorted_tables if t.name not in self.keep]

    def _empty(self, engine, app) -> bool:
        tables = self.tables or self._all_tables(app)
        probe = " OR ".join(f"EXISTS (SELECT 1 FROM {name})" for name in tables)
        with engine.connect() as conn:
            return not conn.execute(text(f"SELECT {probe}")).scalar()

    def _take(self, engine, app) -> None:
        tables = self._all_tables(app)
        with engine.connect() as conn:
            filled = [
                name
                for name in tables
                if conn.execute(text(f"SELECT EXISTS (SELECT 1 FROM {name})")).scalar()
            ]
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
                conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
                for name in filled:
                    conn.execute(text(f"CREATE TABLE {SCHEMA}.{name} AS TABLE public.{name}"))
        else:
            source = sqlite3.connect(engine.url.database)
            target = sqlite3.connect(self.folder / "demo.db")
            with target:
                source.backup(target)
            source.close()
            target.close()
        if self.files.exists():
            shutil.copytree(self.files, self.folder / "files", dirs_exist_ok=True)
        self.tables = filled

    def _restore(self, engine) -> None:
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                for name in self.tables:
                    conn.execute(text(f"INSERT INTO public.{name} SELECT * FROM {SCHEMA}.{name}"))
        else:
            conn = sqlite3.connect(engine.url.database, isolation_level=None)
            try:
                conn.execute("PRAGMA foreign_keys=OFF")
                conn.execute("ATTACH DATABASE ? AS snapshot", (str(self.folder / "demo.db"),))
                conn.execute("BEGIN")
                for name in self.tables:
                    conn.execute(f"INSERT INTO main.{name} SELECT * FROM snapshot.{name}")
                conn.execute("COMMIT")
                conn.execute("DETACH DATABASE snapshot")
            finally:
                conn.close()
        self._restore_files()

    def _restore_files(self) -> None:
        """The stored files exactly as the snapshot has them: a file a test deleted is put back, and a
        file an earlier test left (its row is gone with the tables' emptying) is removed, so a check for
        files without a row finds only its own."""
        saved = self.folder / "files"
        kept = {p.relative_to(saved) for p in saved.rglob("*") if p.is_file()} if saved.exists() else set()
        if self.files.exists():
            for path in self.files.rglob("*"):
                if path.is_file() and path.relative_to(self.files) not in kept:
                    path.unlink()
        for relative in kept:
            target = self.files / relative
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(saved / relative, target)


DEMO = DemoSnapshot()
