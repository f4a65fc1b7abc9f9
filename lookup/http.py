"""The one way Papershelf talks to the network: urllib with a timeout, a polite User-Agent, and a per-host rate
limiter shared by every process of the user, turning every failure into a LookupFailure whose text a user can act on.

It knows nothing of arXiv, Crossref or the library, and it never retries behind the user's back.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from papershelf import __version__

DEFAULT_TIMEOUT = 20.0
# Said in the User-Agent so a service's operators can tell what is asking. Papershelf has no public home page
# to name, and no address is ever invented: the only contact sent is the one the user configured.
PRODUCT = "desktop reference manager"
MAX_BODY = 20 * 2**20  # no metadata answer is this big; a bigger one is not what we asked for
# How often a request waiting for its answer looks whether the user cancelled.
CANCEL_SLICE = 0.1
# A lock file older than this is left over from a killed process (a live holder refreshes it while it waits).
STALE_LOCK_SECONDS = 60.0

Cancelled = Callable[[], bool]


class LookupFailure(Exception):
    """A lookup that did not give an answer. `kind` is offline, timeout, http, malformed or cancelled;
    `str()` is a complete sentence for the user."""

    def __init__(self, kind: str, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status


def user_agent(contact: str | None) -> str:
    """Crossref's etiquette: the tool, its version and (when the user gave one) a real address to write to.
    No made-up address is ever sent in the user's name."""
    if contact:
        return f"Papershelf/{__version__} ({PRODUCT}; mailto:{contact})"
    return f"Papershelf/{__version__} ({PRODUCT})"


def _default_state_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("Papershelf", appauthor=False)) / "rate-limits"


# Tests point this at a folder of their own; None means the user's cache folder.
_state_dir_override: Path | None = None


def use_state_dir(path: str | Path | None) -> None:
    """Keep the shared rate-limit files in this folder from now on (None: the user's cache folder)."""
    global _state_dir_override
    _state_dir_override = Path(path) if path is not None else None


def state_dir() -> Path:
    return _state_dir_override or _default_state_dir()


