"""The test OpenID provider (tests/idp/idp.mjs, npm oidc-provider) as a real process on loopback, and a
person's browser session at it."""

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests

from tests.support.services import free_port

IDP_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "idp")
PASSWORD = "kotacerdas-idp"
CLIENT_ID = "kotacerdas"
CLIENT_SECRET = "kotacerdas-idp-client-secret"


@dataclass
class Idp:
    port: int
    process: subprocess.Popen

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_idp() -> Idp:
    node = shutil.which("node")
    if node is None or not os.path.isdir(os.path.join(IDP_DIR, "node_modules", "oidc-provider")):
        raise RuntimeError("the test provider is not installed: npm ci in tests/idp (scripts/test.d/idp.sh)")
    port = free_port()
    process = subprocess.Popen(
        [node, "idp.mjs", "--port", str(port)],
        cwd=IDP_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    idp = Idp(port, process)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the test provider exited at start")
        try:
            if requests.get(f"{idp.issuer}/.well-known/openid-configuration", timeout=1).ok:
                return idp
        except requests.RequestException:
            pass
        time.sleep(0.1)
    idp.stop()
    raise RuntimeError("the test provider did not start")


class Person:
    """Someone with one browser: the app through Flask's test client, providers over real HTTP."""

    def __init__(self, client):
        self.client = client
        self.web = requests.Session()

    def start(self, path: str):
        """Click an SSO button; returns the app's answer (a redirect to the provider, or a page)."""
        return self.client.get(path)

    def _follow_at_provider(self, response) -> str:
        """Follow the provider's redirects until one leads back to the app; return that URL."""
        response, back = self._follow(response)
        assert back is not None, f"the provider did not send the person back: {response.status_code}"
        return back

    def _follow(self, response):
        while response.is_redirect:
            target = urljoin(response.url, response.headers["Location"])
            if urlsplit(target).netloc != urlsplit(response.url).netloc:
                return response, target
            response = self.web.get(target, allow_redirects=False, timeout=10)
        return response, None

    def login_form(self, authorize_url: str):
        response, back = self._follow(self.web.get(authorize_url, allow_redirects=False, timeout=10))
        assert back is None and "/interaction/" in response.url, response.text[:300]
        return response

    def log_in_at_provider(self, authorize_url: str, username: str, password: str = PASSWORD) -> str:
        response, back = self._follow(self.web.get(authorize_url, allow_redirects=False, timeout=10))
        if back is not None:
            return back  # still logged in at the provider: single sign-on, no form
        assert "/interaction/" in response.url, response.text[:300]
        response = self.web.post(
            response.url + "/login", data={"login": username, "password": password}, allow_redirects=False
        )
        return self._follow_at_provider(response)

    def cancel_at_provider(self, authorize_url: str) -> str:
        form = self.login_form(authorize_url)
        return self._follow_at_provider(self.web.post(form.url + "/abort", allow_redirects=False))

    def back_to_app(self, url: str):
        parts = urlsplit(url)
        return self.client.get(parts.path + ("?" + parts.query if parts.query else ""))

    def sso_login(self, start_path: str, username: str, password: str = PASSWORD):
        """The whole login: button, provider's form, back to the app. Returns the app's last answer."""
        started = self.start(start_path)
        assert started.status_code == 302, started.get_data(as_text=True)[:500]
        return self.back_to_app(self.log_in_at_provider(started.headers["Location"], username, password))
