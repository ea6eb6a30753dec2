"""Demo masterplans, built through the masterplan services from app/data/demo.yaml and the seeds.

Palopo: its smart society content from the masterplan excerpt (sasaran, gap analysis, SWOT strengths,
strategies S.1.1, S.2.1, S.3.1, the 230-cases baseline), enacted as version 1.1, with a revision for
2025–2029 in draft. Balikpapan: versions 1.0 (superseded), 2.0 (enacted) with Klik Balikpapan, Si Tanggap
and its other programs, and 3.0 in draft. Penajam Paser Utara: version 1.0 with its six quick wins.
Content marked INV in demo.yaml, or written here without a source, is invented but plausible, so that
every tenant's overview shows all six dimensions and every part of a masterplan exists for each tenant.
Seeding is skipped for a tenant that has a masterplan already, so running it again changes nothing.
"""

from functools import lru_cache
from pathlib import Path

import yaml

from app.core.auth import Actor
from app.extensions import db
from app.masterplan import services as masterplans
from app.reference import services as reference
from app.tenants import services as tenants

FRAMEWORK_CODE = "KOMINFO-SC-2021"
EXTRA_FILE = Path(__file__).resolve().parent.parent / "data" / "demo_masterplans.yaml"


def seed_masterplans(spec: dict, actor: Actor) -> None:
    """Seed the demo masterplans of the tenant ``spec`` describes (inside its tenant context)."""
    if masterplans.list_masterplans(actor=actor):
        return
    framework_id = max(
        (f for f in reference.list_frameworks(actor=actor, published_only=True) if f.code == FRAMEWORK_CODE),
        key=lambda f: f.version,
    ).id
    extra = _extra_content()[spec["slug"]]
    builder = {"kota-palopo": _palopo, "kota-balikpapan": _balikpapan, "kab-penajam-paser-utara": _ppu}
    builder[spec["slug"]](spec, extra, framework_id, actor)


@lru_cache(maxsize=1)
def _extra_content() -> dict:
    return yaml.load(
        EXTRA_FILE.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )


# --- the engine: a content dict written through the services ---------------------------------------


def _enact(masterplan_id, actor: Actor, legal: dict) -> None:
    for status in ("in_review", "endorsed"):
        masterplans.change_status(masterplan_id, status, actor=actor)
    masterplans.change_status(masterplan_id, "enacted", actor=actor, legal=legal)


def _write(masterplan_id, content: dict, actor: Actor) -> None:
    opd = {o.code: o.id for o in tenants.list_opds(actor=actor)}
    if "vision" in content:
        masterplans.set_vision(masterplan_id, content["vision"], actor=actor)
    for number, text, dims in content.get("missions", []):
        masterplans.create_mission(
            masterplan_id, {"number": number, "text": text, "dimension_codes": dims}, actor=actor
        )
    for dim, aspect, level, condition in content.get("readiness", []):
        masterplans.create_readiness(
            masterplan_id,
            {"dimension_code": dim, "aspect": aspect, "level": level, "condition": condition},
            actor=actor,
        )
    for sub, current, future, implication in content.get("gaps", []):
        masterplans.create_gap(
            masterplan_id,
            {
                "sub_dimension_code": sub,
                "current_condition": current,
                "future_condition": future,
                "implication": implication,
            },
            actor=actor,
        )
    for dim, quadrant, text in content.get("swot", []):
        masterplans.create_swot_item(
            masterplan_id, {"dimension_code": dim, "quadrant": quadrant, "text": text}, actor=actor
        )
    for goal in content.get("goals", []):
        _write_goal(masterplan_id, goal, opd, actor)
    strategy_ids = {}
    for strategy in content.get("strategies", []):
        _write_strategy(masterplan_id, strategy, None, strategy_ids, actor)
    program_ids = {}
    for program in content.get("programs", []):
        program_ids[program["code"]] = _write_program(masterplan_id, program, opd, strategy_ids, actor)
    for item in content.get("actions", []):
        masterplans.create_action_item(
            masterplan_id,
            {
                "program_id": program_ids[item["program"]],
                "year": item["year"],
                "activity": item["activity"],
                "output": item.get("output"),
                "target": item.get("target"),
                "opd_id": opd.get(item.get("opd")),
                "budget": item.get("budget"),
            },
            actor=actor,
        )


def _placement(item: dict) -> dict:
    if "sub" in item:
        return {"sub_dimension_code": item["sub"]}
    return {"dimension_code": item["dimension"]}


