"""One row's cells, read the way each column expects: text, whole numbers, years in the period, codes
from a list, Rupiah amounts. Every problem is recorded against its sheet, row and column.

A year outside the period is refused unless the masterplan already holds it on that row (``held``): a
revision for a new period keeps the years of the version it copies until the planner changes them, and
its own export must import back unchanged. A year the workbook adds must lie in the period."""

import re
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from app.core import bounds
from app.core.numbers import NumberRefused, as_decimal, as_rupiah
from app.masterplan.common import MAX_YEAR, MIN_YEAR
from app.masterplan.exchange.reading import Problem, SheetRows
from app.masterplan.exchange.shape import find_choice
from app.masterplan.programs import CODE_RE, MAX_AMOUNT

if TYPE_CHECKING:
    from app.masterplan.exchange.importer import ImportCheck

TRUE_WORDS = {"ya", "y", "yes", "true", "1", "x", "✓"}
FALSE_WORDS = {"tidak", "t", "no", "n", "false", "0", "-"}
YEAR_RANGE_RE = re.compile(r"^(\d{4})\s*[-–]\s*(\d{4})$")


class Cells:
    """One row's cells, read as the column expects; each problem is recorded against its column."""

    def __init__(self, check: "ImportCheck", rows: SheetRows, number: int, cells: dict):
        self.check, self.rows, self.row_number, self.cells = check, rows, number, cells
        self.ok = True
        self.columns = {c.key: c for c in rows.sheet.all_columns()}

    def fail(self, key, reason: str) -> None:
        self.ok = False
        if isinstance(key, int):  # a yearly target column
            letter, title = self.rows.target_letters.get(key), f"Target {key}"
        else:
            letter, title = self.rows.letters.get(key), self.columns[key].header
        self.check.problems.append(Problem(self.rows.sheet.title, self.row_number, letter, title, reason))

    def text(self, key: str, *, required: bool = False, max_length: int | None = None) -> str | None:
        value = self.cells.get(key)
        if value is None:
            if required:
                self.fail(key, _("Required."))
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value).strip()
        # With a length, one line of a String column; without, long text of a Text column.
        limit = max_length or bounds.NARRATIVE_MAX
        if len(value) > limit:
            self.fail(key, _("At most %(n)s characters (this has %(length)s).", n=limit, length=len(value)))
            return None
        problem = bounds.text_problem(value, multiline=max_length is None)
        if problem is not None:
            self.fail(key, str(problem))
            return None
        return value

    def integer(self, key, *, required: bool = False, minimum: int = 1) -> int | None:
        value = self.cells.get(key)
        if value is None:
            if required:
                self.fail(key, _("Required."))
            return None
        number = as_int(value)
        if number is None or not minimum <= number <= bounds.INT32_MAX:
            self.fail(key, _("A whole number from %(n)s.", n=minimum))
            return None
        return number

    def number(self, key) -> float | None:
        """A number as the workbook's language writes it ("1.250,5"), or a number cell as it is."""
        value = self.cells.get(key)
        if value is None:
            return None
        try:
            return float(as_decimal(value, self.check.locale))
        except NumberRefused as refused:
            self.fail(key, str(refused.message))
            return None

    def year(self, key, *, required: bool = False, in_period: bool = True, held=frozenset()) -> int | None:
        value = self.cells.get(key)
        if value is None:
            if required:
                self.fail(key, _("Required."))
            return None
        year = as_int(value)
        if year is None or not MIN_YEAR <= year <= MAX_YEAR:
            self.fail(key, _("A year (this is %(value)s).", value=_shown(value)))
            return None
        if in_period and not self.in_period(key, year, held):
            return None
        return year

    def in_period(self, key, year: int, held=frozenset()) -> bool:
        mp = self.check.content.masterplan
        if mp.period_start <= year <= mp.period_end or year in held:
            return True
        self.fail(
            key,
            _(
                "%(year)s is outside the masterplan's period %(start)s–%(end)s.",
                year=year,
                start=mp.period_start,
                end=mp.period_end,
            ),
        )
        return False

    def years(self, key, held=frozenset()) -> list[int]:
        value = self.cells.get(key)
        if value is None:
            return []
        years: set[int] = set()
        for part in parts(value):
            if match := YEAR_RANGE_RE.match(part):
                first, last = int(match.group(1)), int(match.group(2))
                found = list(range(first, last + 1)) if first <= last <= first + 50 else None
            else:
                single = as_int(part)
                found = [single] if single is not None and MIN_YEAR <= single <= MAX_YEAR else None
            if found is None:
                self.fail(
                    key, _("Years separated by commas, e.g. 2025, 2026 (%(part)s is not one).", part=part)
                )
                return []
            years.update(found)
        mp = self.check.content.masterplan
        outside = [
            str(y) for y in sorted(years) if not mp.period_start <= y <= mp.period_end and y not in held
        ]
        if outside:
            self.fail(
                key,
                _(
                    "%(years)s: outside the masterplan's period %(start)s–%(end)s.",
                    years=", ".join(outside),
                    start=mp.period_start,
                    end=mp.period_end,
                ),
            )
            return []
        return sorted(years)

    def choice(self, key, list_key: str, *, required: bool = False) -> str | None:
        value = self.text(key, required=required)
        if value is None:
            return None
        found = find_choice(self.check.choices[list_key], value)
        if found is None:
            self.fail(
                key,
                _(
                    "%(value)s is not in the list: %(codes)s.",
                    value=value,
                    codes=self.check.offered(list_key),
                ),
            )
        return found

    def codes(self, key, list_key: str) -> list[str]:
        value = self.cells.get(key)
        if value is None:
            return []
        found, unknown = [], []
        for part in parts(value):
            code = find_choice(self.check.choices[list_key], part)
            (found if code else unknown).append(code or part)
        if unknown:
            self.fail(
                key,
                _(
                    "Not in the list: %(unknown)s (offered: %(codes)s).",
                    unknown=", ".join(unknown),
                    codes=self.check.offered(list_key),
                ),
            )
        return list(dict.fromkeys(found))

    def flag(self, key) -> bool:
        value = self.cells.get(key)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        number = as_int(value)
        word = (str(number) if number is not None else str(value)).strip().casefold()
        if word in TRUE_WORDS:
            return True
        if word not in FALSE_WORDS:
            self.fail(key, _("Ya or Tidak."))
        return False

    def amount(self, key, *, required: bool = False) -> int | None:
        """Whole Rupiah: a number cell, or text as people write it ("Rp 1.250.000.000,00", "2,5 miliar")."""
        value = self.cells.get(key)
        if value is None:
            if required:
                self.fail(key, _("Required."))
            return None
        try:
            amount = as_rupiah(value, self.check.locale)
        except NumberRefused as refused:
            self.fail(key, str(refused.message))
            return None
        if not 0 <= amount <= MAX_AMOUNT:
            self.fail(
                key, _("An amount in whole Rupiah, not negative (this is %(value)s).", value=_shown(value))
            )
            return None
        return amount

    def code(self, key, *, required: bool = True) -> str | None:
        """A program or strategy code: letters and digits joined by dots or dashes."""
        value = self.text(key, required=required, max_length=30)
        if value is not None and not CODE_RE.match(value):
            self.fail(
                key,
                _(
                    "Letters and digits joined by dots or dashes, e.g. S.1.1 (this is %(value)s).",
                    value=value,
                ),
            )
            return None
        return value


def as_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    digits = value.strip().lstrip("-") if isinstance(value, str) else ""
    # ASCII digits only ("²" is a digit to str.isdigit() but not to int()), and not so many that int()
    # refuses them: no column holds more than 19 digits.
    if digits.isascii() and digits.isdigit() and len(digits) <= 19:
        return int(value.strip())
    return None


def parts(value) -> list[str]:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return [p.strip() for p in re.split(r"[,;\n]", str(value)) if p.strip()]


def _shown(value) -> str:
    text = str(value)
    return f"“{text[:40]}…”" if len(text) > 40 else f"“{text}”"
