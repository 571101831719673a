"""One polite HTTP request at a time: an honest user agent, a time limit and a byte cap.

Only the standard library (urllib) is used. Redirects are *not* followed here: the crawler
follows them one hop at a time so that every hop is checked against the site and robots.txt.
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


_OPENER = urllib.request.build_opener(_NoRedirect())


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
    deadline = time.monotonic() + timeout
    try:
        with _OPENER.open(request, timeout=timeout) as answer:
            response = _head(answer.geturl(), answer.status, answer.headers)
            if read_types is not None and response.content_type and response.content_type not in read_types:
                return response
            body = _read_capped(answer, deadline, timeout, max_bytes)
            return Response(response.url, response.status, response.content_type, response.charset, None, body)
    except urllib.error.HTTPError as exc:
        with exc:
            return _head(url, exc.code, exc.headers)
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (TimeoutError, socket.timeout)):
            raise FetchError(f"timed out after {timeout:g} s") from None
        raise FetchError(f"cannot connect ({_reason(exc.reason)})") from None
    except (TimeoutError, socket.timeout):
        raise FetchError(f"timed out after {timeout:g} s") from None
    except http.client.HTTPException as exc:
        raise FetchError(f"bad HTTP response ({type(exc).__name__})") from None
    except (OSError, ValueError) as exc:
        raise FetchError(f"request failed ({_reason(exc)})") from None


def _head(url: str, status: int, headers) -> Response:
    content_type = (headers.get_content_type() if headers and headers.get("Content-Type") else "").lower()
    charset = headers.get_content_charset() if headers else None
    return Response(url, status, content_type, charset, headers.get("Location") if headers else None)


def _read_capped(answer, deadline: float, timeout: float, max_bytes: int) -> bytes:
    length = answer.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise FetchError(_too_big(max_bytes))
    chunks: list[bytes] = []
    total = 0
    # Each pass reads at least one byte or ends; the deadline also stops a server that drips.
    while True:
        if time.monotonic() > deadline:
            raise FetchError(f"timed out after {timeout:g} s")
        chunk = answer.read(_CHUNK)
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
