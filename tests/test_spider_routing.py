"""The spider routes (``crawlers.spiders.source``) and the item pipeline only stores
(``crawlers.pipelines``): callbacks fed with ``Response`` objects, no network; the pipeline
stores into a corpus on disk through the crawl's one writer."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from componentkit import crawler_for, source, started
from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse

from crawlers.cleaning import Cleaned, Rejected
from crawlers.contracts import PageItem
from crawlers.pipelines import StorePipeline
from crawlers.state import close_store, corpus_for

SITE = "https://news.example.org"


@pytest.fixture
def crawler(tmp_path: Path) -> Any:
    crawler = crawler_for(tmp_path, source(tmp_path))
    started(crawler)
    yield crawler
    crawler.spider.closed("finished")
    close_store(crawler)


def respond(request: Request, body: bytes, cls: type[Response] = HtmlResponse, status: int = 200,
            **headers: str) -> Response:
    return cls(request.url, status=status, body=body, request=request, headers=headers or None)


def discovery(crawler: Any, url: str, method: str, **meta: Any) -> Request:
    return crawler.spider.discovery_request(url, method, **meta)


def test_robots_sitemaps_become_sitemap_requests(crawler: Any) -> None:
    request = discovery(crawler, SITE + "/robots.txt", "robots", guessed=True)
    body = b"User-agent: *\nDisallow: /wp-admin/\nSitemap: /news-sitemap.xml\nSitemap: https://other.org/s.xml\n"
    out = list(crawler.spider.parse_discovery(respond(request, body, TextResponse)))
    assert [(r.url, r.meta["role"], r.meta["sitemap_depth"]) for r in out] == [
        (SITE + "/news-sitemap.xml", "sitemap", 0)]


def test_feed_entries_become_article_requests_with_their_dates(crawler: Any) -> None:
    request = discovery(crawler, SITE + "/feed/", "feed")
    body = (b"<?xml version='1.0'?><rss version='2.0'><channel><title>News</title>"
            b"<item><title>A</title><link>https://news.example.org/news/2024/05/a/?utm_source=rss</link>"
            b"<pubDate>Tue, 07 May 2024 10:00:00 GMT</pubDate></item>"
            b"<item><title>B</title><link>https://elsewhere.org/b/</link></item></channel></rss>")
    out = list(crawler.spider.parse_discovery(respond(request, body, XmlResponse)))
    (article,) = out
    assert article.url == SITE + "/news/2024/05/a/"  # tracking parameters dropped, other hosts left out
    assert article.meta["role"] == "article" and article.meta["via"] == "feed"
    assert article.meta["hint_date"].startswith(("Tue, 07 May 2024", "2024-05-07"))
    assert crawler.spider.discovered["feeds"] == [SITE + "/feed/"]


def test_listing_yields_candidates_and_the_next_page(crawler: Any) -> None:
    request = discovery(crawler, SITE + "/news/", "listing", depth=0, start=True)
    body = (b"<html><head><link rel='alternate' type='application/rss+xml' href='/feed/'></head><body>"
            b"<a href='/news/2024/05/first-story/'>First</a><a href='/news/2024/05/second-story/'>Second</a>"
            b"<a href='/contact/'>Contact</a><a href='/news/page/2/'>2</a><a href='/news/page/3/'>3</a>"
            b"<a href='/files/plan.pdf'>Plan</a><a href='/files/budget.xlsx'>Budget</a></body></html>")
    out = list(crawler.spider.parse_discovery(respond(request, body, **{"Content-Type": "text/html"})))
    by_role: dict[str, list[str]] = {}
    for r in out:
        by_role.setdefault("document" if r.meta.get("document") else r.meta.get("role") or r.meta["method"],
                           []).append(r.url)
    assert by_role["feed"] == [SITE + "/feed/"]
    # every page link is a candidate; what is an item is decided once the page is cleaned
    assert by_role["article"] == [SITE + "/news/2024/05/first-story/", SITE + "/news/2024/05/second-story/",
                                  SITE + "/contact/"]
    assert all(crawler.spider.source.url == r.meta["found_on"] for r in out if r.meta.get("role") == "article")
    assert by_role["listing"] == [SITE + "/news/page/2/"]  # one page at a time
    # a PDF is a document request (with the listing that links it and its link's text); other
    # document types are recorded as links
    (pdf,) = [r for r in out if r.meta.get("document")]
    assert (pdf.url, pdf.meta["linked_from"], pdf.meta["link_text"]) == (
        SITE + "/files/plan.pdf", SITE + "/news/", "Plan")
    assert crawler.stats.get_value("harvest/skipped/document_link") == 1


def test_redirects_are_followed_within_the_hosts_only(crawler: Any) -> None:
    spider = crawler.spider
    request = discovery(crawler, SITE + "/feed/", "feed")
    inside = respond(request, b"", status=301, Location="/news/feed/")
    (again,) = list(spider.parse_discovery(inside))
    assert again.url == SITE + "/news/feed/" and again.meta["redirected_from"] == [SITE + "/feed/"]
    assert again.meta["method"] == "feed"
    outside = respond(request, b"", status=302, Location="https://elsewhere.org/feed/")
    assert list(spider.parse_discovery(outside)) == []
    assert crawler.stats.get_value("harvest/skipped_requests/offsite_redirect") == 1


def test_an_http_error_on_the_start_url_is_the_crawls_first_error(crawler: Any) -> None:
    spider = crawler.spider
    request = discovery(crawler, SITE + "/news/", "listing", depth=0, start=True)
    # discovery goes on from the guessed feed and sitemap paths (nothing named any)
    guessed = list(spider.parse_discovery(respond(request, b"oops", status=503)))
    assert {r.meta["method"] for r in guessed} == {"feed", "sitemap"} and all(r.meta["guessed"] for r in guessed)
    assert (spider.first_error, spider.error_kind) == (f"HTTP 503 for {SITE}/news/", "http_5xx")
    assert "answered HTTP 503" in spider.nothing_found()


async def _collect(agen: Any) -> list[Any]:
    return [x async for x in agen]


ARTICLE_HTML = ("<html lang='en'><head><title>Cities sign the localisation pact</title></head><body>"
                "<article><h1>Cities sign the localisation pact</h1>"
                + "".join(f"<p>Paragraph {n} of the story about the cities that signed the pact on local "
                          f"action for the goals, with details on the next steps and the partners.</p>"
                          for n in range(8))
                + "<p><a href='/news/2024/05/related-story/'>Related story</a></p></article></body></html>")


def _article_request(crawler: Any, url: str, via: str, hops: int = 0) -> Request:
    return Request(url, meta={"role": "article", "canonical": url, "via": via, "hops": hops, "depth": 0})


def test_an_article_is_cleaned_and_its_links_walked(crawler: Any) -> None:
    url = SITE + "/news/2024/05/pact/"
    request = _article_request(crawler, url, "listing", hops=1)
    response = respond(request, ARTICLE_HTML.encode(), **{"Content-Type": "text/html; charset=utf-8", "ETag": '"e1"'})
    out = asyncio.run(_collect(crawler.spider.parse_article(response)))
    item = out[-1]
    assert isinstance(item, PageItem) and isinstance(item.result, Cleaned)
    assert item.result.title == "Cities sign the localisation pact" and item.etag == '"e1"'
    links = [r for r in out if isinstance(r, Request)]
    assert [(r.url, r.meta["via"], r.meta["hops"]) for r in links] == [
        (SITE + "/news/2024/05/related-story/", "link", 2)]


def test_a_listed_article_is_not_walked_and_304_costs_nothing(crawler: Any) -> None:
    url = SITE + "/news/2024/05/pact/"
    request = _article_request(crawler, url, "sitemap")
    out = asyncio.run(_collect(crawler.spider.parse_article(respond(request, ARTICLE_HTML.encode()))))
    assert len(out) == 1 and isinstance(out[0], PageItem)
    out = asyncio.run(_collect(crawler.spider.parse_article(respond(request, b"", status=304))))
    assert out == [] and crawler.stats.get_value("harvest/not_modified") == 1


def test_an_article_a_sitemap_lists_too_is_not_walked(crawler: Any) -> None:
    """A listing page led to the article first, the sitemap listed it before its answer came:
    the sitemap lists the site's items, so the article's links are not walked."""
    url = SITE + "/news/2024/05/pact/"
    spider = crawler.spider
    request = _article_request(crawler, url, "listing", hops=1)
    assert spider.seen.keep(request, spider) is request
    assert spider.seen.keep(_article_request(crawler, url, "sitemap"), spider) is None  # requested already
    response = respond(request, ARTICLE_HTML.encode(), **{"Content-Type": "text/html; charset=utf-8"})
    out = asyncio.run(_collect(spider.parse_article(response)))
    assert [r.url for r in out if isinstance(r, Request)] == []
    (item,) = out
    assert isinstance(item, PageItem) and isinstance(item.result, Cleaned) and item.via == "sitemap"


def _page(url: str, result: Any) -> PageItem:
    return PageItem(url=url, requested_canonical=url, result=result, via="feed",
                    fetched_at="2024-05-07T10:00:00Z", etag='"e1"')


def test_the_pipeline_stores_pages_and_records_rejections(crawler: Any) -> None:
    pipeline = StorePipeline.from_crawler(crawler)
    spider = crawler.spider
    text = [f"Paragraph {n}: the council approved the cooperation plan with its partner cities, "
            "with a budget for training, exchanges and joint projects on local climate action." for n in range(8)]
    good = _page(SITE + "/news/2024/05/plan/", Cleaned(title="The cooperation plan", paragraphs=text,
                                                      date="2024-05-07", language="en"))
    bad = _page(SITE + "/news/2024/05/broken/", Rejected("too_short", "12 characters"))

    async def run() -> list[dict[str, Any]]:
        return [await pipeline.process_item(good, spider), await pipeline.process_item(bad, spider)]

    stored, skipped = asyncio.run(run())
    close_store(crawler)
    assert stored["status"] == "new" and skipped == {"url": bad.url, "status": "skipped", "reason": "too_short"}
    corpus = corpus_for(crawler, spider.source)
    (doc,) = [d for d in corpus.documents() if d.source == "example"]
    assert doc.title == "The cooperation plan" and corpus.read_body(doc).startswith("Paragraph 0")
    assert (corpus.folder / doc.file).is_file()
    row = corpus.index.url_status(good.url)
    assert (row["status"], row["etag"]) == ("stored", '"e1"')
    assert corpus.index.url_status(bad.url)["reason"] == "too_short"
    assert crawler.stats.get_value("harvest/new") == 1
    assert crawler.stats.get_value("harvest/skipped/too_short") == 1
    assert [i["title"] for i in crawler.stats.get_value("harvest/items")] == ["The cooperation plan"]


def test_links_are_resolved_within_the_hosts_and_pagination_apart(crawler: Any) -> None:
    import re

    from crawlers.failures import http_kind, skip_reason
    from crawlers.links import LinkSorter

    stats = crawler.stats
    sorter = LinkSorter(["news.example.org"], [], [re.compile(r"/wp-admin/")], stats)
    anchors = [("/news/2024/05/a/", False), ("https://elsewhere.org/x/", False), ("/news/page/2/", True),
               ("/news/2024/05/b/", True), ("http://[::1", False), ("/news/2024/05/a/", False)]
    links, nexts = sorter.sort(SITE + "/news/", anchors)
    # a "next" link to an article is post navigation, not pagination; other hosts are left out
    assert links == [SITE + "/news/2024/05/a/", SITE + "/news/2024/05/b/"]
    assert nexts == [SITE + "/news/page/2/"]
    assert stats.get_value("harvest/skipped_requests/bad_url") == 1
    assert (http_kind(503), http_kind(429), http_kind(404)) == ("http_5xx", "http_429", "http_4xx")
    assert skip_reason("IgnoreRequest", "Forbidden by robots.txt") == "robots_disallowed"
    assert skip_reason("CancelledError", "Cancelling download of x") == "too_large"
    assert skip_reason("TimeoutError", "took longer than 30 seconds") is None


def test_a_page_not_taken_and_unchanged_keeps_its_decision(crawler: Any) -> None:
    from crawlers.store import store_page

    corpus = corpus_for(crawler, crawler.spider.source)
    page = _page(SITE + "/contact/", Cleaned(title="Contact", paragraphs=["Write to the secretariat."]))
    with corpus.index.write():
        first = store_page(corpus, page, crawler.spider.source, run=1)
    assert first["status"] == "skipped"
    row = corpus.index.url_status(page.url)
    assert (row["status"], row["backoff"]) == ("rejected", 1) and row["content_hash"]
    # checked again two runs later, same text: same decision without judging it again, longer wait
    again = _page(SITE + "/contact/", Cleaned(title="Contact", paragraphs=["Write to the secretariat."]))
    with corpus.index.write():
        second = store_page(corpus, again, crawler.spider.source, run=3)
    assert second == {"status": "skipped", "reason": row["reason"].split(":")[0]}
    row2 = corpus.index.url_status(page.url)
    assert (row2["status"], row2["reason"], row2["backoff"], row2["recheck_run"]) == ("rejected", row["reason"], 2, 6)


def _article(n: int, template: str) -> bytes:
    own = "".join(f"<p>Paragraph {k} of story {n}: the council and its partner cities agreed on training, "
                  f"exchanges and joint projects for local climate action, step {k}.</p>" for k in range(6))
    return (f"<html><head><title>Story {n}</title></head><body><article><h1>Story {n}</h1>{own}"
            f"<p>{template}</p></article></body></html>").encode()


def test_the_workers_hash_and_keys_are_the_texts_and_stay_out_of_the_metadata(crawler: Any) -> None:
    """The cleaning worker hashes each text and keys its paragraphs (``clean_job``) so that the
    crawl's writer does not: the stored hash is the stored text's, computed again once template
    paragraphs are taken out, and neither value is kept with the document's metadata."""
    from crawlers.boilerplate import paragraph_keys
    from crawlers.cleaner import clean_job
    from crawlers.contracts import CleanOptions
    from storage.ids import content_hash

    template = "Subscribe to the newsletter of the network of cities."
    pipeline = StorePipeline.from_crawler(crawler)
    spider = crawler.spider
    results = []
    for n in range(8):
        result, _links = clean_job(_article(n, template), f"{SITE}/news/2024/05/story-{n}/",
                                   CleanOptions(80, False, "utf-8", False))
        assert isinstance(result, Cleaned) and template in result.paragraphs
        assert result.meta["_digest"] == content_hash(result.body)
        assert result.meta["_keys"] == paragraph_keys(result.paragraphs)
        assert result.meta["_keys"][-1] is not None and isinstance(result.meta["_simhash"], int)
        results.append(result)

    async def run() -> list[dict[str, Any]]:
        return [await pipeline.process_item(_page(f"{SITE}/news/2024/05/story-{n}/", r), spider)
                for n, r in enumerate(results)]

    stored = asyncio.run(run())
    close_store(crawler)
    assert [s["status"] for s in stored] == ["new"] * 8
    corpus = corpus_for(crawler, spider.source)
    rows = sorted((d for d in corpus.documents() if d.source == "example"), key=lambda d: d.num)
    removed = 0
    for row in rows:
        body = corpus.read_body(row)
        assert row.content_hash == content_hash(body)
        assert not {"_digest", "_keys", "_simhash"} & set(row.meta)
        removed += template not in body
    assert removed >= 3  # the template learned on the first pages is taken out of the later ones
