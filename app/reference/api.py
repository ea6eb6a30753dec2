"""REST resources: frameworks and code lists (platform and ministry admins keep them; tenants read the
published ones)."""

import uuid

from flask import g
from flask.views import MethodView

from app.core.api import Blueprint, paginate_query
from app.extensions import db
from app.reference import policy, services
from app.reference.schemas import (
    CodeListItemCreateSchema,
    CodeListItemSchema,
    CodeListItemUpdateSchema,
    CodeListQueryArgsSchema,
    CodeListVersionSchema,
    FrameworkCreateSchema,
    FrameworkQueryArgsSchema,
    FrameworkSchema,
    FrameworkUpdateSchema,
)

platform_blp = Blueprint(
    "frameworks_api",
    __name__,
    url_prefix="/api/v1",
    description="Frameworks and code lists: national reference data (platform and ministry admins)",
)
reference_blp = Blueprint(
    "reference_api",
    __name__,
    url_prefix="/api/v1/t/<tenant>",
    description="The frameworks and code lists a tenant's masterplan can use",
)
blueprints = (platform_blp, reference_blp)


def framework_dict(tree: services.FrameworkTree) -> dict:
    """A framework with its dimensions and sub-dimensions nested, as the API shows it."""
    return {
        **tree.framework.__dict__,
        "dimensions": [
            {**dim.__dict__, "sub_dimensions": [s.__dict__ for s in tree.sub_dimensions[dim.id]]}
            for dim in tree.dimensions
        ],
    }


def _framework(framework_id: uuid.UUID) -> dict:
    return framework_dict(services.framework_tree(framework_id, actor=g.actor))


# --- frameworks and code lists (platform) -----------------------------------------------------------


@platform_blp.route("/frameworks")
class Frameworks(MethodView):
    @platform_blp.arguments(FrameworkQueryArgsSchema, location="query")
    @platform_blp.response(200, FrameworkSchema(many=True))
    @platform_blp.paginate()
    def get(self, args, pagination_parameters):
        """List every framework version with its dimensions and sub-dimensions"""
        policy.require(g.actor, "reference.read_drafts")
        stmt = services.frameworks_query(actor=g.actor, state=args.get("state"))
        rows = paginate_query(db.session, stmt, pagination_parameters)
        return [framework_dict(t) for t in services.framework_trees(rows, actor=g.actor)]

    @platform_blp.arguments(FrameworkCreateSchema)
    @platform_blp.response(201, FrameworkSchema)
    def post(self, data):
        """Start a new framework as a draft (version 1), optionally with its dimensions"""
        framework = services.create_framework(data, actor=g.actor)
        db.session.commit()
        return _framework(framework.id)


@platform_blp.route("/frameworks/<uuid:framework_id>")
class FrameworkById(MethodView):
    @platform_blp.etag
    @platform_blp.response(200, FrameworkSchema)
    def get(self, framework_id):
        """Show a framework version"""
        policy.require(g.actor, "reference.read_drafts")
        return _framework(framework_id)

    @platform_blp.etag
    @platform_blp.arguments(FrameworkUpdateSchema)
    @platform_blp.response(200, FrameworkSchema)
    def patch(self, data, framework_id):
        """Change a draft version: names, or its whole dimension tree (a published version never changes)"""
        policy.require(g.actor, "reference.draft")
        platform_blp.check_etag(_framework(framework_id), FrameworkSchema)
        services.update_framework(framework_id, data, actor=g.actor)
        db.session.commit()
        return _framework(framework_id)

    @platform_blp.etag
    @platform_blp.response(204)
    def delete(self, framework_id):
        """Discard a draft version"""
        policy.require(g.actor, "reference.draft")
        platform_blp.check_etag(_framework(framework_id), FrameworkSchema)
        services.delete_framework(framework_id, actor=g.actor)
        db.session.commit()


@platform_blp.route("/frameworks/<uuid:framework_id>/versions")
class FrameworkVersions(MethodView):
    @platform_blp.response(201, FrameworkSchema)
    def post(self, framework_id):
        """Add the next version of a framework as a draft, copied from its latest version"""
        framework = services.draft_framework_version(framework_id, actor=g.actor)
        db.session.commit()
        return _framework(framework.id)


@platform_blp.route("/frameworks/<uuid:framework_id>/publication")
class FrameworkPublication(MethodView):
    @platform_blp.doc(operationId="publishFramework")
    @platform_blp.response(200, FrameworkSchema)
    def post(self, framework_id):
        """Publish a draft version: tenants can follow it, and it never changes again"""
        services.publish_framework(framework_id, actor=g.actor)
        db.session.commit()
        return _framework(framework_id)

    @platform_blp.doc(operationId="retireFramework")
    @platform_blp.response(200, FrameworkSchema)
    def delete(self, framework_id):
        """Retire a published version: no new masterplan follows it; existing ones keep it"""
        services.retire_framework(framework_id, actor=g.actor)
        db.session.commit()
        return _framework(framework_id)


