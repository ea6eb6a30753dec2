"""Every request the server sends to an OpenID provider goes through one guarded HTTP session.

A tenant admin chooses the provider's URLs, and the provider's discovery document chooses the token, key
and userinfo endpoints, so both could point the server at its own network (SSRF). Unless local providers
are allowed (SSO_ALLOW_LOCAL_ISSUERS), each connection resolves its host once, refuses it when any address
found is loopback, private, link-local or otherwise not public, and connects to exactly the address it
checked: a name that answered a public address when the provider was saved and a local one now (DNS
rebinding) is refused at the moment of the call. TLS still checks the certificate against the host name.
Whether local providers are allowed or not, a redirect is never followed, a call is cut after a few
seconds whatever it is waiting for, an answer has a size limit, and no proxy from the environment is used
(it would connect in the server's place).
"""

import contextlib
import ipaddress
import socket
import threading
import time
from contextvars import ContextVar
from urllib.parse import urlsplit

import requests
from flask_babel import lazy_gettext as _l
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError, ReadTimeoutError
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.util.connection import allowed_gai_family

# A whole call (connecting, the answer's headers and body) and each wait for data, in seconds.
TIMEOUT_SECONDS = 5
# Discovery documents and key sets are a few kilobytes.
MAX_ANSWER_BYTES = 1024 * 1024
# Well-known NAT64 prefix (RFC 6052): its addresses reach the IPv4 address they embed.
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class OutboundRefused(requests.RequestException):
    """The server refused to call a provider, or refused its answer; ``reason`` (a lazy message) says
    why, ``host`` names the host that was called."""

    def __init__(self, reason, *, host: str | None = None, request=None):
        super().__init__(reason, request=request)
        self.reason = reason
        self.host = host


