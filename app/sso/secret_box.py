"""Client secrets encrypted at rest with Fernet.

The key comes from ``SSO_SECRET_KEY`` (one or more Fernet keys, comma-separated, newest first, so a key
can be rotated: old secrets still decrypt, new ones use the first key). The embedded default, with no key
set, derives a development key from ``SECRET_KEY``: fine for a laptop, never for a real deployment.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app


class SecretUnreadable(RuntimeError):
    """The stored secret was encrypted with a key that is no longer configured."""


def _fernet() -> MultiFernet:
    configured = current_app.config.get("SSO_SECRET_KEY") or ""
    keys = [k.strip() for k in configured.split(",") if k.strip()]
    if not keys:
        digest = hashlib.sha256(("kc-sso-dev:" + current_app.config["SECRET_KEY"]).encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    return MultiFernet([Fernet(k) for k in keys])


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadable("the client secret cannot be decrypted with SSO_SECRET_KEY") from error
