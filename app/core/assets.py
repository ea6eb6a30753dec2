"""Front-end assets built by Vite: templates include them through the Vite manifest.

With VITE_DEV_SERVER set, tags point at the dev server instead (hot reload while editing frontend/).
"""

import json
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app, url_for
from markupsafe import Markup

MANIFEST = Path(__file__).resolve().parent.parent / "static" / "dist" / ".vite" / "manifest.json"


@lru_cache(maxsize=1)
def _manifest(mtime: float) -> dict:
    return json.loads(MANIFEST.read_text())


def vite_assets(entry: str = "src/main.js") -> Markup:
    dev = current_app.config.get("VITE_DEV_SERVER")
    if dev:
        return Markup(
            f'<script type="module" src="{dev}/@vite/client"></script>'
            f'<script type="module" src="{dev}/{entry}"></script>'
        )
    if not MANIFEST.exists():
        return Markup("<!-- front-end not built: run the set-up command -->")
    chunk = _manifest(MANIFEST.stat().st_mtime)[entry]
    tags = [
        f'<link rel="stylesheet" href="{url_for("static", filename="dist/" + css)}">'
        for css in chunk.get("css", [])
    ]
    tags.append(
        f'<script type="module" src="{url_for("static", filename="dist/" + chunk["file"])}"></script>'
    )
    return Markup("".join(tags))


def init_app(app: Flask) -> None:
    app.jinja_env.globals["vite_assets"] = vite_assets
