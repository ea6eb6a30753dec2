"""Mails the tenants domain sends."""

from flask import url_for

from app.core.mail import send_template
from app.tenants.models import Invitation, Tenant
from app.tenants.services import INVITATION_DAYS


def send_invitation(tenant: Tenant, invitation: Invitation, token: str) -> None:
    """Invite by mail, in Indonesian: the invitee has chosen no language yet."""
    link = url_for("tenants.accept_invitation", tenant=tenant.slug, token=token, _external=True)
    send_template(
        invitation.email,
        "invitation",
        locale="id",
        tenant=tenant,
        role=invitation.role,
        link=link,
        days=INVITATION_DAYS,
    )
