from tests.support.mail import mail_log, smtp  # noqa: F401 - fixtures
