"""REST resources: tenants and regions (platform admin), OPDs, members and invitations (tenant)."""

import uuid

from flask import g
from flask.views import MethodView

from app.core.api import Blueprint, paginate_query
from app.core.errors import ValidationFailed
from app.extensions import db
from app.tenants import notices, opd_bulk, services
from app.tenants.schemas import (
    AdminInvitationSchema,
    InvitationCreateSchema,
    InvitationSchema,
    MemberSchema,
    MemberUpdateSchema,
    OpdBulkResultSchema,
    OpdBulkSchema,
    OpdSchema,
    OpdUpdateSchema,
    RegionQueryArgsSchema,
    RegionSchema,
    TenantCreateSchema,
    TenantQueryArgsSchema,
    TenantSchema,
    TenantUpdateSchema,
    UsualOpdSchema,
)

platform_blp = Blueprint("tenants_api", __name__, url_prefix="/api/v1", description="Tenants and regions")
opds_blp = Blueprint(
    "opds_api", __name__, url_prefix="/api/v1/t/<tenant>/opds", description="OPDs of a tenant"
)
members_blp = Blueprint(
    "members_api",
    __name__,
    url_prefix="/api/v1/t/<tenant>",
    description="Members and invitations of a tenant",
)
blueprints = (platform_blp, opds_blp, members_blp)


# --- platform ---------------------------------------------------------------------------------


@platform_blp.route("/regions")
class Regions(MethodView):
    @platform_blp.arguments(RegionQueryArgsSchema, location="query")
    @platform_blp.response(200, RegionSchema(many=True))
    @platform_blp.paginate()
    def get(self, args, pagination_parameters):
        """List the kabupaten/kota of the Kemendagri decree"""
        regions = (services.unassigned_regions if args["unassigned"] else services.all_regions)(actor=g.actor)
        if args.get("province_code"):
            regions = [r for r in regions if r.province_code == args["province_code"]]
        pagination_parameters.item_count = len(regions)
        start = (pagination_parameters.page - 1) * pagination_parameters.page_size
        return regions[start : start + pagination_parameters.page_size]


@platform_blp.route("/tenants")
class Tenants(MethodView):
    @platform_blp.arguments(TenantQueryArgsSchema, location="query")
    @platform_blp.response(200, TenantSchema(many=True))
    @platform_blp.paginate()
    def get(self, args, pagination_parameters):
        """List tenants"""
        stmt = services.tenants_query(args.get("status"), actor=g.actor)
        return paginate_query(db.session, stmt, pagination_parameters)

    @platform_blp.arguments(TenantCreateSchema)
    @platform_blp.response(201, TenantSchema)
    def post(self, data):
        """Create a tenant for a kabupaten/kota"""
        tenant = services.create_tenant(actor=g.actor, **data)
        db.session.commit()
        return tenant


@platform_blp.route("/tenants/<uuid:tenant_id>")
class TenantById(MethodView):
    @platform_blp.etag
    @platform_blp.response(200, TenantSchema)
    def get(self, tenant_id):
        """Show a tenant"""
        return services.get_tenant(tenant_id, actor=g.actor)

    @platform_blp.etag
    @platform_blp.arguments(TenantUpdateSchema)
    @platform_blp.response(200, TenantSchema)
    def patch(self, data, tenant_id):
        """Rename, change time zone, suspend or reactivate a tenant"""
        platform_blp.check_etag(services.get_tenant(tenant_id, actor=g.actor), TenantSchema)
        status = data.pop("status", None)
        tenant = services.update_tenant(tenant_id, actor=g.actor, **data)
        if status:
            tenant = services.set_tenant_status(tenant_id, status, actor=g.actor)
        db.session.commit()
        return tenant


