"""Development mode: with VITE_DEV_SERVER set, pages load their scripts and styles from `npm run dev`."""

import os
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.services import free_port

pytestmark = pytest.mark.browser

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"


@pytest.fixture
def vite_dev_server():
    port = free_port()
    process = subprocess.Popen(
        ["node", "node_modules/vite/bin/vite.js", "--logLevel", "warn"],
        cwd=FRONTEND,
        env={**os.environ, "KC_VITE_PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    origin = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{origin}/static/dist/@vite/client")
        yield origin
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_pages_run_from_the_vite_dev_server(
    app, page, live_server, vite_dev_server, monkeypatch, console_errors
):
    monkeypatch.setitem(app.config, "VITE_DEV_SERVER", vite_dev_server)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server}/login")
    # Styles arrive through the dev server's script, htmx with them.
    expect(page.locator("header.kc-header")).to_have_css("background-color", "rgb(11, 93, 122)")
    assert page.evaluate("typeof window.htmx") == "object"
    assert f"{vite_dev_server}/static/dist/src/main.js" in requests
    assert not any("/static/dist/assets/" in url for url in requests)
    assert console_errors == []
