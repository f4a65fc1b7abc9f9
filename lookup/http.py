"""The one way Papershelf talks to the network: urllib with a timeout, a polite User-Agent naming a contact, and
a per-host rate limiter, turning every failure into a LookupFailure whose text a user can act on.

It knows nothing of arXiv, Crossref or the library, and it never retries behind the user's back.
"""

from __future__ import annotations

import http.client
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from papershelf import __version__

DEFAULT_TIMEOUT = 20.0
# Used when neither the library's setting nor PAPERSHELF_CONTACT_EMAIL names the user's own address.
DEFAULT_CONTACT = "papershelf@users.noreply.github.com"
MAX_BODY = 20 * 2**20  # no metadata answer is this big; a bigger one is not what we asked for

Cancelled = Callable[[], bool]


class LookupFailure(Exception):
    """A lookup that did not give an answer. `kind` is offline, timeout, http, malformed or cancelled;
    `str()` is a complete sentence for the user."""

    def __init__(self, kind: str, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status


def user_agent(contact: str) -> str:
    """`Papershelf/<version> (mailto:<contact>)`: Crossref's etiquette asks for a way to reach the caller."""
    return f"Papershelf/{__version__} (mailto:{contact})"


class RateLimiter:
    """At most one request per `interval` seconds, counted from the end of the previous request so a slow
    answer never lets the next request come sooner. Thread-safe; waiting can be cancelled."""

    def __init__(
        self,
        interval: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = max(0.0, interval)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._last: float | None = None

    def acquire(self, cancelled: Cancelled | None = None) -> None:
        """Block until a request may start; the caller must call `release` when the request is over."""
        self._lock.acquire()
        try:
            while self._last is not None:
                remaining = self._last + self.interval - self._clock()
                if remaining <= 0:
                    break
                if cancelled is not None and cancelled():
                    raise LookupFailure("cancelled", "cancelled while waiting to ask the server")
                self._sleep(min(remaining, 0.1))
        except BaseException:
            self._lock.release()
            raise
        # Holding the lock for the whole request also keeps to one connection at a time per host.

    def release(self) -> None:
        self._last = self._clock()
        self._lock.release()


_limiters: dict[str, RateLimiter] = {}
_limiters_lock = threading.Lock()


def limiter_for(service: str, url: str, interval: float) -> RateLimiter:
    """The process-wide limiter of a service at a host: every window, worker and command of this process
    shares it."""
    key = f"{service}|{urlsplit(url).netloc.lower()}"
    with _limiters_lock:
        limiter = _limiters.get(key)
        if limiter is None:
            limiter = _limiters[key] = RateLimiter(interval)
        else:
            limiter.interval = max(0.0, interval)
        return limiter


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class HttpClient:
    """GET with a timeout and a User-Agent; counts the requests it made so callers can report them."""

    contact: str = DEFAULT_CONTACT
    timeout: float = DEFAULT_TIMEOUT
    requests: int = 0

    def get(
        self,
        url: str,
        *,
        service: str,
        accept: str = "*/*",
        limiter: RateLimiter | None = None,
        cancelled: Cancelled | None = None,
    ) -> Response:
        """The answer to a GET; 404 comes back as a Response (the caller knows what "not found" means),
        any other failure raises LookupFailure naming `service`."""
        if cancelled is not None and cancelled():
            raise LookupFailure("cancelled", "cancelled before asking the server")
        if limiter is not None:
            limiter.acquire(cancelled)
        try:
            return self._get(url, service, accept)
        finally:
            if limiter is not None:
                limiter.release()

    def _get(self, url: str, service: str, accept: str) -> Response:
        host = urlsplit(url).netloc or url
        request = urllib.request.Request(url, headers={"User-Agent": user_agent(self.contact), "Accept": accept})
        self.requests += 1
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                body = answer.read(MAX_BODY + 1)
                status = answer.status
                headers = {k.lower(): v for k, v in answer.headers.items()}
        except urllib.error.HTTPError as error:
            status = error.code
            if status == 404:
                body = _safe_read(error)
                return Response(url, 404, body, {k.lower(): v for k, v in (error.headers or {}).items()})
            raise LookupFailure("http", _http_message(service, host, status, error), status=status) from None
        except TimeoutError:
            raise LookupFailure("timeout", _timeout_message(service, host, self.timeout)) from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise LookupFailure("timeout", _timeout_message(service, host, self.timeout)) from None
            raise LookupFailure("offline", _offline_message(service, host, error.reason)) from None
        except (ConnectionError, http.client.HTTPException, OSError) as error:
            raise LookupFailure("offline", _offline_message(service, host, error)) from None
        if len(body) > MAX_BODY:
            raise LookupFailure("malformed", f"{service} sent an answer over {MAX_BODY // 2**20} MB; it was ignored")
        return Response(url, status, body, headers)


def _safe_read(error: urllib.error.HTTPError) -> bytes:
    try:
        return error.read(MAX_BODY)
    except (OSError, http.client.HTTPException):
        return b""


def _http_message(service: str, host: str, status: int, error: urllib.error.HTTPError) -> str:
    reason = error.reason or http.client.responses.get(status, "")
    if status == 429 or status == 503:
        retry = error.headers.get("Retry-After") if error.headers else None
        later = f" (it asks to wait {retry} s)" if retry and retry.strip().isdigit() else ""
        return f"{service} at {host} is busy (HTTP {status} {reason}){later}; nothing was changed, try again later"
    if status >= 500:
        return f"{service} at {host} had an internal error (HTTP {status} {reason}); nothing was changed"
    return f"{service} at {host} refused the request (HTTP {status} {reason}); nothing was changed"


def _timeout_message(service: str, host: str, timeout: float) -> str:
    return f"{service} at {host} did not answer within {timeout:g} s; nothing was changed, try again later"


def _offline_message(service: str, host: str, reason: object) -> str:
    text = getattr(reason, "strerror", None) or str(reason)
    return f"could not reach {service} at {host} ({text}); are you offline? Nothing was changed"
