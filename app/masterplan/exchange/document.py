"""The official masterplan document: the PDF a city hands in, in Bahasa Indonesia.

Cover (the government's name, the masterplan's title and period, its legal basis), table of contents,
and seven chapters: I analysis (readiness, gaps, SWOT), II vision and missions, III goals and indicators
with yearly targets, IV strategies, V programs per dimension (lead OPD, budget per year, quick wins),
VI action plan, VII roadmap (programs × years). Written as an HTML template and laid out by WeasyPrint
on A4 pages with page numbers; tables repeat their header on each page and keep rows whole.

The masterplan is read whole with ``load_content`` (one query per table), so the query count is the same
for ten programs or a thousand.
"""

import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from flask import render_template
from flask_babel import force_locale

from app.core.auth import Actor
from app.masterplan.content import MasterplanContent
from app.masterplan.exchange.shape import FIXED_MEANINGS, natural_key
from app.masterplan.models import (
    ENACTED,
    READINESS_ASPECTS,
    SWOT_QUADRANTS,
    ActionItem,
    GapAnalysis,
    Goal,
    Indicator,
    Mission,
    Program,
    ProgramPartner,
    ReadinessEntry,
    Strategy,
    SwotItem,
)
from app.reference.services import Dimension, FrameworkVersion, SubDimension

if TYPE_CHECKING:  # annotations only: the tenants package's rows, read through its services
    from app.tenants.models import Opd, Tenant

LEGAL_NAMES = {
    "kota": {"PERWALI": "Peraturan Wali Kota", "SK": "Keputusan Wali Kota"},
    "kabupaten": {"PERBUP": "Peraturan Bupati", "SK": "Keputusan Bupati"},
}
LEGAL_FALLBACK = {
    "PERWALI": "Peraturan Wali Kota",
    "PERBUP": "Peraturan Bupati",
    "PERDA": "Peraturan Daerah",
    "SK": "Keputusan Kepala Daerah",
}
STATUS_NAMES = {
    "draft": "Draf",
    "in_review": "Dalam Reviu",
    "endorsed": "Disetujui",
    "enacted": "Ditetapkan",
    "superseded": "Tidak Berlaku",
}
MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII")
# Budget columns per table: a ten-year plan is shown in two tables of five years rather than one too wide.
YEARS_PER_TABLE = 5