class _AddressRefused(Exception):
    # Deliberately not an OSError: urllib3 would retry it or wrap it into a connection error.
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def is_public(address: str) -> bool:
    """Whether an IP address belongs to the public internet (an IPv4 address carried inside IPv6 counts
    as that IPv4 address)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 6:
        if ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        elif ip.sixtofour:
            ip = ip.sixtofour
        elif ip in NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.is_global


def address_problem(host: str, address: str):
    """Why the server must not connect to ``address``, found for ``host`` (a lazy message), or None."""
    if is_public(address):
        return None
    return _l(
        "%(host)s is a local or private address (%(ip)s): only public providers are allowed",
        host=host,
        ip=str(ipaddress.ip_address(address.split("%")[0])),
    )


class _Call:
    """One call to a provider: whether its address is checked, and a watchdog that cuts its connection
    when its time is up, whatever it is waiting for (a provider sending its headers a byte at a time)."""

    def __init__(self, *, check_address: bool):
        self.check_address = check_address
        self.ends_at = time.monotonic() + TIMEOUT_SECONDS
        self.expired = False
        self._sockets = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(TIMEOUT_SECONDS, self._cut)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return max(self.ends_at - time.monotonic(), 0.001)

    def watch(self, sock) -> None:
        with self._lock:
            self._sockets.append(sock)

    def _cut(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                # The plain socket's shutdown, also under TLS: a blocked read returns at once. A socket
                # already closed (or handed over to TLS) has nothing to cut.
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def end(self) -> None:
        self._timer.cancel()


_current_call: ContextVar[_Call | None] = ContextVar("sso_outbound_call", default=None)


class _GuardedConnection:
    """A urllib3 connection that resolves its host once, refuses a non-public address (when its call
    checks addresses) and connects to the address it checked. ``self.host`` stays the name, for the Host
    header, SNI and the certificate check."""

    def _new_conn(self) -> socket.socket:
        call = _current_call.get()
        try:
            found = socket.getaddrinfo(self._dns_host, self.port, allowed_gai_family(), socket.SOCK_STREAM)
        except socket.gaierror as error:
            raise NameResolutionError(self.host, self, error) from error
        if call is None or call.check_address:  # outside a guarded call: checked all the same
            for *_rest, address in found:
                if problem := address_problem(self.host, address[0]):
                    raise _AddressRefused(problem)
        sock = self._connect(found, call.remaining() if call else TIMEOUT_SECONDS)
        if call is not None:
            call.watch(sock)
        return sock

    def connect(self) -> None:
        super().connect()
        # The socket the answer is read from (under TLS, a new one): the watchdog must reach it.
        if (call := _current_call.get()) is not None:
            call.watch(self.sock)

    def _connect(self, found, time_left: float) -> socket.socket:
        error = None
        for family, kind, proto, _name, address in found:
            sock = socket.socket(family, kind, proto)
            try:
                for option in self.socket_options or ():
                    sock.setsockopt(*option)
                wait = self.timeout if isinstance(self.timeout, int | float) else TIMEOUT_SECONDS
                sock.settimeout(min(wait, time_left))
                if self.source_address:
                    sock.bind(self.source_address)
                sock.connect(address)
                return sock
            except TimeoutError as timeout:
                sock.close()
                raise ConnectTimeoutError(self, f"Connection to {self.host} timed out") from timeout
            except OSError as failure:
                sock.close()
                error = failure
        raise NewConnectionError(self, f"Failed to establish a new connection: {error}")


class _GuardedHTTPConnection(_GuardedConnection, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_GuardedConnection, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """Sends one request to a provider: direct (no proxy), no redirect, time and size limits, and, when
    ``check_address``, only to public addresses checked at connection time."""

    def __init__(self, *, check_address: bool):
        self.check_address = check_address
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        host = urlsplit(request.url).hostname
        call = _Call(check_address=self.check_address)
        token = _current_call.set(call)
        try:
            response = super().send(
                request, stream=True, timeout=TIMEOUT_SECONDS, verify=verify, cert=cert, proxies=None
            )
            _refuse_redirect(response, host)
            # Read here rather than in requests, to bound the answer's size.
            response._content = _read_answer(response, host)
            response._content_consumed = True
            if call.expired:
                raise requests.ReadTimeout(f"no complete answer within {TIMEOUT_SECONDS} s", request=request)
            return response
        except _AddressRefused as refusal:
            raise OutboundRefused(refusal.reason, host=host, request=request) from None
        except requests.ConnectionError as error:
            if call.expired:  # the watchdog cut the connection
                raise requests.ReadTimeout(error, request=request) from error
            raise
        finally:
            call.end()
            _current_call.reset(token)


def _refuse_redirect(response, host: str | None) -> None:
    if 300 <= response.status_code < 400:
        response.close()
        raise OutboundRefused(
            _l(
                "the provider answered HTTP %(status)d, a redirect, which is not followed",
                status=response.status_code,
            ),
            host=host,
            request=response.request,
        )


def _read_answer(response, host: str | None) -> bytes:
    body = bytearray()
    try:
        while chunk := _next_chunk(response):
            body += chunk
            if len(body) > MAX_ANSWER_BYTES:
                raise OutboundRefused(
                    _l("the provider's answer is larger than %(count)d kB", count=MAX_ANSWER_BYTES // 1024),
                    host=host,
                    request=response.request,
                )
    finally:
        response.close()
    return bytes(body)


def _next_chunk(response) -> bytes:
    """What has arrived of the answer (one wait for data at most), as requests' own errors."""
    try:
        return response.raw.read1(64 * 1024, decode_content=True)
    except ReadTimeoutError as error:
        raise requests.ReadTimeout(error, request=response.request) from error
    except (Urllib3Error, OSError) as error:
        raise requests.ConnectionError(error, request=response.request) from error


def guard(session: requests.Session, *, allow_local: bool) -> requests.Session:
    """Make ``session`` a guarded one: every http and https request goes through ``GuardedAdapter``."""
    adapter = GuardedAdapter(check_address=not allow_local)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    # No proxy or .netrc credentials from the environment: the checked address is the one connected to.
    session.trust_env = False
    session.max_redirects = 0
    # One call per connection, each made (and watched) by the call that uses it.
    session.headers["Connection"] = "close"
    session.headers["Accept-Encoding"] = "identity"
    return session


def session(*, allow_local: bool) -> requests.Session:
    """A new guarded HTTP session for calling a provider."""
    return guard(requests.Session(), allow_local=allow_local)
