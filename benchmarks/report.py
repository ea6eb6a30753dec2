"""Writing a benchmark's figures into its own section of docs/PERFORMANCE.md.

Each benchmark owns the text between its two markers; a run replaces that section (or appends it the
first time) and leaves every other benchmark's section as it is."""

from pathlib import Path


def write_section(path: Path, name: str, text: str) -> None:
    """Put ``text`` between the markers of benchmark ``name`` in ``path``."""
    start, end = f"<!-- {name}: start -->", f"<!-- {name}: end -->"
    section = f"{start}\n{text.strip()}\n{end}"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    if start in current and end in current:
        before, rest = current.split(start, 1)
        current = before + section + rest.split(end, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(current, encoding="utf-8")