def tanggal(value: date | None) -> str:
    """14 Desember 2020."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}" if value else ""


@dataclass
class ProgramLine:
    program: Program
    number: int
    sub: SubDimension | None
    lead: "Opd | None"
    supporting: "list[Opd]"
    partners: list[ProgramPartner]
    strategies: list[str]
    budget: dict[int, int]
    sources: list[str]

    @property
    def total(self) -> int:
        return sum(self.budget.values())


@dataclass
class IndicatorLine:
    indicator: Indicator
    targets: dict[int, float]
    opd: "Opd | None"


@dataclass
class GoalBlock:
    goal: Goal
    sub: SubDimension | None
    indicators: list[IndicatorLine]


@dataclass
class DimensionPart:
    """Everything one dimension holds, in the order the chapters show it."""

    dimension: Dimension
    number: int
    readiness: list[ReadinessEntry] = field(default_factory=list)
    gaps: list[tuple[GapAnalysis, SubDimension]] = field(default_factory=list)
    swot: dict[str, list[SwotItem]] = field(default_factory=dict)
    goals: list[GoalBlock] = field(default_factory=list)
    strategies: list[tuple[Strategy, int, SubDimension | None]] = field(default_factory=list)
    programs: list[ProgramLine] = field(default_factory=list)

    @property
    def quick_wins(self) -> list[ProgramLine]:
        return [p for p in self.programs if p.program.quick_win]

    def budget(self, year: int | None = None) -> int:
        return sum(p.budget.get(year, 0) if year else p.total for p in self.programs)


@dataclass
class ActionLine:
    number: int
    item: ActionItem
    program: Program | None
    opd: "Opd | None"


@dataclass
class Document:
    tenant: "Tenant"
    framework: FrameworkVersion
    content: MasterplanContent
    years: list[int]
    dimensions: list[DimensionPart]
    missions: list[tuple[Mission, list[Dimension]]]
    actions: list[tuple[int, list[ActionLine]]]
    programs: list[ProgramLine]
    meanings: dict = field(default_factory=lambda: FIXED_MEANINGS)
    roman: tuple = ROMAN

    @property
    def masterplan(self):
        return self.content.masterplan

    @property
    def government(self) -> str:
        return f"Pemerintah {self.tenant.name}"

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.masterplan.status, self.masterplan.status)

    @property
    def is_enacted(self) -> bool:
        return self.masterplan.status == ENACTED

    @property
    def legal_basis(self) -> str | None:
        mp = self.masterplan
        if not (mp.legal_type and mp.legal_number):
            return None
        kind = LEGAL_NAMES.get(self.tenant.kind, {}).get(mp.legal_type) or LEGAL_FALLBACK[mp.legal_type]
        text = f"{kind} {self.tenant.name.split(' ', 1)[-1]} Nomor {mp.legal_number}"
        return f"{text} tanggal {tanggal(mp.legal_date)}" if mp.legal_date else text

    @property
    def compact_roadmap(self) -> bool:
        """Past six years, the roadmap's cells show millions: a full Rupiah per year no longer fits."""
        return len(self.years) > 6

    @property
    def year_tables(self) -> list[list[int]]:
        """The years split over as few budget tables as fit the page, evenly (seven years: 4 and 3)."""
        tables = -(-len(self.years) // YEARS_PER_TABLE)
        size = -(-len(self.years) // max(tables, 1))
        return [self.years[i : i + size] for i in range(0, len(self.years), size)] or [[]]

    def budget(self, year: int | None = None) -> int:
        return sum(d.budget(year) for d in self.dimensions)

    @property
    def quick_win_count(self) -> int:
        return sum(len(d.quick_wins) for d in self.dimensions)

    def code_name(self, list_name: str, code: str | None) -> str:
        item = self.content.refs.code_lists.get(list_name, {}).get(code)
        return item.name_id if item else (code or "–")

    @staticmethod
    def program_class(code: str | None) -> str:
        """Suprastruktur, Infrastruktur, ...: the class's own word, which reads as the document's term."""
        return code.capitalize() if code else "–"


def build_document(content: MasterplanContent, tenant: "Tenant") -> Document:
    """Arrange a whole masterplan into the document's chapters."""
    mp, refs = content.masterplan, content.refs
    framework = refs.framework.framework
    dims = {d.id: DimensionPart(d, i + 1) for i, d in enumerate(refs.dimensions)}
    subs = refs.sub_dimension_by_id
    opds = refs.opd_by_id

    aspects = {a: i for i, a in enumerate(READINESS_ASPECTS)}
    for entry in sorted(content[ReadinessEntry], key=lambda r: aspects[r.aspect]):
        dims[entry.dimension_id].readiness.append(entry)
    for gap in sorted(content[GapAnalysis], key=lambda g: (subs[g.sub_dimension_id].position, g.position)):
        dims[subs[gap.sub_dimension_id].dimension_id].gaps.append((gap, subs[gap.sub_dimension_id]))
    for part in dims.values():
        part.swot = {q: [] for q in SWOT_QUADRANTS}
    for item in sorted(content[SwotItem], key=lambda s: s.position):
        dims[item.dimension_id].swot[item.quadrant].append(item)

    targets = content.targets_by_indicator()
    indicators = content.indicators_by_goal()
    for goal in sorted(content[Goal], key=lambda g: g.position):
        lines = [
            IndicatorLine(i, targets.get(i.id, {}), opds.get(i.responsible_opd_id))
            for i in sorted(indicators.get(goal.id, []), key=lambda i: i.position)
        ]
        dims[goal.dimension_id].goals.append(GoalBlock(goal, subs.get(goal.sub_dimension_id), lines))

    strategies = {s.id: s for s in content[Strategy]}
    children = defaultdict(list)
    for s in strategies.values():
        children[s.parent_id if s.parent_id in strategies else None].append(s)

    def walk(parent_id, depth: int):
        for s in sorted(children.get(parent_id, []), key=lambda s: natural_key(s.code)):
            dims[s.dimension_id].strategies.append((s, depth, subs.get(s.sub_dimension_id)))
            walk(s.id, depth + 1)

    walk(None, 0)

    budget, partners = content.budget_by_program(), content.partners_by_program()
    served, supporting = content.strategies_by_program(), content.opds_by_program()
    years = set(mp.years)
    programs = sorted(content[Program], key=lambda p: natural_key(p.code))
    lines_by_program = {}
    for p in programs:
        per_year: dict[int, int] = defaultdict(int)
        for b in budget.get(p.id, []):
            per_year[b.year] += b.amount
        years |= set(per_year) | set(p.roadmap_years or [])
        part = dims[p.dimension_id]
        line = ProgramLine(
            p,
            len(part.programs) + 1,
            subs.get(p.sub_dimension_id),
            opds.get(p.lead_opd_id),
            [opds[o] for o in supporting.get(p.id, []) if o in opds],
            partners.get(p.id, []),
            sorted((strategies[s].code for s in served.get(p.id, []) if s in strategies), key=natural_key),
            dict(per_year),
            sorted({b.funding_source for b in budget.get(p.id, [])}),
        )
        part.programs.append(line)
        lines_by_program[p.id] = line

    by_year = defaultdict(list)
    for item in sorted(content[ActionItem], key=lambda a: (a.year, a.position)):
        years.add(item.year)
        line = lines_by_program.get(item.program_id)
        by_year[item.year].append(
            ActionLine(
                len(by_year[item.year]) + 1, item, line.program if line else None, opds.get(item.opd_id)
            )
        )

    served_dims = content.mission_dimensions()
    missions = [
        (m, [refs.dimension_by_id[d] for d in served_dims.get(m.id, []) if d in refs.dimension_by_id])
        for m in sorted(content[Mission], key=lambda m: m.number)
    ]
    ordered = list(dims.values())
    return Document(
        tenant=tenant,
        framework=framework,
        content=content,
        years=sorted(years),
        dimensions=ordered,
        missions=missions,
        actions=sorted(by_year.items()),
        programs=[line for part in ordered for line in part.programs],
    )


def render_html(document: Document) -> str:
    """The document as HTML, in Indonesian whatever the requester's language (it is the city's text)."""
    with force_locale("id"):
        return render_template(
            "masterplan/document/masterplan.html", doc=document, issued=tanggal(date.today())
        )


def render_pdf(document: Document, progress: Callable[[int, str], None] | None = None) -> bytes:
    """Lay the document out on A4 pages and write the PDF."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_html(document)
    if progress:
        progress(35, "layout")
    # The document needs nothing from outside; refusing every fetch keeps text typed by users from
    # making the renderer read files or call hosts.
    fetcher = URLFetcher(allowed_protocols=("data",))
    laid_out = HTML(string=html, url_fetcher=fetcher).render()
    if progress:
        progress(85, "write")
    return laid_out.write_pdf()


def document_for(masterplan_id: uuid.UUID, *, actor: Actor) -> Document:
    from app.masterplan.content import load_content
    from app.tenants import services as tenants

    content = load_content(masterplan_id, actor=actor)
    return build_document(content, tenants.get_tenant(content.masterplan.tenant_id, actor=actor))
