"""Downloader middleware: retries that back off and honour ``Retry-After`` (and none where
waiting cannot help); robots.txt read as RFC 9309 says, and a source ended there when its site
cannot be reached; redirect loops reported."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.downloadermiddlewares.stats import DownloaderStats
from scrapy.dupefilters import RFPDupeFilter
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import response_status_message
from twisted.internet import defer, error
from twisted.internet.defer import Deferred
from twisted.web.client import ResponseFailed

from crawlers import config


def network_error_kind(exc: BaseException | None) -> str | None:
    """What a download failure is, by its exception type: ``dns`` (the host does not resolve),
    ``refused`` (nothing listens there), ``timeout``, ``connection_lost`` (reset or closed
    mid-answer), ``network`` (another connection failure); ``None`` for anything else."""
    if isinstance(exc, error.DNSLookupError):  # an OSError: before the OS errors below
        return "dns"
    if isinstance(exc, (error.ConnectionRefusedError, ConnectionRefusedError)):
        return "refused"
    if isinstance(exc, (error.TimeoutError, error.TCPTimedOutError, defer.TimeoutError, TimeoutError)):
        return "timeout"
    if isinstance(exc, (error.ConnectionLost, error.ConnectionDone, ResponseFailed, ConnectionError)):
        return "connection_lost"
    if isinstance(exc, (error.ConnectError, OSError)):
        return "network"
    return None


def is_probe(request: Any) -> bool:
    """A request that tells whether a site is there at all: a robots.txt, or a source's start
    URL (``probe`` in its meta)."""
    return bool(request.meta.get("probe")) or urlparse_cached(request).path == "/robots.txt"


def cured_by_waiting(request: Any, exc: BaseException) -> bool:
    """Whether a new attempt seconds later can succeed: not when the host does not resolve,
    nor when a site's robots.txt or start URL refuses the connection."""
    kind = network_error_kind(exc)
    return not (kind == "dns" or (kind == "refused" and is_probe(request)))


