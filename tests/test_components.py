"""The crawl's policies as Scrapy components (``crawlers.components``), tested the way Scrapy
tests its own middlewares: a crawler from ``scrapy.utils.test.get_crawler``, ``Request`` and
``Response`` objects, a corpus on disk, no network."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from componentkit import crawler_for, source, started
from scrapy import Request
from scrapy.http import HtmlResponse

from crawlers.components import component
from crawlers.components.budgets import BudgetMiddleware
from crawlers.components.methods import METHODS, Method, lists_items, register
from crawlers.components.seen import SeenStoreMiddleware, parse_date
from crawlers.components.traps import TrapMiddleware
from crawlers.state import close_store, corpus_for

ARTICLE = "https://news.example.org/news/2024/05/article-{}/"


def article(crawler: Any, n: int | str, **meta: Any) -> Request:
    url = ARTICLE.format(n)
    return Request(url, meta={"role": "article", "canonical": url, "hops": 0, "via": "feed", **meta})


def passed(middleware: Any, crawler: Any, requests: list[Any]) -> list[Any]:
    """What ``middleware`` lets through of ``requests`` yielded by a callback."""
    response = HtmlResponse("https://news.example.org/news/", body=b"<html></html>")
    return list(middleware.process_spider_output(response, requests, crawler.spider))


@pytest.fixture
def crawler(tmp_path: Path) -> Any:
    src = source(tmp_path, "    max_pages: 3\n    max_listing_pages: 2\n")
    crawler = crawler_for(tmp_path, src)
    started(crawler)  # the spider opens its seen-store and components
    yield crawler
    crawler.spider.closed("finished")
    close_store(crawler)


def stat(crawler: Any, name: str) -> int:
    return int(crawler.stats.get_value(f"harvest/{name}", 0))


# traps ---------------------------------------------------------------------------------------
def test_traps_cut_articles_too_many_hops_away(crawler: Any) -> None:
    traps = component(crawler, TrapMiddleware)
    out = passed(traps, crawler, [article(crawler, 1, hops=2), article(crawler, 2, hops=3)])
    assert [r.url for r in out] == [ARTICLE.format(1)]
    assert stat(crawler, "cut/link_depth") == 1


def test_traps_cut_repeating_paths_and_listing_variants(crawler: Any) -> None:
    traps = component(crawler, TrapMiddleware)
    looping = Request("https://news.example.org/a/b/a/b/a/b/a/b/news/", meta={"role": "listing"})
    first = Request("https://news.example.org/news/?page=2&sort=date", meta={"role": "listing"})
    variant = Request("https://news.example.org/news/?page=2&sort=title", meta={"role": "listing"})
    other = Request("https://news.example.org/robots.txt")
    out = passed(traps, crawler, [looping, first, variant, other])
    assert out == [first, other]
    assert stat(crawler, "cut/repeating_path") == 1
    assert stat(crawler, "skipped_requests/listing_variant") == 1


def test_traps_let_redirect_targets_through(crawler: Any) -> None:
    traps = component(crawler, TrapMiddleware)
    request = article(crawler, 1, hops=9, redirected_from=["https://news.example.org/old"])
    assert passed(traps, crawler, [request]) == [request]


# budgets -------------------------------------------------------------------------------------
def test_page_budget_counts_article_requests_only(crawler: Any) -> None:
    budget = component(crawler, BudgetMiddleware)
    requests = [article(crawler, n) for n in range(5)] + [Request("https://news.example.org/feed/")]
    out = passed(budget, crawler, requests)
    assert [r.url for r in out] == [ARTICLE.format(n) for n in range(3)] + ["https://news.example.org/feed/"]
    assert stat(crawler, "cut/page_budget") == 2
    assert budget.pages_spent(crawler.spider) is True


def test_listing_budget_limits_depth_and_total(crawler: Any) -> None:
    budget = component(crawler, BudgetMiddleware)
    deep = Request("https://news.example.org/news/page/9/", meta={"role": "listing", "depth": 3})
    shallow = [Request(f"https://news.example.org/news/page/{n}/", meta={"role": "listing", "depth": 1})
               for n in range(10)]
    out = passed(budget, crawler, [deep, *shallow])
    assert len(out) == 8  # 4 × max_listing_pages (2)
    assert stat(crawler, "cut/listing_budget") == 3


def test_sitemaps_once_within_depth_and_budget(tmp_path: Path) -> None:
    crawler = crawler_for(tmp_path, source(tmp_path), HARVEST_MAX_SITEMAPS=3, HARVEST_MAX_SITEMAP_DEPTH=1)
    started(crawler)
    try:
        budget = component(crawler, BudgetMiddleware)
        spider = crawler.spider
        requests = [spider.sitemap_request("https://news.example.org/s1.xml", 0),
                    spider.sitemap_request("https://news.example.org/s1.xml", 0),
                    spider.sitemap_request("https://news.example.org/s2.xml", 2),
                    spider.sitemap_request("https://news.example.org/s3.xml", 1),
                    spider.sitemap_request("https://news.example.org/s4.xml", 1),
                    spider.sitemap_request("https://news.example.org/s5.xml", 1)]
        out = passed(budget, crawler, requests)
        assert [r.url.rsplit("/", 1)[1] for r in out] == ["s1.xml", "s3.xml", "s4.xml"]
        assert stat(crawler, "cut/sitemap_depth") == 1
        assert stat(crawler, "cut/sitemap_budget") == 1
        assert budget.sitemaps_spent(1) is True
    finally:
        crawler.spider.closed("finished")
        close_store(crawler)


# the seen-store ------------------------------------------------------------------------------
def _remember(crawler: Any, url: str, status: str = "stored", **validators: Any) -> None:
    corpus = corpus_for(crawler, crawler.spider.source)
    with corpus.index.write():
        corpus.index.mark_url(url, "example", status, **validators)


def _last_run(crawler: Any, started_at: str) -> None:
    corpus = corpus_for(crawler, crawler.spider.source)
    with corpus.index.write():
        corpus.index.record_run("example", started_at, "ok", {"started_at": started_at, "cut": {}}, complete=True)


def test_seen_store_skips_known_items_and_rechecks_changed_ones_conditionally(crawler: Any) -> None:
    _remember(crawler, ARTICLE.format(1), etag='"v1"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT")
    _remember(crawler, ARTICLE.format(2), etag='"v2"')
    seen = component(crawler, SeenStoreMiddleware)
    unchanged = article(crawler, 1, hint_date="2000-01-01T00:00:00Z")
    changed = article(crawler, 2, hint_date="2999-01-01T00:00:00Z")
    new = article(crawler, 3)
    again = article(crawler, 3)
    out = passed(seen, crawler, [unchanged, changed, new, again])
    assert [r.url for r in out] == [ARTICLE.format(2), ARTICLE.format(3)]
    recheck = out[0]
    assert recheck.headers.get("If-None-Match") == b'"v2"'
    assert recheck.meta["recheck"] is True and recheck.dont_filter
    assert b"If-None-Match" not in out[1].headers
    assert stat(crawler, "skipped_requests/known") == 1
    assert stat(crawler, "rechecked") == 1


def test_new_urls_are_requested_whatever_their_dates_say(crawler: Any) -> None:
    # A site's clock may run behind the crawler's: a new article listed with a lastmod older
    # than the last complete run is new all the same.
    _last_run(crawler, "2024-06-01T00:00:00Z")
    seen = component(crawler, SeenStoreMiddleware)
    seen.open(crawler.spider.source)  # the watermark is read when the seen-store opens
    assert seen.since == parse_date("2024-06-01T00:00:00Z") and seen.run == 2
    old = article(crawler, 1, via="sitemap", hint_date="2024-05-01")
    fresh = article(crawler, 2, via="sitemap", hint_date="2024-07-01")
    out = passed(seen, crawler, [old, fresh])
    assert [r.url for r in out] == [ARTICLE.format(1), ARTICLE.format(2)]


def test_seen_store_writes_go_through_the_one_writer(crawler: Any) -> None:
    src = crawler.spider.source
    _remember(crawler, ARTICLE.format(1))
    seen = component(crawler, SeenStoreMiddleware)
    corpus = corpus_for(crawler, src)
    before = corpus.index.url_status(ARTICLE.format(1))["checked_at"]
    # the feed lists it with a date newer than its last check: asked again, it answers 304
    (recheck,) = passed(seen, crawler, [article(crawler, 1, hint_date="2999-05-07")])
    seen.not_modified(recheck.meta)
    seen.document_link("https://news.example.org/files/plan.pdf")
    seen.document_link("https://news.example.org/files/plan.pdf")
    seen.rejected(ARTICLE.format(2), "not_html")
    close_store(crawler)  # what was queued is written
    pdf = corpus.index.url_status("https://news.example.org/files/plan.pdf")
    assert (pdf["status"], pdf["reason"]) == ("rejected", "document_link")
    rejected = corpus.index.url_status(ARTICLE.format(2))
    assert (rejected["status"], rejected["reason"], rejected["backoff"]) == ("rejected", "not_html", 1)
    touched = corpus.index.url_status(ARTICLE.format(1))
    assert touched["checked_at"] >= before and json.loads(touched["listed"]) == {"feed": "2999-05-07"}
    assert stat(crawler, "skipped/document_link") == 1
    assert stat(crawler, "not_modified") == 1


def test_a_disabled_component_is_a_clear_error(tmp_path: Path) -> None:
    crawler = crawler_for(tmp_path, source(tmp_path),
                          SPIDER_MIDDLEWARES={"crawlers.components.seen.SeenStoreMiddleware": None})
    with pytest.raises(RuntimeError, match="SeenStoreMiddleware is not enabled"):
        started(crawler)


# the discovery registry ------------------------------------------------------------------------
def test_every_discovery_method_starts_and_parses() -> None:
    assert list(METHODS) == ["robots", "listing", "feed", "sitemap", "wp-api"]
    assert [m for m in METHODS.values() if m.lists_items] == [METHODS["feed"], METHODS["sitemap"], METHODS["wp-api"]]
    assert lists_items("sitemap") and not lists_items("listing") and not lists_items("link")


def test_a_new_method_joins_in_one_place(tmp_path: Path) -> None:
    def start(spider: Any) -> Any:
        yield spider.discovery_request("https://news.example.org/news.json", "json-list", priority=30)

    def parse(spider: Any, response: Any) -> Any:
        for url in response.json()["items"]:
            yield from spider.follow(url, via="json-list")

    register(Method("json-list", start, parse, lists_items=True))
    try:
        crawler = crawler_for(tmp_path, source(tmp_path))
        requests = started(crawler)
        (request,) = [r for r in requests if r.meta.get("method") == "json-list"]
        from scrapy.http import TextResponse

        body = b'{"items": ["https://news.example.org/news/2024/05/from-json/"]}'
        response = TextResponse(request.url, body=body, request=request, headers={"Content-Type": "application/json"})
        (found,) = list(crawler.spider.parse_discovery(response))
        assert (found.meta["role"], found.meta["via"]) == ("article", "json-list")
        assert lists_items("json-list")
        crawler.spider.closed("finished")
        close_store(crawler)
    finally:
        METHODS.pop("json-list")


def test_the_strongest_place_an_article_was_found_is_kept(crawler: Any) -> None:
    seen = component(crawler, SeenStoreMiddleware)
    url = ARTICLE.format("both")
    on_listing = article(crawler, "both", via="listing", found_on="https://news.example.org/")
    in_feed = article(crawler, "both", via="feed", hint_date="2024-05-07T10:00:00Z")
    by_link = article(crawler, "both", via="link", hops=1)
    out = passed(seen, crawler, [on_listing, in_feed, by_link])
    assert [r.meta["via"] for r in out] == ["listing"]  # requested once, as first found
    assert seen.found(url) == ("feed", None, "2024-05-07T10:00:00Z")  # but listed by the feed
    assert seen.found(ARTICLE.format("never")) is None


# only new, exactly -------------------------------------------------------------------------------
def test_listed_dates_are_compared_per_list_and_not_with_the_clock() -> None:
    from crawlers import listed

    stored = listed.merge(None, {"sitemap": "2020-01-02T00:00:00+00:00", "feed": "Thu, 02 Jan 2020 08:00:00 GMT"})
    assert listed.changed(stored, "sitemap", "2020-01-02T00:00:00Z") is False  # the same instant
    assert listed.changed(stored, "sitemap", "2020-01-01T00:00:00Z") is True  # older, but another date
    assert listed.changed(stored, "feed", "Thu, 02 Jan 2020 08:00:00 GMT") is False
    assert listed.changed(stored, "wp-api", "2020-01-05T00:00:00") is None  # that list said nothing before
    assert listed.changed(stored, "sitemap", None) is None
    assert listed.parse(listed.merge(stored, {"sitemap": "2020-03-01"})) == {
        "sitemap": "2020-03-01", "feed": "Thu, 02 Jan 2020 08:00:00 GMT"}


def test_a_known_item_listed_with_an_older_date_is_checked_again(crawler: Any) -> None:
    from crawlers import listed

    corpus = corpus_for(crawler, crawler.spider.source)
    with corpus.index.write():
        corpus.index.mark_url(ARTICLE.format(1), "example", "stored", etag='"a"',
                              listed=listed.merge(None, {"sitemap": "2024-05-07T10:00:00Z"}))
    seen = component(crawler, SeenStoreMiddleware)
    same = article(crawler, 1, via="sitemap", hint_date="2024-05-07T10:00:00+00:00")
    assert passed(seen, crawler, [same]) == []
    older = article(crawler, 1, via="sitemap", hint_date="2024-05-01T10:00:00Z")  # a clock behind ours
    (again,) = passed(seen, crawler, [older])
    assert again.headers.get("If-None-Match") == b'"a"' and again.meta["recheck"]


def test_dead_ends_wait_their_turn_and_few_are_checked_per_run(tmp_path: Path) -> None:
    crawler = crawler_for(tmp_path, source(tmp_path), HARVEST_DEAD_END_RECHECKS=2)
    started(crawler)
    try:
        seen = component(crawler, SeenStoreMiddleware)
        corpus = corpus_for(crawler, crawler.spider.source)
        with corpus.index.write():
            for n in range(4):  # dead in run 1 (due again from run 3)
                corpus.index.dead_end(ARTICLE.format(n), "example", "http_404", 1)
            corpus.index.dead_end(ARTICLE.format(9), "example", "http_404", 5)  # due from run 7
        assert seen.run == 1
        assert passed(seen, crawler, [article(crawler, n) for n in (0, 9)]) == []
        assert stat(crawler, "skipped_requests/dead_end") == 2
        seen.run = 3  # two runs later
        out = passed(seen, crawler, [article(crawler, n) for n in range(4)])
        assert [r.url for r in out] == [ARTICLE.format(0), ARTICLE.format(1)]  # two per run at most
        assert all(r.meta["dead"] for r in out)
        assert stat(crawler, "skipped_requests/dead_end_later") == 2
    finally:
        crawler.spider.closed("finished")
        close_store(crawler)


def test_a_fruitless_walk_is_cut_and_remembered(tmp_path: Path) -> None:
    crawler = crawler_for(tmp_path, source(tmp_path), HARVEST_FRUITLESS_WALK=3)
    started(crawler)
    traps = component(crawler, TrapMiddleware)
    walk = [article(crawler, n, hops=1, walk=True, via="link") for n in range(6)]
    out = passed(traps, crawler, walk)
    assert len(out) == 3 and stat(crawler, "cut/fruitless_walk") == 3
    traps.walked(True)  # one of them was a new item: one more may go
    assert len(passed(traps, crawler, [article(crawler, 7, hops=1, walk=True)])) == 1
    crawler.spider.closed("finished")
    close_store(crawler)
    # a walk that found nothing is remembered: the next run does not walk
    crawler2 = crawler_for(tmp_path, source(tmp_path), HARVEST_FRUITLESS_WALK=3)
    started(crawler2)
    try:
        traps2 = component(crawler2, TrapMiddleware)
        assert traps2.walking  # the first run's walk found an item
        for n in range(3):
            passed(traps2, crawler2, [article(crawler2, 20 + n, hops=1, walk=True)])
        crawler2.spider.closed("finished")
        close_store(crawler2)
        crawler3 = crawler_for(tmp_path, source(tmp_path), HARVEST_FRUITLESS_WALK=3)
        started(crawler3)
        assert not component(crawler3, TrapMiddleware).walking
        crawler3.spider.closed("finished")
        close_store(crawler3)
    finally:
        close_store(crawler2)
