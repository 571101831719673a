"""One polite HTTP request at a time: an honest user agent, a time limit and a byte cap.

Only the standard library (urllib) is used. Redirects are *not* followed here: the crawler
follows them one hop at a time so that every hop is checked against the site and robots.txt.

The time limit is a deadline for the whole request, from connecting to the last byte: a
socket timeout alone bounds only each read, and a server that sends one byte a second never
trips it. So a timer shuts the request's socket down when the deadline passes, whatever
read (of the headers or of the body) is waiting then.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from clientlens import __version__

USER_AGENT = f"clientlens/{__version__} (terminology audit of a site's own pages; obeys robots.txt)"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_CHUNK = 64 * 1024


class FetchError(Exception):
    """A request that produced no usable response; `str()` is one line without the URL."""


@dataclass(frozen=True)
class Response:
    """What one request returned. `body` is None when it was not read (an error or not HTML)."""

    url: str
    status: int
    content_type: str = ""
    charset: str | None = None
    location: str | None = None
    body: bytes | None = None

    @property
    def is_html(self) -> bool:
        """Return True when the content type is HTML (or missing, which servers mean as HTML)."""
        return self.content_type in HTML_TYPES or not self.content_type


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # Returning None turns a 3xx into an HTTPError, so the crawler sees each hop.
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102
        return None


class Deadline:
    """Shuts down the sockets of one request when its deadline passes; `expired` says whether it did."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        """Shut `sock` down at the deadline (at once if it has passed); return None."""
        with self._lock:
            self._sockets.append(sock)
            late = self.expired
        if late:
            _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)

    def cancel(self) -> None:
        """Stop the timer (the request is over); return None."""
        self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    # socket.socket's own shutdown, also for an SSL socket: a blocked read in another thread
    # then returns or fails at once (SSLSocket.shutdown would unwrap it under that read).
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass


def _watched(connection_class: type, deadline: Deadline) -> type:
    class Watched(connection_class):  # type: ignore[misc, valid-type]
        def connect(self) -> None:
            super().connect()
            deadline.watch(self.sock)

    return Watched


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self.connection = _watched(http.client.HTTPConnection, deadline)

    def http_open(self, req):  # noqa: D102
        return self.do_open(self.connection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self.connection = _watched(http.client.HTTPSConnection, deadline)

    def https_open(self, req):  # noqa: D102
        return self.do_open(self.connection, req, context=self._context)


def _opener(deadline: Deadline) -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(_NoRedirect(), _HTTPHandler(deadline), _HTTPSHandler(deadline))


class Throttle:
    """Spaces the starts of requests at least `delay` seconds apart, across every thread."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._lock = threading.Lock()
        self._next = 0.0

    def wait(self) -> None:
        """Sleep until this request may start; return None."""
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.delay
        if start > now:
            time.sleep(start - now)


def fetch(url: str, *, timeout: float, max_bytes: int, user_agent: str = USER_AGENT,
          read_types: frozenset[str] | None = HTML_TYPES) -> Response:
    """Return the Response to a GET of `url`; raise FetchError for timeouts and network errors.

    The body is read only for a 2xx answer whose content type is in `read_types` (a missing
    type counts as HTML; None reads any type), at most `max_bytes` of it, within `timeout`
    seconds in all.
    """
    request = urllib.request.Request(url, headers={"User-Agent": user_agent, "Accept-Encoding": "identity",
                                                   "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"})
    deadline = Deadline(timeout)
    try:
        return _fetch(request, url, deadline, max_bytes, read_types)
    except (OSError, ValueError, http.client.HTTPException) as exc:  # URLError and timeouts are OSErrors
        raise _failure(exc, deadline) from None
    finally:
        deadline.cancel()


def _fetch(request: urllib.request.Request, url: str, deadline: Deadline, max_bytes: int,
           read_types: frozenset[str] | None) -> Response:
    try:
        with _opener(deadline).open(request, timeout=deadline.seconds) as answer:
            response = _head(answer.geturl(), answer.status, answer.headers)
            if read_types is not None and response.content_type and response.content_type not in read_types:
                return response
            body = _read_capped(answer, deadline, max_bytes)
            return Response(response.url, response.status, response.content_type, response.charset, None, body)
    except urllib.error.HTTPError as exc:
        with exc:
            return _head(url, exc.code, exc.headers)


def _failure(exc: Exception, deadline: Deadline) -> FetchError:
    """Return the one-line FetchError for whatever ended a request early."""
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if deadline.expired or isinstance(reason, (TimeoutError, socket.timeout)):
        return FetchError(f"timed out after {deadline.seconds:g} s")
    if isinstance(exc, urllib.error.URLError):
        return FetchError(f"cannot connect ({_reason(reason)})")
    if isinstance(exc, http.client.HTTPException):
        return FetchError(f"bad HTTP response ({type(exc).__name__})")
    return FetchError(f"request failed ({_reason(exc)})")


def _head(url: str, status: int, headers) -> Response:
    content_type = (headers.get_content_type() if headers and headers.get("Content-Type") else "").lower()
    charset = headers.get_content_charset() if headers else None
    return Response(url, status, content_type, charset, headers.get("Location") if headers else None)


def _read_capped(answer, deadline: Deadline, max_bytes: int) -> bytes:
    length = answer.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise FetchError(_too_big(max_bytes))
    chunks: list[bytes] = []
    total = 0
    # Each pass reads at least one byte or ends; at the deadline the socket is shut and the read
    # ends at once, short: that is a timeout, not the end of the body.
    while True:
        chunk = answer.read(_CHUNK)
        if deadline.expired:
            raise FetchError(f"timed out after {deadline.seconds:g} s")
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > max_bytes:
            raise FetchError(_too_big(max_bytes))
        chunks.append(chunk)


def _too_big(max_bytes: int) -> str:
    return f"response is over the {max_bytes / 1e6:g} MB limit per page"


def _reason(reason: object) -> str:
    text = getattr(reason, "strerror", None) or str(reason)
    return " ".join(str(text).split()) or type(reason).__name__


def decode_body(response: Response) -> str:
    """Return the body as text: the declared charset when it decodes cleanly, else detected.

    Raises InputError (from decode_bytes) for binary or undecodable bodies.
    """
    from clientlens.ingest.decode import decode_bytes

    body = response.body or b""
    if response.charset and body:
        # utf-8-sig reads UTF-8 too, and drops a byte-order mark instead of keeping it as text.
        charset = "utf-8-sig" if response.charset.replace("_", "-").lower() in ("utf-8", "utf8") else response.charset
        try:
            return body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_bytes(body, response.url)
