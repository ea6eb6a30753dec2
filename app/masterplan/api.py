"""REST resources: masterplan versions and every part of a masterplan."""

from dataclasses import dataclass

from flask import g
from flask.views import MethodView
from marshmallow import Schema

from app.core.api import Blueprint, paginate_query
from app.core.openapi import plural
from app.extensions import db
from app.files.schemas import FileUploadSchema
from app.masterplan import analysis, compare, goals, legal, presenters, programs, versions
from app.masterplan.common import MasterplanRefs, get_masterplan, get_part
from app.masterplan.models import (
    ActionItem,
    GapAnalysis,
    Goal,
    Indicator,
    Mission,
    Program,
    ReadinessEntry,
    Strategy,
    SwotItem,
)
from app.masterplan.schemas import (
    ActionItemCreateSchema,
    ActionItemQueryArgsSchema,
    ActionItemSchema,
    ComparisonQueryArgsSchema,
    ComparisonSchema,
    GapCreateSchema,
    GapSchema,
    GoalCreateSchema,
    GoalQueryArgsSchema,
    GoalSchema,
    IndicatorCreateSchema,
    IndicatorQueryArgsSchema,
    IndicatorSchema,
    MasterplanCreateSchema,
    MasterplanQueryArgsSchema,
    MasterplanSchema,
    MasterplanUpdateSchema,
    MissionCreateSchema,
    MissionSchema,
    ProgramCreateSchema,
    ProgramQueryArgsSchema,
    ProgramSchema,
    ReadinessCreateSchema,
    ReadinessSchema,
    RevisionCreateSchema,
    StrategyCodeSchema,
    StrategyCreateSchema,
    StrategySchema,
    SwotItemCreateSchema,
    SwotItemSchema,
    TransitionSchema,
)

masterplans_blp = Blueprint(
    "masterplans_api",
    __name__,
    url_prefix="/api/v1/t/<tenant>/masterplans",
    description="Masterplan versions: review, enactment, revision, comparison",
)
parts_blp = Blueprint(
    "masterplan_parts_api",
    __name__,
    url_prefix="/api/v1/t/<tenant>/masterplans/<uuid:masterplan_id>",
    description="The parts of a masterplan: missions, analysis, goals, indicators, strategies, programs, "
    "action plan",
)
blueprints = (masterplans_blp, parts_blp)


def _paginate_list(items: list, pagination_parameters) -> list:
    pagination_parameters.item_count = len(items)
    start = (pagination_parameters.page - 1) * pagination_parameters.page_size
    return items[start : start + pagination_parameters.page_size]


# --- masterplan versions ----------------------------------------------------------------------------


@masterplans_blp.route("")
class Masterplans(MethodView):
    @masterplans_blp.arguments(MasterplanQueryArgsSchema, location="query")
    @masterplans_blp.response(200, MasterplanSchema(many=True))
    @masterplans_blp.paginate()
    def get(self, args, pagination_parameters):
        """List the tenant's masterplan versions, newest period first"""
        stmt = versions.masterplans_query(actor=g.actor)
        if args.get("status"):
            stmt = stmt.where(versions.Masterplan.status == args["status"])
        return paginate_query(db.session, stmt, pagination_parameters)

    @masterplans_blp.arguments(MasterplanCreateSchema)
    @masterplans_blp.response(201, MasterplanSchema)
    def post(self, data):
        """Start a masterplan version (a draft) following a published framework"""
        masterplan = versions.create_masterplan(data, actor=g.actor)
        db.session.commit()
        return masterplan


@masterplans_blp.route("/<uuid:masterplan_id>")
class MasterplanById(MethodView):
    @masterplans_blp.etag
    @masterplans_blp.response(200, MasterplanSchema)
    def get(self, masterplan_id):
        """Show a masterplan version"""
        return get_masterplan(masterplan_id, actor=g.actor)

    @masterplans_blp.etag
    @masterplans_blp.arguments(MasterplanUpdateSchema)
    @masterplans_blp.response(200, MasterplanSchema)
    def patch(self, data, masterplan_id):
        """Change a draft's title, period, RPJMD period, framework, vision, strategy prefixes or legal basis
        (in review or endorsed: the legal basis only)"""
        masterplans_blp.check_etag(get_masterplan(masterplan_id, actor=g.actor), MasterplanSchema)
        masterplan = versions.update_masterplan(masterplan_id, data, actor=g.actor)
        db.session.commit()
        return masterplan

    @masterplans_blp.etag
    @masterplans_blp.response(204)
    def delete(self, masterplan_id):
        """Discard a draft version with all its content"""
        masterplans_blp.check_etag(get_masterplan(masterplan_id, actor=g.actor), MasterplanSchema)
        versions.delete_masterplan(masterplan_id, actor=g.actor)
        db.session.commit()


