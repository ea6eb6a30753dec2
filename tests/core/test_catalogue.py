"""The Indonesian catalogue is complete: every message in the code is in it, translated, not fuzzy,
with the same placeholders as the English."""

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "app" / "translations" / "id" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _catalogue(path: Path):
    with path.open("rb") as file:
        return read_po(file)


def _messages(catalogue) -> dict:
    return {message.id: message for message in catalogue if message.id}


def _key(msgid) -> str:
    return msgid[0] if isinstance(msgid, tuple) else msgid


def test_every_message_in_the_code_is_in_the_catalogue(tmp_path):
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [str(pybabel), "-q", "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "--no-location"]
        + ["-o", str(pot), "app"],
        cwd=ROOT,
        check=True,
    )
    in_code = {_key(m) for m in _messages(_catalogue(pot))}
    in_catalogue = {_key(m) for m in _messages(_catalogue(PO))}
    missing = sorted(in_code - in_catalogue)
    assert not missing, (
        "messages missing from the Indonesian catalogue: run pybabel extract and update (see the README), "
        f"then translate: {missing}"
    )


def test_every_indonesian_message_is_translated_and_none_is_fuzzy():
    catalogue = _catalogue(PO)
    untranslated, fuzzy = [], []
    for message in _messages(catalogue).values():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            untranslated.append(_key(message.id))
        if message.fuzzy:
            fuzzy.append(_key(message.id))
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy (check and clear the flag): {fuzzy}"


def test_translations_keep_the_placeholders():
    for message in _messages(_catalogue(PO)).values():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(" ".join(ids)))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == expected, message.id


def test_every_translated_message_in_python_is_a_literal():
    """pybabel reads messages from the code: ``_(variable)`` is never extracted, so never translated."""
    import ast

    found = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"_", "_l", "gettext", "lazy_gettext", "ngettext"}
                and not (
                    node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                )
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, f"messages the catalogue cannot see: {found}"


def test_indonesian_has_one_plural_form_and_every_plural_message_gives_it():
    """Indonesian does not inflect for number: one form serves 1 and 5 (``3 program``)."""
    catalogue = _catalogue(PO)
    assert catalogue.num_plurals == 1
    for message in _messages(catalogue).values():
        if message.pluralizable:
            assert len(message.string) == 1, message.id
