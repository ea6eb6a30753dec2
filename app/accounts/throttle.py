"""Login throttling: failed password logins counted per client address and per email from that address.

Counts never stand per email alone: then anyone could lock an owner out by failing with their email from
anywhere. The pair (email, address) stops guessing one account from one place while its owner still signs
in from elsewhere; the address count stops one place trying a few passwords on many emails (spraying).
Only failures count. The counts live in the Flask-Limiter storage (Redis in production, shared by every
web process; this process's memory on the embedded default).
"""

import hashlib
import ipaddress
import logging
import math
import time

from flask import current_app
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from redis.exceptions import RedisError

from app.extensions import limiter

NAMESPACE = "LOGIN_FAILURES"
log = logging.getLogger("kotacerdas.accounts")
# While the shared store (Redis) is down, logins are counted in this process instead: people still log
# in, and guessing stays limited, per web process, until the store answers again.
_fallback = MovingWindowRateLimiter(MemoryStorage())


def _count(method: str, *args):
    """Call the login counts: the shared store, or this process's memory while it cannot answer."""
    try:
        return getattr(limiter.limiter, method)(*args)
    except (RedisError, OSError) as error:
        log.warning("login throttle store unavailable, counting in this process: %s", error)
        return getattr(_fallback, method)(*args)


def client_key(address: str | None) -> str:
    """The address a client is counted under: an IPv4 address itself, an IPv6 address by its /64
    network, which one subscriber usually holds whole (else each of its addresses would count apart)."""
    try:
        ip = ipaddress.ip_address((address or "").split("%")[0])
    except ValueError:
        return (address or "unknown")[:64]
    if ip.version == 6:
        return str(ip.ipv4_mapped or ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _limits() -> tuple[RateLimitItem, RateLimitItem]:
    config = current_app.config
    window = config["LOGIN_FAILURE_WINDOW_SECONDS"]
    per_address = RateLimitItemPerSecond(config["LOGIN_FAILURES_PER_ADDRESS"], window, namespace=NAMESPACE)
    per_account = RateLimitItemPerSecond(config["LOGIN_MAX_FAILURES"], window, namespace=NAMESPACE)
    return per_address, per_account


def _address_id(address: str | None) -> tuple[str, ...]:
    return ("address", client_key(address))


def _account_id(email: str, address: str | None) -> tuple[str, ...]:
    # The email is hashed: keys stay short whatever is typed, and the store holds no addresses in clear.
    return ("account", hashlib.sha256(email.encode()).hexdigest()[:32], client_key(address))


def _wait(item: RateLimitItem, ids: tuple[str, ...]) -> int:
    reset_at, _remaining = _count("get_window_stats", item, *ids)
    return max(1, math.ceil(reset_at - time.time()))


def admit(email: str, address: str | None) -> int:
    """Let a login attempt through (0), or say in how many seconds this email may be tried again from
    this address. An admitted attempt holds one of the pair's failures until ``succeeded`` gives it back,
    so parallel guesses cannot all pass the same check."""
    per_address, per_account = _limits()
    if not _count("test", per_address, *_address_id(address)):
        return _wait(per_address, _address_id(address))
    if not _count("hit", per_account, *_account_id(email, address)):
        return _wait(per_account, _account_id(email, address))
    return 0


def failed(address: str | None) -> None:
    """Count a refused attempt against the client address (the pair was counted on admission)."""
    per_address, _per_account = _limits()
    _count("hit", per_address, *_address_id(address))


def succeeded(email: str, address: str | None) -> None:
    """The right password: this email's failures from this address are forgiven. The address's count
    stays, or one valid account would let an address reset its spraying count at will."""
    _per_address, per_account = _limits()
    _count("clear", per_account, *_account_id(email, address))
