"""Both README commands install from requirements.lock: every dependency pyproject.toml names is pinned
there, so a fresh machine gets the versions the tests ran with."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_dependency_is_pinned_in_the_lock_file():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]}
    pinned = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)", line)
        if match:
            pinned[match.group(1).lower().replace("_", "-")] = match.group(2)
    missing = sorted(wanted - set(pinned))
    assert not missing, f"not in requirements.lock: {missing}; run ./scripts/lock and commit the lock file"
