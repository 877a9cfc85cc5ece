"""Downloader middleware: retries that back off and honour ``Retry-After``; robots.txt read
as RFC 9309 says; redirect loops reported."""

from __future__ import annotations

import asyncio
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone
from typing import Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.response import response_status_message


def retry_after_seconds(value: bytes | None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries (5xx, 429, timeouts, resets), each after a pause: ``Retry-After`` when
    the server sends one (up to ``HARVEST_RETRY_AFTER_MAX`` seconds; longer means give up),
    otherwise ``HARVEST_RETRY_BACKOFF`` × 2^attempt seconds. The pause holds only this request."""

    def __init__(self, settings: Any):
        super().__init__(settings)
        self.backoff = settings.getfloat("HARVEST_RETRY_BACKOFF", 1.0)
        self.retry_after_max = settings.getfloat("HARVEST_RETRY_AFTER_MAX", 120.0)

    def _pause(self, request: Any, response: Any = None) -> float | None:
        attempt = request.meta.get("retry_times", 0)
        if response is not None and response.status in (429, 503):
            wait = retry_after_seconds(response.headers.get(b"Retry-After"))
            if wait is not None:
                return wait if wait <= self.retry_after_max else None
        return self.backoff * (2 ** attempt)

    async def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        pause = self._pause(request, response)
        if pause is None:  # the server asks for more patience than we have: give up now
            return response
        retry = self._retry(request, response_status_message(response.status), spider)
        if retry is None:
            return response
        await asyncio.sleep(pause)
        return retry

    async def process_exception(self, request: Any, exception: Exception, spider: Any = None) -> Any:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry", False):
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
    A missing robots.txt (4xx) still means "no rules"."""

    def _parse_robots(self, response: Any, netloc: str, spider: Any) -> None:
        if response.status >= 500:
            message = (f"robots.txt of {netloc} answered HTTP {response.status}: nothing is fetched from this "
                       "host until it answers (RFC 9309: an unreachable robots.txt means disallow all)")
            if spider is not None and getattr(spider, "first_error", None) is None:
                spider.first_error = message
            if spider is not None:
                spider.logger.error(message)
            response = response.replace(status=200, body=_DISALLOW_ALL)
            self.crawler.stats.inc_value("harvest/errors/robots_txt_unavailable")
        super()._parse_robots(response, netloc, spider)
