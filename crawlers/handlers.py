"""Download handler: Scrapy's HTTP/1.1 handler without Twisted's silent re-send, and with a cap
on the size of a response's header section."""

from __future__ import annotations

import functools
from typing import Any

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from twisted.python.failure import Failure
from twisted.web._newclient import HEADER, STATUS, HTTP11ClientProtocol, ResponseFailed, ResponseNeverReceived
from twisted.web.client import _HTTP11ClientFactory

from crawlers import config


class HeaderTooLarge(Exception):
    """A response's header section has more fields or bytes than allowed: the connection was
    dropped before the rest was read (Twisted itself reads headers without limit)."""


class _HeaderLimitedProtocol(HTTP11ClientProtocol):
    """Twisted's HTTP/1.1 client protocol, reading at most ``max_headers`` header fields and
    ``max_bytes`` bytes of status line and headers per response; beyond that the connection is
    aborted and the request fails with ``HeaderTooLarge``."""

    def __init__(self, quiescentCallback: Any, max_headers: int, max_bytes: int):
        super().__init__(quiescentCallback)
        self.max_headers, self.max_bytes = max_headers, max_bytes

    def request(self, request: Any) -> Any:
        result = super().request(request)
        parser = self._parser
        if parser is not None and not getattr(parser, "_header_limited", False):
            self._limit(parser)
        return result

    def _limit(self, parser: Any) -> None:
        line_received, line_too_long = parser.lineReceived, parser.lineLengthExceeded
        seen = {"bytes": 0, "fields": 0}

        def lineReceived(line: bytes) -> Any:  # noqa: N802 - Twisted's name
            if parser.state in (STATUS, HEADER):
                seen["bytes"] += len(line) + 1
                if parser.state == HEADER and line.rstrip(b"\r") and line[:1] not in (b" ", b"\t"):
                    seen["fields"] += 1
                if seen["bytes"] > self.max_bytes:
                    self._refuse(f"response header section over {self.max_bytes} bytes")
                if seen["fields"] > self.max_headers:
                    self._refuse(f"response with over {self.max_headers} header fields")
            return line_received(line)

        def lineLengthExceeded(line: bytes) -> Any:  # noqa: N802 - Twisted's name
            if parser.state in (STATUS, HEADER):
                self._refuse(f"response header line over {parser.MAX_LENGTH} bytes")
            return line_too_long(line)

        parser.lineReceived, parser.lineLengthExceeded = lineReceived, lineLengthExceeded
        parser._header_limited = True

    def _refuse(self, why: str) -> None:
        # Stop reading at once; raising makes the protocol fail the response with this reason.
        abort = getattr(self.transport, "abortConnection", None)
        if abort is not None:
            abort()
        raise HeaderTooLarge(why)


class _HeaderLimitedFactory(_HTTP11ClientFactory):
    noisy = False

    def __init__(self, quiescentCallback: Any, metadata: Any, max_headers: int, max_bytes: int):
        super().__init__(quiescentCallback, metadata)
        self.max_headers, self.max_bytes = max_headers, max_bytes

    def buildProtocol(self, addr: Any) -> HTTP11ClientProtocol:  # noqa: N802 - Twisted's name
        return _HeaderLimitedProtocol(self._quiescentCallback, self.max_headers, self.max_bytes)


def _header_failure(failure: Failure) -> Failure:
    """A response that failed because of its header size fails with ``HeaderTooLarge``
    (which is not retried), instead of a generic ``ResponseFailed``."""
    if failure.check(ResponseFailed, ResponseNeverReceived):
        for reason in getattr(failure.value, "reasons", None) or []:
            if isinstance(reason, Failure) and reason.check(HeaderTooLarge):
                return Failure(HeaderTooLarge(str(reason.value)))
    return failure


class SingleAttemptHTTPHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, with two changes.

    Twisted's connection pool re-sends an idempotent request once, on its own, when a
    kept-alive connection fails (``retryAutomatically``). A server that resets connections
    then sees every attempt twice, and the retry is neither counted nor paused. Here every
    attempt is one request: failures go to the retry middleware, which backs off and counts.

    Twisted reads a response's header section without limit (``DOWNLOAD_MAXSIZE`` covers the
    body only): an endless header would fill the memory. Here a response with more than
    ``HARVEST_MAX_HEADERS`` header fields or ``HARVEST_MAX_HEADER_BYTES`` bytes of headers is
    dropped, and its request fails with ``HeaderTooLarge`` (not retried)."""

    def __init__(self, settings: Any, crawler: Any):
        super().__init__(settings, crawler)
        self._pool.retryAutomatically = False
        self._pool._factory = functools.partial(  # type: ignore[assignment]
            _HeaderLimitedFactory,
            max_headers=settings.getint("HARVEST_MAX_HEADERS", config.default("HARVEST_MAX_HEADERS")),
            max_bytes=settings.getint("HARVEST_MAX_HEADER_BYTES", config.default("HARVEST_MAX_HEADER_BYTES")))

    def download_request(self, request: Any, spider: Any) -> Any:
        d = super().download_request(request, spider)
        d.addErrback(_header_failure)
        return d