@platform_blp.route("/code-lists")
class CodeLists(MethodView):
    @platform_blp.doc(operationId="listCodeListItems")
    @platform_blp.arguments(CodeListQueryArgsSchema, location="query")
    @platform_blp.response(200, CodeListItemSchema(many=True))
    @platform_blp.paginate()
    def get(self, args, pagination_parameters):
        """List the entries of each code list's latest version (a draft included), retired ones too"""
        policy.require(g.actor, "reference.read_drafts")
        stmt = services.code_list_items_query(args.get("list_name"), actor=g.actor)
        return paginate_query(db.session, stmt, pagination_parameters)

    @platform_blp.doc(operationId="createCodeListItem")
    @platform_blp.arguments(CodeListItemCreateSchema)
    @platform_blp.response(201, CodeListItemSchema)
    def post(self, data):
        """Add an entry to the draft version of a code list"""
        item = services.add_code_list_item(data, actor=g.actor)
        db.session.commit()
        return item


@platform_blp.route("/code-lists/<uuid:code_list_item_id>")
class CodeListItemById(MethodView):
    @platform_blp.etag
    @platform_blp.response(200, CodeListItemSchema)
    def get(self, code_list_item_id):
        """Show a code list entry"""
        policy.require(g.actor, "reference.read_drafts")
        return services.get_code_list_item(code_list_item_id, actor=g.actor)

    @platform_blp.etag
    @platform_blp.arguments(CodeListItemUpdateSchema)
    @platform_blp.response(200, CodeListItemSchema)
    def patch(self, data, code_list_item_id):
        """Correct an entry's names or retire it, in a draft version (its code never changes)"""
        policy.require(g.actor, "reference.draft")
        platform_blp.check_etag(
            services.get_code_list_item(code_list_item_id, actor=g.actor), CodeListItemSchema
        )
        item = services.update_code_list_item(code_list_item_id, data, actor=g.actor)
        db.session.commit()
        return item


@platform_blp.route("/code-lists/<list_name>/versions")
class CodeListVersions(MethodView):
    @platform_blp.doc(operationId="listCodeListVersions")
    @platform_blp.response(200, CodeListVersionSchema(many=True))
    def get(self, list_name):
        """List the versions of a code list, newest first"""
        policy.require(g.actor, "reference.read_drafts")
        return services.code_list_versions(list_name, actor=g.actor)

    @platform_blp.doc(operationId="draftCodeListVersion")
    @platform_blp.response(201, CodeListVersionSchema)
    def post(self, list_name):
        """Add the next version of a code list as a draft, copied from its latest version"""
        version = services.draft_code_list_version(list_name, actor=g.actor)
        db.session.commit()
        return version


@platform_blp.route("/code-lists/<list_name>/versions/<int:version>/publication")
class CodeListPublication(MethodView):
    @platform_blp.doc(operationId="publishCodeList")
    @platform_blp.response(200, CodeListVersionSchema)
    def post(self, list_name, version):
        """Publish a draft version of a code list: tenants are offered it, and it never changes again"""
        published = services.publish_code_list(list_name, version, actor=g.actor)
        db.session.commit()
        return published

    @platform_blp.doc(operationId="retireCodeList")
    @platform_blp.response(200, CodeListVersionSchema)
    def delete(self, list_name, version):
        """Retire a published version of a code list: its previous published version is offered again"""
        retired = services.retire_code_list(list_name, version, actor=g.actor)
        db.session.commit()
        return retired


# --- reference data as a tenant sees it -------------------------------------------------------------


@reference_blp.route("/frameworks")
class TenantFrameworks(MethodView):
    @reference_blp.response(200, FrameworkSchema(many=True))
    @reference_blp.paginate()
    def get(self, pagination_parameters):
        """List the published frameworks a masterplan can follow, with dimensions and sub-dimensions"""
        # Only those offered to the tenant's kind of region (a framework for villages to a kabupaten).
        stmt = services.frameworks_query(actor=g.actor, published_only=True, region_code=g.tenant.region_code)
        rows = paginate_query(db.session, stmt, pagination_parameters)
        return [framework_dict(t) for t in services.framework_trees(rows, actor=g.actor)]


@reference_blp.route("/code-lists")
class TenantCodeLists(MethodView):
    @reference_blp.doc(operationId="listTenantCodeListItems")
    @reference_blp.arguments(CodeListQueryArgsSchema, location="query")
    @reference_blp.response(200, CodeListItemSchema(many=True))
    @reference_blp.paginate()
    def get(self, args, pagination_parameters):
        """List the code list entries offered: program class, horizon, funding source, pentahelix sector"""
        stmt = services.code_list_items_query(args.get("list_name"), actor=g.actor, offered_only=True)
        return paginate_query(db.session, stmt, pagination_parameters)