@masterplans_blp.route("/<uuid:masterplan_id>/transitions")
class MasterplanTransitions(MethodView):
    @masterplans_blp.doc(operationId="changeMasterplanStatus")
    @masterplans_blp.arguments(TransitionSchema)
    @masterplans_blp.response(200, MasterplanSchema)
    def post(self, data, masterplan_id):
        """Move a version to review, endorsement or enactment, or back to draft; enacting supersedes the
        version enacted before and needs the legal basis"""
        status = data.pop("status")
        masterplan = versions.change_status(masterplan_id, status, actor=g.actor, legal=data)
        db.session.commit()
        return masterplan


@masterplans_blp.route("/<uuid:masterplan_id>/signed-document")
class MasterplanSignedDocument(MethodView):
    @masterplans_blp.doc(operationId="uploadSignedDocument")
    @masterplans_blp.etag
    @masterplans_blp.arguments(FileUploadSchema, location="files")
    @masterplans_blp.response(200, MasterplanSchema)
    def put(self, files, masterplan_id):
        """Upload the signed regulation as a PDF (multipart, field ``file``), replacing an earlier one;
        any status but superseded. The version's ``signed_document_id`` then downloads it from
        ``/files/{stored_file_id}/content`` for every member."""
        masterplans_blp.check_etag(get_masterplan(masterplan_id, actor=g.actor), MasterplanSchema)
        upload = files["file"]
        masterplan = legal.attach_signed_document(
            masterplan_id, upload.stream, upload.filename, actor=g.actor
        )
        db.session.commit()
        return masterplan

    @masterplans_blp.doc(operationId="deleteSignedDocument")
    @masterplans_blp.etag
    @masterplans_blp.response(200, MasterplanSchema)
    def delete(self, masterplan_id):
        """Remove the signed document of this version"""
        masterplans_blp.check_etag(get_masterplan(masterplan_id, actor=g.actor), MasterplanSchema)
        masterplan = legal.remove_signed_document(masterplan_id, actor=g.actor)
        db.session.commit()
        return masterplan


@masterplans_blp.route("/<uuid:masterplan_id>/revisions")
class MasterplanRevisions(MethodView):
    @masterplans_blp.arguments(RevisionCreateSchema)
    @masterplans_blp.response(201, MasterplanSchema)
    def post(self, data, masterplan_id):
        """Start a revision: copy this whole version into a new draft"""
        masterplan = versions.start_revision(masterplan_id, actor=g.actor, **data)
        db.session.commit()
        return masterplan


def comparison_dict(result: compare.Comparison) -> dict:
    return {
        "base_id": result.base.id if result.base else None,
        "base_version_label": result.base.version_label if result.base else None,
        "other_id": result.other.id,
        "other_version_label": result.other.version_label,
        "added": result.count("added"),
        "removed": result.count("removed"),
        "changed": result.count("changed"),
        "sections": {
            name: [{"change": c.change, "label": c.label, "fields": c.fields} for c in changes]
            for name, changes in result.sections.items()
        },
    }


@masterplans_blp.route("/<uuid:masterplan_id>/comparison")
class MasterplanComparison(MethodView):
    @masterplans_blp.arguments(ComparisonQueryArgsSchema, location="query")
    @masterplans_blp.response(200, ComparisonSchema)
    def get(self, args, masterplan_id):
        """Compare this version with another (by default the version it revises): what was added, removed
        and changed"""
        masterplan = get_masterplan(masterplan_id, actor=g.actor)
        against = args.get("against") or masterplan.revised_from_id
        if against is not None:
            get_masterplan(against, actor=g.actor)
        return comparison_dict(compare.compare(against, masterplan_id, actor=g.actor))


# --- parts: one collection and one item resource each ------------------------------------------------


@dataclass
class Part:
    """How one kind of part is listed, created, shown, changed and removed over the API."""

    path: str
    param: str
    model: type
    schema: type[Schema]
    create_schema: type[Schema]
    present: object
    query: object
    create: object
    update: object
    delete: object
    docs: tuple[str, str, str, str, str]
    args_schema: type[Schema] | None = None