def _write_goal(masterplan_id, goal: dict, opd: dict, actor: Actor) -> None:
    created = masterplans.create_goal(masterplan_id, {**_placement(goal), "text": goal["text"]}, actor=actor)
    for indicator in goal.get("indicators", []):
        masterplans.create_indicator(
            masterplan_id,
            {
                "goal_id": created.id,
                "code": indicator.get("id"),
                "name": indicator["name"],
                "unit": indicator["unit"],
                "polarity": indicator.get("polarity", "higher_better"),
                "accumulation": {"akumulatif": "cumulative"}.get(indicator.get("accumulation"), "annual"),
                "baseline_value": indicator.get("baseline", {}).get("value"),
                "baseline_year": indicator.get("baseline", {}).get("year"),
                "data_source": indicator.get("data_source"),
                "responsible_opd_id": opd.get(indicator.get("opd")),
                "targets": [{"year": y, "value": v} for y, v in (indicator.get("targets") or {}).items()],
            },
            actor=actor,
        )


def _write_strategy(masterplan_id, strategy: dict, parent_id, ids: dict, actor: Actor) -> None:
    data = {"code": strategy["code"], "text": strategy["text"], "parent_id": parent_id}
    if parent_id is None:
        data.update(_placement(strategy))
    created = masterplans.create_strategy(masterplan_id, data, actor=actor)
    ids[created.code] = created.id
    for child in strategy.get("children", []):
        _write_strategy(masterplan_id, child, created.id, ids, actor)


def _write_program(masterplan_id, program: dict, opd: dict, strategy_ids: dict, actor: Actor):
    data = {
        "code": program["code"],
        "name": program["name"],
        "description": program.get("description"),
        "strategy_ids": [strategy_ids[c] for c in program.get("strategies", [])],
        "program_class": program.get("class"),
        "horizon": program.get("horizon"),
        "quick_win": program.get("is_quick_win", False),
        "lead_opd_id": opd.get(program.get("lead")),
        "supporting_opd_ids": [opd[c] for c in program.get("support", []) if c in opd],
        "partners": [{"name": n, "sector": s} for n, s in program.get("partners", [])],
        "roadmap_years": program.get("roadmap", []),
        "budget_lines": [
            {
                "year": b["year"],
                "amount": b["idr"],
                "funding_source": b["source"],
                "status": b.get("status", "allocated"),
            }
            for b in program.get("budget", [])
        ],
        "status": program.get("status", "planned"),
    }
    if "sub" in program or "dimension" in program:
        data.update(_placement(program))
    return masterplans.create_program(masterplan_id, data, actor=actor).id


def _header(title: str, label: str, period, rpjmd, framework_id) -> dict:
    return {
        "title": title,
        "version_label": label,
        "period_start": period[0],
        "period_end": period[1],
        "rpjmd_start": rpjmd[0],
        "rpjmd_end": rpjmd[1],
        "framework_id": framework_id,
    }


def _period(period, rpjmd) -> dict:
    return {
        "period_start": period[0],
        "period_end": period[1],
        "rpjmd_start": rpjmd[0],
        "rpjmd_end": rpjmd[1],
    }


def _budget_by_program(examples) -> dict[str, list]:
    budget: dict[str, list] = {}
    for example in examples:
        budget.setdefault(example["program"], []).append(example)
    return budget


def _analysis(extra: dict) -> dict:
    return {
        key: extra[key]
        for key in ("missions", "readiness", "gaps", "swot", "strategies", "actions")
        if key in extra
    }


# --- Kota Palopo: its smart society from the masterplan excerpt (seed:S0) -----------------------------


