"""Unit tests of ``crawlers/middlewares.py``, the way Scrapy tests its own middlewares: a crawler
from ``scrapy.utils.test.get_crawler``, ``Request`` and ``Response`` objects, no network.

The retry middleware's ``process_exception`` is a coroutine, and its ``process_response`` returns
one when it retries (Scrapy 2.13 awaits them); they only await ``asyncio.sleep``, so
``asyncio.run`` drives them here (``settled``); a response not retried comes back at once."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable
from email.utils import formatdate
from typing import Any

import pytest
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler
from twisted.internet import defer, error
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived
from twisted.web.client import ResponseFailed

from crawlers.middlewares import (
    BackoffRetryMiddleware,
    ReportingDupeFilter,
    StrictRobotsTxtMiddleware,
    cured_by_waiting,
    network_error_kind,
    retry_after_seconds,
)

SITE = "http://site.example.org"


@pytest.fixture
def make_crawler() -> Callable[..., Crawler]:
    """``get_crawler`` with the given settings. ``get_crawler`` matches its settings to the
    installed Twisted reactor; nothing here runs it, so the default one is installed if none is."""
    from twisted.internet import reactor  # noqa: F401  (installs the default reactor if none is)

    def make(**settings: Any) -> Crawler:
        return get_crawler(settings_dict=settings)

    return make


def settled(outcome: Any) -> Any:
    """What the downloader gets from a middleware's method: a coroutine run to its end, or the
    value returned at once."""
    return asyncio.run(outcome) if inspect.iscoroutine(outcome) else outcome


def spider_of(crawler: Crawler) -> Any:
    """A spider bound to ``crawler`` (``spider.crawler``: its settings and stats)."""
    return crawler._create_spider("site")


# --- network_error_kind ---------------------------------------------------------------------


@pytest.mark.parametrize("exc, kind", [
    (error.DNSLookupError("no-such-host.invalid"), "dns"),
    (error.ConnectionRefusedError(), "refused"),
    (ConnectionRefusedError(111, "Connection refused"), "refused"),
    (error.TimeoutError(), "timeout"),
    (error.TCPTimedOutError(), "timeout"),
    (defer.TimeoutError(), "timeout"),
    (TimeoutError(), "timeout"),
    (error.ConnectionLost(), "connection_lost"),
    (error.ConnectionDone(), "connection_lost"),
    (ResponseFailed([Failure(error.ConnectionLost())]), "connection_lost"),
    (ResponseNeverReceived([Failure(error.ConnectionLost())]), "connection_lost"),
    (ConnectionResetError(104, "Connection reset by peer"), "connection_lost"),
    (error.ConnectError(), "network"),
    (OSError(101, "Network is unreachable"), "network"),
    (ValueError("not a network error"), None),
    (None, None),
])
def test_network_error_kind(exc: BaseException | None, kind: str | None) -> None:
    assert network_error_kind(exc) == kind


# --- cured_by_waiting -------------------------------------------------------------------------


def test_a_host_that_does_not_resolve_is_never_cured_by_waiting() -> None:
    dns = error.DNSLookupError("no-such-host.invalid")
    assert not cured_by_waiting(Request(f"{SITE}/news/page-2"), dns)
    assert not cured_by_waiting(Request(f"{SITE}/robots.txt"), dns)
    assert not cured_by_waiting(Request(f"{SITE}/news/", meta={"probe": True}), dns)


def test_a_refused_connection_ends_only_a_probe() -> None:
    refused = error.ConnectionRefusedError()
    assert not cured_by_waiting(Request(f"{SITE}/robots.txt"), refused)
    assert not cured_by_waiting(Request(f"{SITE}/news/", meta={"probe": True}), refused)
    # A page of a site that answered before: the server may be restarting.
    assert cured_by_waiting(Request(f"{SITE}/news/page-2"), refused)


def test_a_timeout_is_worth_waiting_for_even_on_a_probe() -> None:
    for request in (Request(f"{SITE}/news/page-2"), Request(f"{SITE}/robots.txt"),
                    Request(f"{SITE}/news/", meta={"probe": True})):
        assert cured_by_waiting(request, error.TCPTimedOutError())
        assert cured_by_waiting(request, error.ConnectionLost())


# --- retry_after_seconds ----------------------------------------------------------------------


def test_retry_after_in_delta_seconds() -> None:
    assert retry_after_seconds(b"0") == 0.0
    assert retry_after_seconds(b"120") == 120.0
    assert retry_after_seconds(b" 7 ") == 7.0


def test_retry_after_as_an_http_date() -> None:
    future = retry_after_seconds(formatdate(time.time() + 3600, usegmt=True).encode())
    assert future is not None and 3590 <= future <= 3600
    assert retry_after_seconds(formatdate(time.time() - 3600, usegmt=True).encode()) == 0.0
    # A date without a zone is read as UTC.
    assert retry_after_seconds(b"Wed, 21 Oct 2015 07:28:00") == 0.0


@pytest.mark.parametrize("value", [None, b"", b"soon", b"-5", b"1.5", b"Someday, 99 Foo 20xx",
                                   b"Mon, 32 Feb 2026 00:00:00 GMT", b"Mon, 01 Jan 99999 00:00:00 GMT"])
def test_retry_after_that_says_nothing(value: bytes | None) -> None:
    assert retry_after_seconds(value) is None


# Latin-1 superscript digits pass str.isdigit() but not float(); an hour too large for a C
# long makes parsedate_to_datetime raise OverflowError. Either must mean "no usable Retry-After".
@pytest.mark.parametrize("value", [b"\xb2", b"\xb9\xb2", b"Mon, 01 Jan 2026 99999999999999999999:00:00 GMT"])
def test_retry_after_that_a_hostile_server_sends_says_nothing(value: bytes) -> None:
    assert retry_after_seconds(value) is None


# --- BackoffRetryMiddleware -------------------------------------------------------------------


def backoff_mw(make_crawler: Callable[..., Crawler], **settings: Any) -> tuple[BackoffRetryMiddleware, Any]:
    defaults = {"RETRY_TIMES": 2, "HARVEST_RETRY_BACKOFF": 0.0, "HARVEST_RETRY_AFTER_MAX": 5.0}
    crawler = make_crawler(**{**defaults, **settings})
    return BackoffRetryMiddleware.from_crawler(crawler), spider_of(crawler)


def answer(request: Request, status: int, **headers: str) -> Response:
    return Response(request.url, status=status, headers=headers, request=request)


def test_backoff_reads_its_settings(make_crawler: Callable[..., Crawler]) -> None:
    mw = BackoffRetryMiddleware.from_crawler(make_crawler(HARVEST_RETRY_BACKOFF=0.25, HARVEST_RETRY_AFTER_MAX=9))
    assert (mw.backoff, mw.retry_after_max) == (0.25, 9.0)


def test_a_503_with_retry_after_0_is_retried_at_once(make_crawler: Callable[..., Crawler]) -> None:
    mw, spider = backoff_mw(make_crawler)
    request = Request(f"{SITE}/news/")
    t0 = time.monotonic()
    retry = settled(mw.process_response(request, answer(request, 503, **{"Retry-After": "0"}), spider))
    assert time.monotonic() - t0 < 1
    assert isinstance(retry, Request) and retry.url == request.url
    assert retry.meta["retry_times"] == 1 and retry.dont_filter
    assert spider.crawler.stats.get_value("retry/count") == 1


def test_a_503_asking_for_more_than_the_maximum_wait_is_given_up(make_crawler: Callable[..., Crawler]) -> None:
    mw, spider = backoff_mw(make_crawler)  # HARVEST_RETRY_AFTER_MAX = 5 s
    request = Request(f"{SITE}/news/")
    response = answer(request, 503, **{"Retry-After": "3600"})
    t0 = time.monotonic()
    assert settled(mw.process_response(request, response, spider)) is response
    assert time.monotonic() - t0 < 1
    assert spider.crawler.stats.get_value("retry/count") is None


def test_the_last_retry_gives_the_response_back(make_crawler: Callable[..., Crawler]) -> None:
    mw, spider = backoff_mw(make_crawler)  # RETRY_TIMES = 2
    request = Request(f"{SITE}/news/", meta={"retry_times": 2})
    response = answer(request, 500)
    assert settled(mw.process_response(request, response, spider)) is response
    assert spider.crawler.stats.get_value("retry/max_reached") == 1


def test_responses_that_are_not_retried(make_crawler: Callable[..., Crawler]) -> None:
    mw, spider = backoff_mw(make_crawler)
    request = Request(f"{SITE}/news/gone")
    for response in (answer(request, 404), answer(request, 200), HtmlResponse(request.url, body=b"<p>x</p>")):
        assert settled(mw.process_response(request, response, spider)) is response
    quiet = Request(f"{SITE}/news/", meta={"dont_retry": True})
    response = answer(quiet, 503, **{"Retry-After": "0"})
    assert settled(mw.process_response(quiet, response, spider)) is response
    assert spider.crawler.stats.get_value("retry/count") is None


def test_exceptions_retried_only_when_waiting_can_help(make_crawler: Callable[..., Crawler]) -> None:
    mw, spider = backoff_mw(make_crawler)
    page = Request(f"{SITE}/news/page-2")
    retry = asyncio.run(mw.process_exception(page, error.TCPTimedOutError(), spider))
    assert isinstance(retry, Request) and retry.meta["retry_times"] == 1
    retry = asyncio.run(mw.process_exception(page, error.ConnectionRefusedError(), spider))
    assert isinstance(retry, Request)  # a page: the server may be restarting
    assert asyncio.run(mw.process_exception(page, error.DNSLookupError("x"), spider)) is None
    probe = Request(f"{SITE}/news/", meta={"probe": True})
    assert asyncio.run(mw.process_exception(probe, error.ConnectionRefusedError(), spider)) is None
    robots = Request(f"{SITE}/robots.txt")
    assert asyncio.run(mw.process_exception(robots, error.ConnectionRefusedError(), spider)) is None
    quiet = Request(f"{SITE}/news/page-3", meta={"dont_retry": True})
    assert asyncio.run(mw.process_exception(quiet, error.TCPTimedOutError(), spider)) is None
    assert asyncio.run(mw.process_exception(page, ValueError("not a download error"), spider)) is None
    assert spider.crawler.stats.get_value("retry/count") == 2


def test_the_pause_doubles_with_each_attempt(make_crawler: Callable[..., Crawler]) -> None:
    mw, _ = backoff_mw(make_crawler, HARVEST_RETRY_BACKOFF=1.5)
    pauses = [mw._pause(Request(f"{SITE}/news/", meta={"retry_times": n})) for n in range(4)]
    assert pauses == [1.5, 3.0, 6.0, 12.0]
    # Retry-After of a 429 or 503 comes first (up to the maximum); other statuses back off.
    request = Request(f"{SITE}/news/", meta={"retry_times": 1})
    assert mw._pause(request, answer(request, 429, **{"Retry-After": "4"})) == 4.0
    assert mw._pause(request, answer(request, 503, **{"Retry-After": "6"})) is None
    assert mw._pause(request, answer(request, 503, **{"Retry-After": "whenever"})) == 3.0
    assert mw._pause(request, answer(request, 503)) == 3.0
    assert mw._pause(request, answer(request, 500, **{"Retry-After": "4"})) == 3.0


def test_a_503_with_an_unreadable_retry_after_backs_off(make_crawler: Callable[..., Crawler]) -> None:
    mw, spider = backoff_mw(make_crawler)
    request = Request(f"{SITE}/news/")
    response = Response(request.url, status=503, headers={b"Retry-After": b"\xb2"}, request=request)  # "²" in Latin-1
    retry = settled(mw.process_response(request, response, spider))
    assert isinstance(retry, Request) and retry.meta["retry_times"] == 1


def test_the_pause_is_waited(make_crawler: Callable[..., Crawler]) -> None:
    mw, spider = backoff_mw(make_crawler, HARVEST_RETRY_BACKOFF=0.2)
    request = Request(f"{SITE}/news/", meta={"retry_times": 1})
    t0 = time.monotonic()
    retry = settled(mw.process_response(request, answer(request, 502), spider))
    assert isinstance(retry, Request) and retry.meta["retry_times"] == 2
    assert time.monotonic() - t0 >= 0.4 - 0.05  # 0.2 × 2^1


# --- ReportingDupeFilter ----------------------------------------------------------------------


def test_a_redirect_back_to_a_requested_page_is_reported(make_crawler: Callable[..., Crawler]) -> None:
    crawler = make_crawler()
    spider = spider_of(crawler)
    dupes = ReportingDupeFilter.from_crawler(crawler)
    first = Request(f"{SITE}/a")
    assert not dupes.request_seen(first)
    loop = Request(f"{SITE}/a", meta={"redirect_urls": [f"{SITE}/a", f"{SITE}/b"]})
    assert dupes.request_seen(loop)
    dupes.log(loop, spider)
    plain = Request(f"{SITE}/a")
    assert dupes.request_seen(plain)
    dupes.log(plain, spider)  # a link to a page already requested: no error
    stats = crawler.stats
    assert stats is not None
    assert stats.get_value("harvest/errors/redirect_loop") == 1
    assert stats.get_value("dupefilter/filtered") == 2


# --- StrictRobotsTxtMiddleware ----------------------------------------------------------------


class _Engine:
    """The crawler's engine as the robots.txt middleware sees it: ``download`` answers every
    robots.txt request with ``status`` at once."""

    def __init__(self, status: int, body: bytes = b""):
        self.status, self.body = status, body
        self.requested: list[str] = []

    def download(self, request: Request) -> defer.Deferred[Response]:
        self.requested.append(request.url)
        return defer.succeed(Response(request.url, status=self.status, body=self.body, request=request))


def outcome(d: defer.Deferred[Any] | None) -> Any:
    """The result of a Deferred that has fired (a ``Failure`` if it failed)."""
    assert d is not None
    results: list[Any] = []
    d.addBoth(results.append)
    assert results, "the Deferred has not fired"
    return results[0]


def robots_mw(make_crawler: Callable[..., Crawler], status: int,
              body: bytes = b"") -> tuple[StrictRobotsTxtMiddleware, Any, _Engine]:
    crawler = make_crawler(ROBOTSTXT_OBEY=True)
    engine = _Engine(status, body)
    crawler.engine = engine  # type: ignore[assignment]
    spider = spider_of(crawler)
    return StrictRobotsTxtMiddleware.from_crawler(crawler), spider, engine


def test_a_robots_txt_answering_5xx_disallows_the_host(make_crawler: Callable[..., Crawler]) -> None:
    mw, spider, engine = robots_mw(make_crawler, 500)
    spider.first_error = None
    first = outcome(mw.process_request(Request(f"{SITE}/news/"), spider))
    assert isinstance(first, Failure) and first.check(IgnoreRequest)
    assert engine.requested == [f"{SITE}/robots.txt"]
    assert spider.error_kind == "robots_unavailable"
    assert "site.example.org" in spider.first_error and "HTTP 500" in spider.first_error
    # Later requests to that host are refused without asking again; other hosts are not.
    later = outcome(mw.process_request(Request(f"{SITE}/news/page-2"), spider))
    assert isinstance(later, Failure) and later.check(IgnoreRequest)
    assert engine.requested == [f"{SITE}/robots.txt"]
    stats = spider.crawler.stats
    assert stats.get_value("harvest/errors/robots_txt_unavailable") == 1
    assert stats.get_value("robotstxt/forbidden") == 2


def test_the_first_error_of_the_source_is_kept(make_crawler: Callable[..., Crawler]) -> None:
    mw, spider, _ = robots_mw(make_crawler, 503)
    spider.first_error, spider.error_kind = "the start URL answered HTTP 404", "http_4xx"
    outcome(mw.process_request(Request(f"{SITE}/news/"), spider))
    assert (spider.first_error, spider.error_kind) == ("the start URL answered HTTP 404", "http_4xx")


@pytest.mark.parametrize("status, body", [(404, b"<html>not found</html>"),
                                          (200, b"User-agent: *\nDisallow: /private/\n")])
def test_a_missing_or_readable_robots_txt_is_obeyed_as_rules(make_crawler: Callable[..., Crawler],
                                                             status: int, body: bytes) -> None:
    mw, spider, _ = robots_mw(make_crawler, status, body)
    spider.first_error = None
    assert outcome(mw.process_request(Request(f"{SITE}/news/"), spider)) is None
    private = outcome(mw.process_request(Request(f"{SITE}/private/x"), spider))
    assert (status == 200) == isinstance(private, Failure)
    assert spider.first_error is None and not hasattr(spider, "error_kind")
    assert spider.crawler.stats.get_value("harvest/errors/robots_txt_unavailable") is None
