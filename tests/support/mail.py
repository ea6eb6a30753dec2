"""Mail as a person receives it: a real SMTP server on loopback (aiosmtpd), or the log of the embedded
default, read back message by message."""

import logging
import re
from email import message_from_bytes, policy
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from tests.support.services import free_port


class Inbox:
    def __init__(self):
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]


def link_in(text: str, base: str) -> str:
    """The path of the first link on ``base`` in a mail's text."""
    match = re.search(re.escape(base) + r"(/\S+)", text)
    assert match, f"no link on {base} in:\n{text}"
    return match.group(1)


@pytest.fixture
def smtp(app, monkeypatch):
    """A real SMTP server on loopback; the app sends through it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    yield inbox
    controller.stop()


class MailLog(logging.Handler):
    """The embedded default's mail: each record of the ``kotacerdas.mail`` log is one mail."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.texts: list[str] = []

    def emit(self, record):
        self.texts.append(record.getMessage())


@pytest.fixture
def mail_log(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    logger = logging.getLogger("kotacerdas.mail")
    # Alembic's logging set-up, run in this process by the app fixture, disables existing loggers.
    monkeypatch.setattr(logger, "disabled", False)
    handler = MailLog()
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
