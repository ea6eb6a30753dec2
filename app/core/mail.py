"""Outgoing mail: SMTP when MAIL_SERVER is set, the log otherwise (the embedded default).

Mails are written as templates, one file per language: ``templates/mail/<name>/<locale>.txt`` with a
``subject`` and a ``body`` block, rendered in that locale (dates, numbers, ``_()`` inside follow it).
Prose reads better written per language than assembled from catalogue fragments.
"""

import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from jinja2 import TemplateNotFound
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger("kotacerdas.mail")
_OUTBOX = "mail_outbox"


def send_mail(to: str, subject: str, body: str, attachments: tuple = ()) -> EmailMessage:
    """Send a plain-text mail now, through SMTP or, with no server configured, to the log.

    ``attachments``: (filename, content type, bytes) each, e.g. a meeting's iCalendar invitation."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=urlsplit(config["PUBLIC_BASE_URL"]).hostname or "localhost")
    message.set_content(body)
    for filename, content_type, content in attachments:
        maintype, _slash, subtype = content_type.partition("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    if config.get("MAIL_SERVER"):
        _deliver(message)
    else:
        log.warning("mail to %s: %s\n%s", to, subject, body)
    return message


def _deliver(message: EmailMessage) -> None:
    config = current_app.config
    security = (config.get("MAIL_SECURITY") or "").lower()
    client = smtplib.SMTP_SSL if security == "ssl" else smtplib.SMTP
    with client(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if security == "starttls":
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)


def render_mail(name: str, locale: str, **context) -> tuple[str, str]:
    """The subject and body of mail template ``name`` in ``locale`` (Indonesian when it has no such)."""
    if locale not in current_app.config["LANGUAGES"]:
        locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    env = current_app.jinja_env
    try:
        template = env.get_template(f"mail/{name}/{locale}.txt")
    except TemplateNotFound:
        template = env.get_template(f"mail/{name}/{current_app.config['BABEL_DEFAULT_LOCALE']}.txt")
    current_app.update_template_context(context)
    with force_locale(locale):
        ctx = template.new_context(context)
        subject = " ".join("".join(template.blocks["subject"](ctx)).split())
        body = "".join(template.blocks["body"](ctx)).strip() + "\n"
    return subject, body


def send_template(
    to: str, name: str, *, locale: str = "id", attachments: tuple = (), **context
) -> EmailMessage:
    """Render mail template ``name`` in the recipient's ``locale`` and send it (with ``attachments``)."""
    subject, body = render_mail(name, locale, **context)
    return send_mail(to, subject, body, attachments)


def external_url(endpoint: str, **values) -> str:
    """An absolute link for a mail: the request's host in a request, PUBLIC_BASE_URL in jobs and CLI."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    return public_url(endpoint, **values)


def public_url(endpoint: str, **values) -> str:
    """An absolute link on PUBLIC_BASE_URL, never on the host a request names: a link that carries a
    secret (a password reset) must not go to whatever Host header the requester sent."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def send_after_commit(to: str, subject: str, body: str) -> None:
    """Send a mail once the current transaction commits: a step that is refused or rolled back (a
    workflow step, a job's part) mails nobody."""
    from app.extensions import db

    db.session.info.setdefault(_OUTBOX, []).append((to, subject, body))


def discard_unsent() -> None:
    """Drop the mails waiting for the current transaction's commit (the demo's seeding mails nobody)."""
    from app.extensions import db

    db.session.info.pop(_OUTBOX, None)


@event.listens_for(Session, "after_commit")
def _send_committed(session: Session) -> None:
    for to, subject, body in session.info.pop(_OUTBOX, []):
        send_mail(to, subject, body)


@event.listens_for(Session, "after_transaction_end")
def _forget_uncommitted(session: Session, transaction) -> None:
    # After a commit the outbox is empty already; after a rollback of the whole transaction it is dropped.
    if transaction.parent is None:
        session.info.pop(_OUTBOX, None)
