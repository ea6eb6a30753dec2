"""The import rules hold: core imports no domain, packages use each other only through services (policy
and schemas where needed), and no two packages import each other. The contracts in pyproject.toml are
written with wildcards, so they are also tried here on a small package of two new domains."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _contracts() -> list[dict]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def _lint(root: Path, config: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), str(config), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        timeout=300,
    )


def test_every_contract_of_the_product_is_kept():
    result = _lint(ROOT, ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in {"__init__.py": "", "core/__init__.py": "", "extensions.py": "", **files}.items():
        path = tmp_path / "app" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        for parent in path.relative_to(tmp_path).parents[:-1]:
            (tmp_path / parent / "__init__.py").touch()
    return tmp_path


def _config(tmp_path: Path, *names: str) -> Path:
    """The product's contracts named, without its layers (which list the product's own packages)."""
    lines = ['[tool.importlinter]\nroot_package = "app"\nexclude_type_checking_imports = true\n']
    for contract in _contracts():
        if contract["name"] not in names:
            continue
        lines.append("[[tool.importlinter.contracts]]")
        for key, value in contract.items():
            if key == "unmatched_ignore_imports_alerting":
                continue
            if key == "ignore_imports":
                # The product's known exceptions name its own modules; a new package has none.
                value = [v for v in value if "*" in v]
            lines.append(f"{key} = {_toml(value)}")
        lines.append('unmatched_ignore_imports_alerting = "none"')
    path = tmp_path / "contracts.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _toml(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return '"' + value + '"'


SERVICES = "Domains use each other only through services (and, where truly needed, policy and schemas)"
CORE = "Core imports no domain"
CYCLES = "No import cycles between packages"


def test_a_new_domain_reaching_into_another_domains_models_breaks_the_rules(tmp_path):
    root = _package(
        tmp_path,
        {
            "grants/models.py": "",
            "grants/services.py": "from app.grants import models\n",
            "grants/policy.py": "",
            "audits/services.py": "from app.grants import services, policy\n",
            "audits/views.py": "from app.grants.models import *\n",
        },
    )
    config = _config(tmp_path, SERVICES)
    result = _lint(root, config)
    assert result.returncode == 1, result.stdout
    assert "app.audits.views -> app.grants.models" in result.stdout
    assert "app.audits.services -> app.grants.services" not in result.stdout


def test_through_services_the_same_domains_keep_the_rules(tmp_path):
    root = _package(
        tmp_path,
        {
            "grants/models.py": "",
            "grants/services.py": "from app.grants import models\n",
            "audits/services.py": "from app.grants import services\n",
            "audits/views.py": "from app.audits import services\nfrom app.core import helpers\n",
            "core/helpers.py": "from app import extensions\n",
        },
    )
    result = _lint(root, _config(tmp_path, SERVICES, CORE, CYCLES))
    assert result.returncode == 0, result.stdout


def test_core_importing_a_domain_and_two_domains_importing_each_other_break_the_rules(tmp_path):
    root = _package(
        tmp_path,
        {
            "core/helpers.py": "from app.grants import services\n",
            "grants/services.py": "from app.audits import services\n",
            "audits/services.py": "from app.grants import services\n",
        },
    )
    result = _lint(root, _config(tmp_path, CORE, CYCLES))
    assert result.returncode == 1
    assert "Core imports no domain BROKEN" in result.stdout
    assert "No import cycles between packages BROKEN" in result.stdout
