"""Front-end assets built by Vite: templates include them through the Vite manifest.

``npm run build`` in frontend/ writes app/static/dist/ and its .vite/manifest.json (the set-up and test
commands run it). With ``VITE_DEV_SERVER`` set (e.g. http://127.0.0.1:5173, while ``npm run dev`` runs),
the tags point at the dev server instead, so edits under frontend/ show at once.
"""

import json
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app, url_for
from markupsafe import Markup, escape

DIST = Path(__file__).resolve().parent.parent / "static" / "dist"
MANIFEST = DIST / ".vite" / "manifest.json"
# Vite serves (and builds) everything under this path; it matches `base` in frontend/vite.config.js.
BASE = "/static/dist/"
MAIN_ENTRY = "src/main.js"


class FrontendNotBuilt(RuntimeError):
    """The manifest is missing: the front-end was not built (run the set-up command)."""


@lru_cache(maxsize=4)
def _manifest(path: Path, mtime: float) -> dict:
    return json.loads(path.read_text())


def load_manifest(path: Path | None = None) -> dict:
    path = path or MANIFEST
    if not path.exists():
        raise FrontendNotBuilt(f"{path} is missing: build the front-end (cd frontend && npm run build)")
    return _manifest(path, path.stat().st_mtime)


def _dist_url(file: str) -> str:
    return url_for("static", filename="dist/" + file)


def _dev_tags(server: str, entry: str) -> Markup:
    origin = escape(server.rstrip("/"))
    # The dev server serves under the same base as the build; its client script brings hot reload.
    return Markup(
        f'<script type="module" src="{origin}{BASE}@vite/client"></script>'
        f'<script type="module" src="{origin}{BASE}{escape(entry)}"></script>'
    )


def _build_tags(manifest: dict, entry: str) -> Markup:
    chunk = manifest[entry]
    tags = [f'<link rel="stylesheet" href="{_dist_url(css)}">' for css in _css_of(manifest, entry)]
    tags.append(f'<script type="module" src="{_dist_url(chunk["file"])}"></script>')
    # Chunks the entry imports statically are fetched in parallel rather than one after another.
    for imported in chunk.get("imports", []):
        tags.append(f'<link rel="modulepreload" href="{_dist_url(manifest[imported]["file"])}">')
    return Markup("".join(tags))


def _css_of(manifest: dict, entry: str, seen: set | None = None) -> list[str]:
    """The entry's stylesheets and those of the chunks it imports statically, each once."""
    seen = seen if seen is not None else set()
    if entry in seen:
        return []
    seen.add(entry)
    chunk = manifest[entry]
    files = list(chunk.get("css", []))
    for imported in chunk.get("imports", []):
        files += [css for css in _css_of(manifest, imported, seen) if css not in files]
    return files


def vite_assets(entry: str = MAIN_ENTRY) -> Markup:
    """The <script>/<link> tags for a Vite entry, from the dev server or the built manifest."""
    dev = current_app.config.get("VITE_DEV_SERVER")
    if dev:
        return _dev_tags(dev, entry)
    try:
        return _build_tags(load_manifest(), entry)
    except FrontendNotBuilt:
        # Pages still work (they are server-rendered); the log says what to do.
        current_app.logger.error("front-end not built: run the set-up command (frontend: npm run build)")
        return Markup("<!-- front-end not built: run the set-up command -->")


def init_app(app: Flask) -> None:
    from app.core.charts import chart_spec

    # The chart macro's islands are front-end assets too: their data is checked on the way out.
    app.jinja_env.globals.update(vite_assets=vite_assets, chart_spec=chart_spec)
