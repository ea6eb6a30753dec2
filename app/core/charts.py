"""Chart islands: the data a template hands to ``macros/charts.html``, checked and made JSON-ready.

The macro renders a plain table (read when JavaScript is off, and by screen readers) and a JSON block
that frontend/src/charts.js draws with ECharts as a bar, line or radar chart.
"""

from decimal import Decimal

KINDS = ("bar", "line", "radar")
FORMATS = ("number", "rupiah", "percent")


def _number(value) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"chart values must be numbers or None, not {value!r}")
    return value


def chart_spec(
    kind: str,
    labels,
    series,
    value_format: str = "number",
    max_value=None,
    *,
    digits: int = 0,
    horizontal: bool = False,
    links=None,
) -> dict:
    """The island's data: ``series`` is a list of ``{"name": ..., "data": [...]}``, one value per label.

    ``digits``: decimals shown (0 keeps the value axis on whole numbers, e.g. for counts);
    ``horizontal``: bars run left to right, for long labels (bar charts only);
    ``links``: one URL per label, the rows a value comes from (the table's values link there and a
    click on a bar or point goes there).
    A wrong kind, format or series length is a programming error and fails loudly while rendering."""
    if kind not in KINDS:
        raise ValueError(f"chart kind {kind!r}: one of {KINDS}")
    if value_format not in FORMATS:
        raise ValueError(f"chart format {value_format!r}: one of {FORMATS}")
    labels = [str(label) for label in labels]
    clean = []
    for item in series:
        data = [_number(v) for v in item["data"]]
        if len(data) != len(labels):
            raise ValueError(f"series {item['name']!r} has {len(data)} values for {len(labels)} labels")
        clean.append({"name": str(item["name"]), "data": data})
    if links is not None:
        links = [str(link) for link in links]
        if len(links) != len(labels):
            raise ValueError(f"{len(links)} links for {len(labels)} labels")
    return {
        "kind": kind,
        "labels": labels,
        "series": clean,
        "format": value_format,
        "max": _number(max_value),
        "digits": int(digits),
        "horizontal": bool(horizontal) and kind == "bar",
        "links": links,
    }