def _palopo(spec: dict, extra: dict, framework_id, actor: Actor) -> None:
    plan = spec["masterplan"]
    header = _header(plan["title"], plan["version"], plan["period"], extra["rpjmd"], framework_id)
    masterplan = masterplans.create_masterplan(header, actor=actor)
    indicators = [{**i, **extra["indicator_details"].get(i["id"], {})} for i in plan["indicators"]]
    sasaran = plan["sasaran"][0]
    programs_ = [
        {**p, "partners": [(name, extra["partner_sectors"][name]) for name in p.get("partners", [])]}
        for p in plan["programs"]
    ]
    content = {
        **_analysis(extra),
        "vision": plan["vision"],
        "missions": extra["missions"]
        + [[m["ordinal"], m["text"], m["dimensions"]] for m in plan["missions"]],
        "gaps": [
            [g["sub"], g["saat_ini"], g.get("masa_depan"), g.get("implikasi")] for g in plan["gap_analysis"]
        ],
        "swot": [[s["dim"], s["q"], s["text"]] for s in plan["swot"]],
        "goals": [{"dimension": sasaran["dimension"], "text": sasaran["text"], "indicators": indicators}]
        + extra["extra_goals"],
        "strategies": plan["strategies"],
        "programs": programs_ + extra["programs"],
    }
    _write(masterplan.id, content, actor)
    legal = {
        "legal_type": "PERWALI",
        "legal_number": plan["legal_basis"]["number"],
        "legal_date": extra["legal_date"],
    }
    _enact(masterplan.id, actor, legal)
    # Under revision (demo.yaml): the 2024 evaluation asked for a revised Perwali in 2025.
    spec_rev = extra["revision"]
    revision = masterplans.start_revision(masterplan.id, actor=actor, version_label=spec_rev["version"])
    masterplans.update_masterplan(revision.id, _period(spec_rev["period"], spec_rev["rpjmd"]), actor=actor)
    for indicator in db.session.scalars(masterplans.indicators_query(revision.id, actor=actor)):
        later = extra["indicator_details"].get(indicator.code, {}).get("revision_targets")
        if later:
            targets = [{"year": y, "value": v} for y, v in later.items()]
            masterplans.update_indicator(revision.id, indicator.id, {"targets": targets}, actor=actor)


# --- Kota Balikpapan: three versions; Klik Balikpapan, Si Tanggap and the others (seed:S2) --------------


def _balikpapan(spec: dict, extra: dict, framework_id, actor: Actor) -> None:
    plan = spec["masterplan"]
    first_spec, enacted_spec, draft_spec = (
        extra["first_version"],
        extra["enacted_version"],
        extra["draft_version"],
    )
    first = masterplans.create_masterplan(
        _header(plan["title"], "1.0", first_spec["period"], first_spec["rpjmd"], framework_id), actor=actor
    )
    _write(first.id, {"vision": first_spec["vision"]}, actor)
    legal = first_spec["legal"]
    _enact(
        first.id,
        actor,
        {"legal_type": "PERWALI", "legal_number": legal["number"], "legal_date": legal["date"]},
    )
    second = masterplans.start_revision(first.id, actor=actor, version_label="2.0")
    masterplans.update_masterplan(
        second.id, _period(enacted_spec["period"], enacted_spec["rpjmd"]), actor=actor
    )
    budget = _budget_by_program(plan["budget_examples"])
    from_seed = [
        {**p, **extra["program_details"].get(p["code"], {}), "budget": budget.get(p["code"], [])}
        for p in plan["programs"]
    ]
    content = {
        **_analysis(extra),
        "vision": extra["vision"],
        "goals": extra["goals"],
        "programs": from_seed + extra["programs"],
    }
    _write(second.id, content, actor)
    legal = next(v["legal_basis"] for v in plan["versions"] if v["version"] == "2.0")
    _enact(
        second.id,
        actor,
        {"legal_type": "PERWALI", "legal_number": legal["number"], "legal_date": enacted_spec["legal_date"]},
    )
    third = masterplans.start_revision(second.id, actor=actor, version_label="3.0")
    masterplans.update_masterplan(third.id, _period(draft_spec["period"], draft_spec["rpjmd"]), actor=actor)


# --- Kabupaten Penajam Paser Utara: the six quick wins (demo.yaml, web sources) -------------------------


def _ppu(spec: dict, extra: dict, framework_id, actor: Actor) -> None:
    plan = spec["masterplan"]
    header = _header(plan["title"], plan["version"], plan["period"], extra["rpjmd"], framework_id)
    masterplan = masterplans.create_masterplan(header, actor=actor)
    budget = _budget_by_program(plan["budget_examples"])
    quick_wins = [
        {
            "code": qw["code"],
            "name": qw["name"],
            "is_quick_win": True,
            "horizon": "PENDEK",
            "status": plan["quick_win_status"][qw["code"]],
            "roadmap": [2023, 2024, 2025],
            "budget": budget.get(qw["code"], []),
            **extra["quick_wins"][qw["code"]],
        }
        for qw in plan["quick_wins"]
    ]
    content = {
        **_analysis(extra),
        "vision": spec["visi_pemda"],
        "goals": extra["goals"],
        "programs": quick_wins,
    }
    _write(masterplan.id, content, actor)
    legal = {
        "legal_type": "PERBUP",
        "legal_number": plan["legal_basis"]["number"],
        "legal_date": extra["legal_date"],
    }
    _enact(masterplan.id, actor, legal)