@platform_blp.route("/tenants/<uuid:tenant_id>/admin-invitations")
class TenantAdminInvitations(MethodView):
    @platform_blp.arguments(AdminInvitationSchema)
    @platform_blp.response(201, InvitationSchema)
    def post(self, data, tenant_id):
        """Invite a tenant's first tenant admin by email"""
        invitation, token = services.invite_first_admin(tenant_id, data["email"], actor=g.actor)
        db.session.commit()
        notices.send_invitation(services.get_tenant(tenant_id, actor=g.actor), invitation, token)
        return invitation


# --- OPDs -------------------------------------------------------------------------------------


@opds_blp.route("")
class Opds(MethodView):
    @opds_blp.response(200, OpdSchema(many=True))
    @opds_blp.paginate()
    def get(self, pagination_parameters):
        """List the tenant's OPDs"""
        return paginate_query(db.session, services.opds_query(actor=g.actor), pagination_parameters)

    @opds_blp.arguments(OpdSchema)
    @opds_blp.response(201, OpdSchema)
    def post(self, data):
        """Add an OPD"""
        opd = services.create_opd(data, actor=g.actor)
        db.session.commit()
        return opd


@opds_blp.route("/bulk")
class OpdsBulk(MethodView):
    @opds_blp.arguments(OpdBulkSchema)
    @opds_blp.response(200, OpdBulkResultSchema)
    def post(self, data):
        """Add many OPDs at once, or with dry_run see what would be added

        All the new ones are added together, or none: 422 names every bad item by its index. OPDs the
        tenant already has (same code in any case, or same name) are listed and left as they are."""
        entries = [
            opd_bulk.Entry(i + 1, item.get("code") or "", item["name"], item.get("acronym"))
            for i, item in enumerate(data["opds"])
        ]
        if data["dry_run"]:
            plan = opd_bulk.plan_opds(entries, actor=g.actor)
            if plan.problems:
                raise ValidationFailed(errors=opd_bulk.problem_errors(plan.problems))
            added = [None] * len(plan.new)
        else:
            added, plan = opd_bulk.add_opds(entries, actor=g.actor)
            db.session.commit()
        return _bulk_result(plan, added, data["dry_run"])


def _bulk_result(plan, added, dry_run: bool) -> dict:
    return {
        "dry_run": dry_run,
        "added": [
            {
                "index": e.number - 1,
                "code": e.code,
                "name": e.name,
                "code_suggested": e.suggested,
                "id": opd.id if opd else None,
            }
            for e, opd in zip(plan.new, added, strict=True)
        ],
        "existing": [
            {"index": e.number - 1, "code": e.code, "name": e.name, "opd": opd} for e, opd in plan.existing
        ],
    }


@opds_blp.route("/nomenclature")
class UsualOpds(MethodView):
    @opds_blp.response(200, UsualOpdSchema(many=True))
    def get(self):
        """The usual perangkat daerah of a kota or kabupaten, marked when the tenant has them"""
        return opd_bulk.usual_with_presence(actor=g.actor)


@opds_blp.route("/<uuid:opd_id>")
class OpdById(MethodView):
    @opds_blp.etag
    @opds_blp.response(200, OpdSchema)
    def get(self, opd_id):
        """Show an OPD"""
        return services.get_opd(opd_id, actor=g.actor)

    @opds_blp.etag
    @opds_blp.arguments(OpdUpdateSchema)
    @opds_blp.response(200, OpdSchema)
    def patch(self, data, opd_id):
        """Change an OPD's code, name or acronym"""
        opds_blp.check_etag(services.get_opd(opd_id, actor=g.actor), OpdSchema)
        opd = services.update_opd(opd_id, data, actor=g.actor)
        db.session.commit()
        return opd

    @opds_blp.etag
    @opds_blp.response(204)
    def delete(self, opd_id):
        """Remove an OPD nobody is bound to"""
        opds_blp.check_etag(services.get_opd(opd_id, actor=g.actor), OpdSchema)
        services.delete_opd(opd_id, actor=g.actor)
        db.session.commit()


# --- members and invitations ------------------------------------------------------------------