class SharedSlot:
    """The part of a rate limit that other processes see: a lock file created exclusively (one request at a time
    across every `papershelf` of the user) and a file holding when the last request ended (wall-clock time, the
    only clock processes share). Plain files, so it works alike on every platform without fcntl or msvcrt.

    A folder that cannot be written (a read-only home) only loses the cross-process part, never a lookup.
    """

    def __init__(self, folder: Path, name: str) -> None:
        self.folder = folder
        self.lock_path = folder / f"{name}.lock"
        self.stamp_path = folder / f"{name}.last"
        self._held = False

    def acquire(self, cancelled: Cancelled | None, sleep: Callable[[float], None]) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return
        while True:
            try:
                handle = os.open(self.lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                self._break_if_stale()
            except OSError:
                return  # cannot lock here at all: keep to this process's own limit
            else:
                with os.fdopen(handle, "w") as lock:
                    lock.write(f"{os.getpid()} {time.time():.3f}\n")
                self._held = True
                return
            if cancelled is not None and cancelled():
                raise LookupFailure("cancelled", "cancelled while waiting to ask the server")
            sleep(0.05)

    def _break_if_stale(self) -> None:
        try:
            age = time.time() - self.lock_path.stat().st_mtime
        except OSError:
            return  # just released
        if age > STALE_LOCK_SECONDS:
            with contextlib.suppress(OSError):
                self.lock_path.unlink()

    def keep_alive(self) -> None:
        """Tell other processes the holder is still alive (a long wait for an answer)."""
        if self._held:
            with contextlib.suppress(OSError):
                os.utime(self.lock_path)

    def last(self) -> float | None:
        try:
            return float(json.loads(self.stamp_path.read_text())["ended"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def release(self, ended: float) -> None:
        if not self._held:
            return
        self._held = False
        try:
            temporary = self.stamp_path.with_name(f"{self.stamp_path.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps({"ended": ended}))
            os.replace(temporary, self.stamp_path)
        except OSError:
            pass
        with contextlib.suppress(OSError):
            self.lock_path.unlink()


class RateLimiter:
    """At most one request per `interval` seconds, counted from the end of the previous request so a slow
    answer never lets the next request come sooner. Thread-safe; waiting can be cancelled. With a `shared`
    slot the rule holds across processes too: two `papershelf complete` runs back to back still keep it."""

    def __init__(
        self,
        interval: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        shared: SharedSlot | None = None,
    ) -> None:
        self.interval = max(0.0, interval)
        self.shared = shared
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._last: float | None = None

    def acquire(self, cancelled: Cancelled | None = None) -> None:
        """Block until a request may start; the caller must call `release` when the request is over."""
        self._lock.acquire()
        try:
            if self.shared is not None:
                self.shared.acquire(cancelled, self._sleep)
            while True:
                remaining = self._remaining()
                if remaining <= 0:
                    break
                if cancelled is not None and cancelled():
                    raise LookupFailure("cancelled", "cancelled while waiting to ask the server")
                self._sleep(min(remaining, CANCEL_SLICE))
        except BaseException:
            if self.shared is not None:
                self.shared.release(self._shared_last() or 0.0)
            self._lock.release()
            raise
        # Holding the lock for the whole request also keeps to one connection at a time per host.

    def _shared_last(self) -> float | None:
        return self.shared.last() if self.shared is not None else None

    def _remaining(self) -> float:
        remaining = 0.0
        if self._last is not None:
            remaining = self._last + self.interval - self._clock()
        shared_last = self._shared_last()
        if shared_last is not None:
            # Capped at one interval: a clock set back must not stop lookups for hours.
            remaining = max(remaining, min(shared_last + self.interval - time.time(), self.interval))
        return remaining

    def keep_alive(self) -> None:
        if self.shared is not None:
            self.shared.keep_alive()

    def release(self) -> None:
        """The request is over (answered, failed or abandoned); safe from any thread."""
        self._last = self._clock()
        if self.shared is not None:
            self.shared.release(time.time())
        self._lock.release()


_limiters: dict[str, RateLimiter] = {}
_limiters_lock = threading.Lock()
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def limiter_for(service: str, url: str, interval: float) -> RateLimiter:
    """The limiter of a service at a host: every window, worker and command of this process shares it, and
    through a small file in the user's cache folder, every other process of the user too."""
    host = urlsplit(url).netloc.lower()
    folder = state_dir()
    key = f"{service}|{host}|{folder}"
    with _limiters_lock:
        limiter = _limiters.get(key)
        if limiter is None:
            shared = SharedSlot(folder, _UNSAFE.sub("_", f"{service}-{host}"))
            limiter = _limiters[key] = RateLimiter(interval, shared=shared)
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

    contact: str | None = None  # the user's own address; None sends the project URL only
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
        any other failure raises LookupFailure naming `service`.

        With `cancelled`, the request runs on a helper thread and the caller looks every CANCEL_SLICE seconds
        whether to give up: Cancel then returns at once instead of after the timeout. An abandoned request
        ends by itself (its answer is dropped) and only then frees the limiter, so a service still never
        sees two connections at a time."""
        if cancelled is not None and cancelled():
            raise LookupFailure("cancelled", "cancelled before asking the server")
        if limiter is not None:
            limiter.acquire(cancelled)
        if cancelled is None:
            try:
                return self._get(url, service, accept)
            finally:
                if limiter is not None:
                    limiter.release()
        outcome: dict[str, object] = {}
        done = threading.Event()

        def request() -> None:
            try:
                outcome["response"] = self._get(url, service, accept)
            except BaseException as error:  # handed to the caller, who raises it on its own thread
                outcome["error"] = error
            finally:
                if limiter is not None:
                    limiter.release()
                done.set()

        threading.Thread(target=request, name=f"papershelf-{service}-request", daemon=True).start()
        waited = 0.0
        while not done.wait(CANCEL_SLICE):
            if cancelled():
                raise LookupFailure("cancelled", f"cancelled while waiting for {service}")
            waited += CANCEL_SLICE
            if limiter is not None and waited >= 5.0:
                waited = 0.0
                limiter.keep_alive()
        error = outcome.get("error")
        if isinstance(error, BaseException):
            raise error
        response = outcome["response"]
        assert isinstance(response, Response)
        return response

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


# --- publication pages: the one other thing fetched, and only when the user gives a page's address ------------
PAGE_MAX_BYTES = 16 * 2**20  # far above any publication list; a bigger answer is not a page to read
PAGE_DEADLINE = 60.0  # a server that trickles bytes forever is given up on after this long in all
_PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


@dataclass(frozen=True)
class Page:
    """A fetched page: the address asked for, where it ended after redirects, its bytes and declared charset."""

    url: str
    final_url: str
    body: bytes
    content_type: str
    charset: str | None


def fetch_page(
    url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = PAGE_MAX_BYTES,
    deadline: float = PAGE_DEADLINE,
    contact: str | None = None,
) -> Page:
    """GET a publication page (redirects followed), or raise LookupFailure with a sentence naming the page:
    not found, refused (a login wall), not a web page, over `max_bytes`, never finishing within `deadline`."""
    host = urlsplit(url).netloc or url
    request = urllib.request.Request(
        url, headers={"User-Agent": user_agent(contact), "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"}
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            content_type = (answer.headers.get_content_type() or "").lower()
            charset = answer.headers.get_content_charset()
            final_url = answer.geturl()
            if content_type not in _PAGE_TYPES:
                raise LookupFailure(
                    "malformed", f"{url} is not a web page (the server sent {content_type}); nothing was imported"
                )
            length = answer.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise LookupFailure("malformed", _too_big(url, max_bytes))
            chunks: list[bytes] = []
            size = 0
            while True:
                if time.monotonic() - started > deadline:
                    raise LookupFailure(
                        "timeout", f"{url} was still sending after {deadline:g} s; gave up, nothing was imported"
                    )
                chunk = answer.read1(65536) if hasattr(answer, "read1") else answer.read(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise LookupFailure("malformed", _too_big(url, max_bytes))
                chunks.append(chunk)
    except LookupFailure:
        raise
    except urllib.error.HTTPError as error:
        status = error.code
        if status == 404 or status == 410:
            raise LookupFailure("http", f"{url}: the page was not found (HTTP {status})", status=status) from None
        if status in (401, 403):
            raise LookupFailure(
                "http",
                f"{url}: the server refused to show the page (HTTP {status}); if it needs a login, open it in a "
                "browser, save it (Save page as) and import the saved .html file",
                status=status,
            ) from None
        raise LookupFailure("http", _http_message("the page", host, status, error), status=status) from None
    except TimeoutError:
        raise LookupFailure("timeout", _timeout_message("the page", host, timeout)) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise LookupFailure("timeout", _timeout_message("the page", host, timeout)) from None
        raise LookupFailure("offline", _offline_message("the page", host, error.reason)) from None
    except (ConnectionError, http.client.HTTPException, OSError) as error:
        raise LookupFailure("offline", _offline_message("the page", host, error)) from None
    return Page(url, final_url, b"".join(chunks), content_type, charset)


def _too_big(url: str, max_bytes: int) -> str:
    return f"{url} is over {max_bytes // 2**20} MB, more than any publication page; nothing was imported"
