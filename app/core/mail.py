"""Outgoing mail: SMTP when MAIL_SERVER is set, the log otherwise (the embedded default)."""

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger("kotacerdas.mail")


def send_mail(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    server = current_app.config.get("MAIL_SERVER")
    if server:
        with smtplib.SMTP(server, current_app.config["MAIL_PORT"], timeout=10) as smtp:
            smtp.send_message(message)
    else:
        log.warning("mail to %s: %s\n%s", to, subject, body)
    return message