def _one(part: Part, masterplan_id, part_id) -> dict:
    refs = MasterplanRefs(get_masterplan(masterplan_id, actor=g.actor))
    return part.present([get_part(part.model, masterplan_id, part_id)], refs)[0]


def _decorate(func, doc: str, *decorators):
    func.__doc__ = doc
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def register_part(part: Part) -> None:
    blp = parts_blp
    list_doc, create_doc, get_doc, update_doc, delete_doc = part.docs
    name = part.model.__name__

    def list_parts(self, args, masterplan_id, pagination_parameters):
        refs = MasterplanRefs(get_masterplan(masterplan_id, actor=g.actor))
        rows = paginate_query(db.session, part.query(masterplan_id, args, refs), pagination_parameters)
        return part.present(rows, refs)

    def create_part(self, data, masterplan_id):
        created = part.create(masterplan_id, data, actor=g.actor)
        db.session.commit()
        return _one(part, masterplan_id, created.id)

    def get_one(self, masterplan_id, **ids):
        return _one(part, masterplan_id, ids[part.param])

    def update_part(self, data, masterplan_id, **ids):
        blp.check_etag(_one(part, masterplan_id, ids[part.param]), part.schema)
        part.update(masterplan_id, ids[part.param], data, actor=g.actor)
        db.session.commit()
        return _one(part, masterplan_id, ids[part.param])

    def delete_part(self, masterplan_id, **ids):
        blp.check_etag(_one(part, masterplan_id, ids[part.param]), part.schema)
        part.delete(masterplan_id, ids[part.param], actor=g.actor)
        db.session.commit()

    args_schema = part.args_schema or type(f"{name}QueryArgsSchema", (Schema,), {})
    # Views named as everywhere else (Programs, ProgramById): their names make the operationIds.
    noun = "".join(word.title() for word in part.param.removesuffix("_id").split("_"))
    collection = type(
        plural(noun),
        (MethodView,),
        {
            "get": _decorate(
                list_parts,
                list_doc,
                blp.arguments(args_schema, location="query"),
                blp.response(200, part.schema(many=True)),
                blp.paginate(),
            ),
            "post": _decorate(
                create_part, create_doc, blp.arguments(part.create_schema), blp.response(201, part.schema)
            ),
        },
    )
    item = type(
        f"{noun}ById",
        (MethodView,),
        {
            "get": _decorate(get_one, get_doc, blp.etag, blp.response(200, part.schema)),
            "patch": _decorate(
                update_part, update_doc, blp.etag, blp.arguments(part.schema), blp.response(200, part.schema)
            ),
            "delete": _decorate(delete_part, delete_doc, blp.etag, blp.response(204)),
        },
    )
    blp.route(f"/{part.path}", endpoint=f"{part.path}_collection")(collection)
    blp.route(f"/{part.path}/<uuid:{part.param}>", endpoint=f"{part.path}_item")(item)


def _all(query):
    return lambda masterplan_id, args, refs: query(masterplan_id, actor=g.actor)