def retry_after_seconds(value: bytes | None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date; ``None`` for anything else
    (a server may send digits of other scripts, or a date no calendar holds)."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isascii() and text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


async def _after(pause: float, value: Any) -> Any:
    await asyncio.sleep(pause)
    return value


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries (5xx, 429, timeouts, resets), each after a pause: ``Retry-After`` when
    the server sends one (up to ``HARVEST_RETRY_AFTER_MAX`` seconds; longer means give up),
    otherwise ``HARVEST_RETRY_BACKOFF`` × 2^attempt seconds. The pause holds only this request.
    A host that does not resolve, and a robots.txt or start URL whose connection is refused, are
    not retried (``cured_by_waiting``)."""

    def __init__(self, settings: Any):
        super().__init__(settings)
        self.backoff = settings.getfloat("HARVEST_RETRY_BACKOFF", config.default("HARVEST_RETRY_BACKOFF"))
        self.retry_after_max = settings.getfloat("HARVEST_RETRY_AFTER_MAX", config.default("HARVEST_RETRY_AFTER_MAX"))

    def _pause(self, request: Any, response: Any = None) -> float | None:
        attempt = request.meta.get("retry_times", 0)
        if response is not None and response.status in (429, 503):
            wait = retry_after_seconds(response.headers.get(b"Retry-After"))
            if wait is not None:
                return wait if wait <= self.retry_after_max else None
        return self.backoff * (2 ** attempt)

    # A retry waits in a coroutine (Scrapy 2.13 awaits what a downloader middleware returns), so
    # the pause before a retry holds only this request. A response that is not retried, nearly
    # every one, is returned at once: no coroutine, task and Deferred made for each page.
    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        pause = self._pause(request, response)
        if pause is None:  # the server asks for more patience than we have: give up now
            return response
        retry = self._retry(request, response_status_message(response.status), spider)
        if retry is None:
            return response
        return _after(pause, retry)  # a coroutine: Scrapy awaits it

    async def process_exception(  # type: ignore[override]
            self, request: Any, exception: Exception, spider: Any = None) -> Any:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry", False):
            return None
        if not cured_by_waiting(request, exception):
            return None
        retry = self._retry(request, exception, spider)
        if retry is None:
            return None
        await asyncio.sleep(self._pause(request) or 0)
        return retry


class ReportingDupeFilter(RFPDupeFilter):
    """Scrapy's duplicate filter, which also reports a redirect that leads back to a page
    already requested (a redirect loop) as an error of the crawl."""

    def log(self, request: Any, spider: Any) -> None:
        if request.meta.get("redirect_urls") and spider is not None:
            spider.crawler.stats.inc_value("harvest/errors/redirect_loop")
            spider.logger.warning("redirect loop: %s -> %s", " -> ".join(request.meta["redirect_urls"]), request.url)
        super().log(request, spider)


_DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class StrictRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, except that a robots.txt answering 5xx (after the
    retries) means *complete disallow*, as RFC 9309 §2.3.1.3 requires, instead of "no rules".
    The crawl of that host then requests nothing else, and the source's first error says why.
    A missing robots.txt (4xx) still means "no rules". When the source's own host does not
    resolve or refuses the connection, the spider ends the crawl (``site_unreachable``) and
    nothing else is requested. The robots.txt it reads is handed to the spider
    (``robots_seen``), so a crawl fetches each robots.txt once."""

    def __init__(self, crawler: Any):
        super().__init__(crawler)
        self._unreachable: set[str] = set()  # hosts (netlocs) that do not resolve or refuse connections

    def process_request_2(self, rp: Any, request: Any, spider: Any) -> None:
        netloc = urlparse_cached(request).netloc
        if netloc in self._unreachable:
            raise IgnoreRequest(f"{netloc} cannot be reached")
        super().process_request_2(rp, request, spider)

    def _parse_robots(self, response: Any, netloc: str, spider: Any) -> None:
        if response.status >= 500:
            message = (f"robots.txt of {netloc} answered HTTP {response.status}: nothing is fetched from this "
                       "host until it answers (RFC 9309: an unreachable robots.txt means disallow all)")
            if spider is not None and getattr(spider, "first_error", None) is None:
                spider.first_error = message
                spider.error_kind = "robots_unavailable"
            if spider is not None:
                spider.logger.error(message)
            response = response.replace(status=200, body=_DISALLOW_ALL)
            stats: Any = self.crawler.stats
            stats.inc_value("harvest/errors/robots_txt_unavailable")
        super()._parse_robots(response, netloc, spider)
        seen = getattr(spider, "robots_seen", None)
        if seen is not None:  # the spider reads the sitemaps it names: robots.txt is fetched once
            seen(netloc, response)

    def _logerror(self, failure: Any, request: Any, spider: Any) -> Any:
        # The source's own host does not resolve or refuses connections: the spider ends the
        # crawl (one error line), and the requests waiting for this robots.txt are dropped.
        unreachable = getattr(spider, "site_unreachable", None)
        if unreachable is not None and unreachable(request, failure.value):
            netloc = urlparse_cached(request).netloc
            self._unreachable.add(netloc)
            waiting, self._parsers[netloc] = self._parsers.get(netloc), None
            if isinstance(waiting, Deferred):
                waiting.callback(None)
            return None
        return super()._logerror(failure, request, spider)


class CountingDownloaderStats(DownloaderStats):
    """Scrapy's downloader counters without the header arithmetic: requests and responses (by
    method, by status), exceptions, and ``downloader/response_bytes`` as the bodies' bytes.
    Scrapy's own also renders every request as HTTP text and walks every response's headers to
    size them (1.7 % of the crawl process's profiled CPU on 2,000 real pages); no report of the
    project reads those sizes. ``downloader/request_bytes`` is not kept."""

    def process_request(self, request: Any, spider: Any = None) -> None:
        inc = self.stats.inc_value
        inc("downloader/request_count", spider=spider)
        inc(f"downloader/request_method_count/{request.method}", spider=spider)
        return None

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        inc = self.stats.inc_value
        inc("downloader/response_count", spider=spider)
        inc(f"downloader/response_status_count/{response.status}", spider=spider)
        inc("downloader/response_bytes", len(response.body), spider=spider)
        return response
