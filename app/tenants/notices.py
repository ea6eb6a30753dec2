"""Mails the tenants domain sends."""

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from app.core.i18n import role_label
from app.core.mail import send_mail
from app.tenants.models import Invitation, Tenant


def send_invitation(tenant: Tenant, invitation: Invitation, token: str) -> None:
    link = url_for("tenants.accept_invitation", tenant=tenant.slug, token=token, _external=True)
    with force_locale("id"):
        subject = _("Invitation to %(tenant)s on Kota Cerdas", tenant=tenant.name)
        body = _(
            "You are invited to join %(tenant)s on Kota Cerdas as %(role)s.\n\n"
            "Open this link to accept (valid for 14 days):\n%(link)s\n",
            tenant=tenant.name,
            role=role_label(invitation.role),
            link=link,
        )
    send_mail(invitation.email, subject, body)