def _member_dict(membership, user, opds) -> dict:
    return {
        "id": membership.id,
        "user_id": user.id,
        "email": user.email,
        "name": user.name,
        "role": membership.role,
        "opd_ids": [o.id for o in opds],
        "created_at": membership.created_at,
    }


def _member(membership_id: uuid.UUID) -> dict:
    membership, user = services.get_member(membership_id, actor=g.actor)
    opds = services.opds_by_membership([membership.id], actor=g.actor)
    return _member_dict(membership, user, opds[membership.id])


@members_blp.route("/members")
class Members(MethodView):
    @members_blp.response(200, MemberSchema(many=True))
    @members_blp.paginate()
    def get(self, pagination_parameters):
        """List the tenant's members with their roles and OPDs"""
        stmt = services.members_query(actor=g.actor)
        rows = paginate_query(db.session, stmt, pagination_parameters, rows=True)
        opds = services.opds_by_membership([m.id for m, _ in rows], actor=g.actor)
        return [_member_dict(m, u, opds[m.id]) for m, u in rows]


@members_blp.route("/members/<uuid:membership_id>")
class MemberById(MethodView):
    @members_blp.etag
    @members_blp.response(200, MemberSchema)
    def get(self, membership_id):
        """Show a member"""
        return _member(membership_id)

    @members_blp.etag
    @members_blp.arguments(MemberUpdateSchema)
    @members_blp.response(200, MemberSchema)
    def patch(self, data, membership_id):
        """Change a member's role or the OPDs an opd_operator reports for"""
        members_blp.check_etag(_member(membership_id), MemberSchema)
        services.update_member(membership_id, actor=g.actor, **data)
        db.session.commit()
        return _member(membership_id)

    @members_blp.etag
    @members_blp.response(204)
    def delete(self, membership_id):
        """Remove a member from the tenant (the user account stays)"""
        members_blp.check_etag(_member(membership_id), MemberSchema)
        services.remove_member(membership_id, actor=g.actor)
        db.session.commit()


@members_blp.route("/invitations")
class Invitations(MethodView):
    @members_blp.response(200, InvitationSchema(many=True))
    @members_blp.paginate()
    def get(self, pagination_parameters):
        """List the invitations not accepted yet, newest first; expired ones are flagged"""
        stmt = services.pending_invitations_query(actor=g.actor)
        return paginate_query(db.session, stmt, pagination_parameters)

    @members_blp.arguments(InvitationCreateSchema)
    @members_blp.response(201, InvitationSchema)
    def post(self, data):
        """Invite someone by email to join with a role; an email already invited or already a member
        answers 422 on ``email`` (resend or revoke the waiting invitation instead)"""
        invitation, token = services.invite_member(
            data["email"], data["role"], data["opd_ids"], actor=g.actor
        )
        db.session.commit()
        notices.send_invitation(g.tenant, invitation, token)
        return invitation


@members_blp.route("/invitations/<uuid:invitation_id>")
class InvitationById(MethodView):
    @members_blp.etag
    @members_blp.response(200, InvitationSchema)
    def get(self, invitation_id):
        """Show an invitation that is not accepted yet"""
        return services.get_pending_invitation(invitation_id, actor=g.actor)

    @members_blp.etag
    @members_blp.response(204)
    def delete(self, invitation_id):
        """Revoke an invitation: its link stops working"""
        invitation = services.get_pending_invitation(invitation_id, actor=g.actor)
        members_blp.check_etag(invitation, InvitationSchema)
        services.revoke_invitation(invitation_id, actor=g.actor)
        db.session.commit()


@members_blp.route("/invitations/<uuid:invitation_id>/resend")
class InvitationResend(MethodView):
    @members_blp.doc(operationId="resendInvitation")
    @members_blp.response(200, InvitationSchema)
    def post(self, invitation_id):
        """Mail a new link valid for another 14 days; the earlier link stops working"""
        invitation, token = services.resend_invitation(invitation_id, actor=g.actor)
        db.session.commit()
        notices.send_invitation(g.tenant, invitation, token)
        return invitation
