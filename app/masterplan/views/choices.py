"""Choices for page selects and checkboxes: dimensions, sub-dimensions, OPDs, code lists, labelled keys."""

import textwrap

from app.masterplan.common import MasterplanRefs
from app.masterplan.views import LABELS, localized_name


def dimension_choices(refs: MasterplanRefs) -> list[tuple[str, str]]:
    return [(d.code, f"{d.code} · {localized_name(d)}") for d in refs.dimensions]


def sub_choices(refs: MasterplanRefs, dimension_code: str | None = None) -> list[tuple[str, str]]:
    dim = refs.dimension_by_code.get(dimension_code) if dimension_code else None
    return [
        (s.code, f"{s.code} · {localized_name(s)}")
        for s in refs.sub_dimensions
        if dim is None or s.dimension_id == dim.id
    ]


def opd_choices(refs: MasterplanRefs) -> list[tuple[str, str]]:
    return [(str(o.id), o.acronym or o.code) for o in sorted(refs.opd_by_id.values(), key=lambda o: o.code)]


def code_choices(refs: MasterplanRefs, list_name: str) -> list[tuple[str, str]]:
    return [
        (code, localized_name(item))
        for code, item in refs.code_lists.get(list_name, {}).items()
        if not item.retired
    ]


def labelled(keys, group: str) -> list[tuple[str, str]]:
    return [(k, str(LABELS[group][k])) for k in keys]


def shortened(text: str, width: int = 60) -> str:
    """A long text cut at a word for a choice's label, with an ellipsis to say so."""
    return textwrap.shorten(text, width, placeholder=" …")


def strategy_choices(strategies) -> list[tuple[str, str]]:
    return [(str(s.id), f"{s.code} {shortened(s.text)}") for s in strategies]
