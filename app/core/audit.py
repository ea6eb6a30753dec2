"""The audit log's entry point for events that are not row writes (logins, refusals, exports).

``record_event`` is what domains call; row writes made through the services are captured by the audit
machinery itself. Until the audit store exists, events go to the structured log.
"""

import json
import logging
import uuid

log = logging.getLogger("kotacerdas.audit")


def record_event(
    action: str,
    *,
    tenant_id: uuid.UUID | None = None,
    user_id: uuid.UUID | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    details: dict | None = None,
) -> None:
    """Record that ``action`` happened (e.g. ``sso.login``, ``sso.refused``), with who, where and details.

    ``details`` must never hold a secret (tokens, passwords, client secrets)."""
    log.info(
        json.dumps(
            {
                "action": action,
                "tenant": str(tenant_id) if tenant_id else None,
                "user": str(user_id) if user_id else None,
                "object_type": object_type,
                "object_id": object_id,
                "details": details or {},
            },
            default=str,
        )
    )
