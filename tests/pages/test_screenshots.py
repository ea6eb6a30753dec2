"""The screenshot script keeps working: it seeds its own demo, serves it and captures a page."""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def test_the_screenshot_script_captures_a_page_in_both_languages_and_widths(tmp_path):
    subprocess.run(
        [sys.executable, "scripts/screenshots.py", "--out", str(tmp_path), "--only", "login"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    files = sorted(path.name for path in tmp_path.glob("*.png"))
    assert files == [
        "login-en-desktop.png",
        "login-en-phone.png",
        "login-id-desktop.png",
        "login-id-phone.png",
    ]
    for path in tmp_path.glob("*.png"):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
