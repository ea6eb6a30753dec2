"""Imports every domain's models so metadata is complete (for Alembic and tests)."""

import importlib
import importlib.util

from app import DOMAINS

for _name in DOMAINS:
    if importlib.util.find_spec(f"app.{_name}.models") is not None:
        importlib.import_module(f"app.{_name}.models")
