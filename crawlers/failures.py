"""What a response or a failed request says, in the words of a crawl's summary: HTTP error
kinds, failures that are decisions rather than faults, a redirect's target, header values."""

from __future__ import annotations

import re

from scrapy.http import Response
from w3lib.url import safe_url_string

# Why a source's own host cannot be reached (``crawlers.middlewares.network_error_kind``).
UNREACHABLE = {"dns": "DNS lookup failed (no such host)", "refused": "connection refused"}


def http_kind(status: int) -> str:
    """``http_5xx``, ``http_429``, ``http_4xx``, ``http_3xx``."""
    return "http_429" if status == 429 else f"http_{status // 100}xx"


def skip_reason(name: str, message: str) -> str | None:
    """A failure that is a decision, not a fault: ``robots_disallowed`` (Scrapy's robots.txt
    middleware ignores the request, saying so), ``too_large`` (the download was cancelled at
    ``DOWNLOAD_MAXSIZE``: a ``CancelledError``, or a message naming the limit)."""
    text = message.lower()
    if "robots.txt" in text or "forbidden by robots" in text:
        return "robots_disallowed"
    if name == "CancelledError" or "maxsize" in text or "max size" in text or "exceeds" in text or "too large" in text:
        return "too_large"
    return None


def redirect_location(response: Response) -> str:
    """A redirect's ``Location``, percent-escaped as browsers send it (as sent when it cannot be
    parsed)."""
    raw = response.headers.get(b"Location") or b""
    try:
        return safe_url_string(raw)
    except ValueError:
        return raw.decode("latin-1")


def header(response: Response, name: bytes) -> str | None:
    """A response header's value as text (Latin-1, as HTTP sends it), or ``None``."""
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def header_charset(response: Response) -> str | None:
    """The charset of the response's ``Content-Type``, if it names one."""
    ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    m = re.search(r"charset=([\w-]+)", ctype, re.IGNORECASE)
    return m.group(1) if m else None