register_part(
    Part(
        "missions",
        "mission_id",
        Mission,
        MissionSchema,
        MissionCreateSchema,
        presenters.missions,
        _all(analysis.missions_query),
        analysis.create_mission,
        analysis.update_mission,
        analysis.delete_mission,
        (
            "List the numbered missions (misi) with the dimensions each serves",
            "Add a mission; without a number it gets the next one",
            "Show a mission",
            "Change a mission's number, text or dimensions",
            "Remove a mission",
        ),
    )
)
register_part(
    Part(
        "readiness",
        "readiness_id",
        ReadinessEntry,
        ReadinessSchema,
        ReadinessCreateSchema,
        presenters.readiness,
        _all(analysis.readiness_query),
        analysis.create_readiness,
        analysis.update_readiness,
        analysis.delete_readiness,
        (
            "List the readiness analysis: struktur, infrastruktur and suprastruktur per dimension",
            "Describe a dimension's readiness in one aspect",
            "Show a readiness entry",
            "Change a readiness entry",
            "Remove a readiness entry",
        ),
    )
)
register_part(
    Part(
        "gaps",
        "gap_id",
        GapAnalysis,
        GapSchema,
        GapCreateSchema,
        presenters.gaps,
        _all(analysis.gaps_query),
        analysis.create_gap,
        analysis.update_gap,
        analysis.delete_gap,
        (
            "List the gap analysis per sub-dimension: current condition, future condition, implication",
            "Record a gap in a sub-dimension",
            "Show a gap",
            "Change a gap",
            "Remove a gap",
        ),
    )
)
register_part(
    Part(
        "swot",
        "swot_item_id",
        SwotItem,
        SwotItemSchema,
        SwotItemCreateSchema,
        presenters.swot,
        _all(analysis.swot_query),
        analysis.create_swot_item,
        analysis.update_swot_item,
        analysis.delete_swot_item,
        (
            "List the SWOT lines per dimension (S, W, O, T)",
            "Add a strength, weakness, opportunity or threat",
            "Show a SWOT line",
            "Change a SWOT line",
            "Remove a SWOT line",
        ),
    )
)
register_part(
    Part(
        "goals",
        "goal_id",
        Goal,
        GoalSchema,
        GoalCreateSchema,
        presenters.goals,
        lambda masterplan_id, args, refs: goals.goals_query(
            masterplan_id, args.get("dimension_code"), refs, actor=g.actor
        ),
        goals.create_goal,
        goals.update_goal,
        goals.delete_goal,
        (
            "List the goals (sasaran), optionally of one dimension",
            "Add a goal to a dimension or sub-dimension",
            "Show a goal",
            "Change a goal",
            "Remove a goal without indicators",
        ),
        GoalQueryArgsSchema,
    )
)
register_part(
    Part(
        "indicators",
        "indicator_id",
        Indicator,
        IndicatorSchema,
        IndicatorCreateSchema,
        presenters.indicators,
        lambda masterplan_id, args, refs: goals.indicators_query(
            masterplan_id, args.get("goal_id"), actor=g.actor
        ),
        goals.create_indicator,
        goals.update_indicator,
        goals.delete_indicator,
        (
            "List the indicators with baseline and yearly targets, optionally of one goal",
            "Add an indicator to a goal",
            "Show an indicator",
            "Change an indicator; targets, when given, replace all its yearly targets",
            "Remove an indicator with its targets",
        ),
        IndicatorQueryArgsSchema,
    )
)
register_part(
    Part(
        "strategies",
        "strategy_id",
        Strategy,
        StrategySchema,
        StrategyCreateSchema,
        presenters.strategies,
        _all(programs.strategies_query),
        programs.create_strategy,
        programs.update_strategy,
        programs.delete_strategy,
        (
            "List the strategies by code",
            "Add a strategy; without a code it gets the next one (S.1, S.1.1)",
            "Show a strategy",
            "Change a strategy",
            "Remove a strategy no program serves and no strategy sits beneath",
        ),
    )
)
register_part(
    Part(
        "programs",
        "program_id",
        Program,
        ProgramSchema,
        ProgramCreateSchema,
        presenters.programs,
        lambda masterplan_id, args, refs: programs.programs_query(
            masterplan_id,
            programs.ProgramFilters(**{("search" if k == "q" else k): v for k, v in args.items()}),
            refs,
            actor=g.actor,
        ),
        programs.create_program,
        programs.update_program,
        programs.delete_program,
        (
            "List programs with strategies, OPDs, partners and budget lines; filter by dimension, OPD, "
            "funding source, quick win, status or a word",
            "Add a program",
            "Show a program",
            "Change a program; each list given (strategies, supporting OPDs, partners, budget lines) is "
            "replaced",
            "Remove a program no action plan item points at",
        ),
        ProgramQueryArgsSchema,
    )
)
register_part(
    Part(
        "action-items",
        "action_item_id",
        ActionItem,
        ActionItemSchema,
        ActionItemCreateSchema,
        presenters.action_items,
        lambda masterplan_id, args, refs: programs.action_items_query(
            masterplan_id, args.get("program_id"), args.get("year"), actor=g.actor
        ),
        programs.create_action_item,
        programs.update_action_item,
        programs.delete_action_item,
        (
            "List the action plan (rencana aksi), optionally of one program or year",
            "Add an action plan item for a program and year",
            "Show an action plan item",
            "Change an action plan item",
            "Remove an action plan item",
        ),
        ActionItemQueryArgsSchema,
    )
)


@parts_blp.route("/strategy-codes")
class StrategyCodes(MethodView):
    @parts_blp.response(200, StrategyCodeSchema(many=True))
    @parts_blp.paginate()
    def get(self, masterplan_id, pagination_parameters):
        """List the next free strategy code under each sub-dimension and beneath each strategy"""
        codes = programs.next_strategy_codes(masterplan_id, actor=g.actor)
        return _paginate_list(codes, pagination_parameters)
