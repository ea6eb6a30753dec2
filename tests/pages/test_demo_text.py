"""The demo reads like a real city: walking each demo tenant's pages, in Indonesian and in English, no text
a person reads (nor a value in a form) carries the maintainers' markers: "(INV)" for invented content,
seed and source shorthand, or notes to self; and no page prints an attribute as text."""

import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from app.demo import DEMO_PASSWORD
from tests.conftest import login
from tests.support.snapshot import DEMO

MARKERS = re.compile(
    r"\(INV\b|\bINV\)|\bINV-|[,;]\s*INV\b|\bseed:|\bS\d\.\.S\d\b|\bsrc:|\bweb:\S|\bTODO\b|\bTBD\b|\bFIXME\b"
    r"|lorem ipsum|to be confirmed",
    re.IGNORECASE,
)
# Links the walk leaves alone: files, sign-out, and pages that only repeat another page's content.
# An attribute a template meant to write but printed as text (minlength=&quot;10&quot;).
ESCAPED_ATTRIBUTE = re.compile(r"\s[a-z-]+=&quot;")
SKIP = re.compile(r"logout|export|\.xlsx|\.pdf|\.csv|/download|/content|/jobs/|[?&]page=|/compare")
TENANTS = {"kota-palopo": 70, "kota-balikpapan": 40, "kab-penajam-paser-utara": 40}


class _Reader(HTMLParser):
    """What a person reads on a page: its text, form values and titles; and the links it offers."""

    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._hidden += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in ("value", "title", "placeholder", "aria-label", "alt"):
            if attrs.get(name) and not (tag == "input" and attrs.get("type") == "hidden"):
                self.text.append(attrs[name])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def _read(page: str) -> _Reader:
    reader = _Reader()
    reader.feed(page)
    return reader


def _walk(client, slug: str, lang: str, limit: int) -> dict[str, list[str]]:
    """Markers found on up to ``limit`` pages of the tenant reached from its start and masterplan pages."""
    base = f"/t/{slug}/"
    queue, seen, found = [base, f"{base}masterplans/", f"{base}council/", f"{base}reporting/"], set(), {}
    while queue and len(seen) < limit:
        url = queue.pop(0)
        path = urlsplit(url).path
        if path in seen:
            continue
        seen.add(path)
        response = client.get(f"{path}?lang={lang}")
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        reader = _read(html)
        hits = sorted({m.group(0) for m in MARKERS.finditer(unescape(" ".join(reader.text)))})
        hits += sorted({m.group(0).strip() for m in ESCAPED_ATTRIBUTE.finditer(html)})
        if hits:
            found[path] = hits
        queue += [link for link in reader.links if link.startswith(base) and not SKIP.search(link)]
    assert len(seen) >= min(limit, 15), f"the walk of {slug} reached only {len(seen)} pages"
    return found


@pytest.fixture
def demo(app):
    DEMO.load(app)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_demo_tenants_pages_carry_no_internal_markers(app, demo, lang):
    found = {}
    for slug, limit in TENANTS.items():
        client = app.test_client()  # each tenant's administrator in a browser of their own
        login(client, f"admin@{slug}.demo", DEMO_PASSWORD)
        found.update(_walk(client, slug, lang, limit if lang == "id" else limit // 2))
    assert found == {}


def test_the_markers_are_recognised():
    for text in ("Bank daerah (INV)", "INV-23/2020", "temuan evaluasi, INV)", "src: seed:S1", "S0..S4"):
        assert MARKERS.search(text), text
    for text in ("Investasi daerah", "INVESTASI", "Kepala Dinas (PUPR)", "https://palopokota.go.id"):
        assert not MARKERS.search(text), text
    assert ESCAPED_ATTRIBUTE.search('<input name="password" minlength=&quot;10&quot;>')
    assert not ESCAPED_ATTRIBUTE.search('<input name="password" minlength="10" value="&quot;kutip&quot;">')
