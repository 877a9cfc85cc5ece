"""Site-level boilerplate, end to end: a line the site's template puts in every article body
(trafilatura keeps it: it is inside the article's content) is learned while a crawl reads the
site, taken out of the texts stored from the ``MIN_PAGES``-th page on, and remembered: the
crawl counts in memory and writes its counts when it ends, so the next crawl removes the line
from its first new article on."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawlers.boilerplate import MIN_PAGES, SiteBoilerplate
from storage.index import open_index
from testing.faultsite import FaultSite, NewsSite, generated_article
from tests.test_robustness import assert_ok, run_crawl

pytestmark = [pytest.mark.slow, pytest.mark.backends]  # backends: on SQLite and on PostgreSQL

TEMPLATE = "Subscribe to the Section's monthly newsletter to receive the latest news of its member cities."
SOURCE = "site"  # the source name ``run_crawl`` gives


@pytest.fixture(autouse=True)
def _fast_crawls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARVEST_CLEAN_WORKERS", "0")


@pytest.fixture
def fault() -> Iterator[FaultSite]:
    with FaultSite() as s:
        yield s
    assert s.errors == [], f"test site handler errors: {s.errors}"


def texts(corpus: Path) -> dict[str, str]:
    """URL → stored text of every crawled document."""
    index = open_index(corpus, os.environ.get("HARVEST_INDEX"))
    try:
        return {d.url: (corpus / d.file).read_text(encoding="utf-8") for d in index.documents() if d.url}
    finally:
        index.close()


def test_a_template_line_is_learned_in_a_crawl_and_remembered_for_the_next(
        fault: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    news = NewsSite(fault, [generated_article(i, "bp") for i in range(12)])
    for article in news.articles:  # every article carries the line, inside its content
        news.add_article(article, body_extra=f"<p>{TEMPLATE}</p>")
    assert_ok(run_crawl(tmp_path, seeded_corpus, news.url))
    first = {url: text for url, text in texts(seeded_corpus).items() if "/en/bp-" in url}
    assert len(first) == 12
    with_line = [url for url, text in first.items() if TEMPLATE in text]
    # Taken out once MIN_PAGES pages carried it: at most the first MIN_PAGES - 1 pages keep it.
    assert 0 < len(with_line) <= MIN_PAGES - 1, with_line
    assert all("municipal" in text or len(text) > 400 for text in first.values())

    index = open_index(seeded_corpus, os.environ.get("HARVEST_INDEX"))
    try:  # what the crawl counted in memory was written when it ended
        assert index.pages_seen(SOURCE) >= 12
        assert (TEMPLATE, 12) in SiteBoilerplate(index, SOURCE).template()
    finally:
        index.close()

    fresh = [generated_article(i, "bq") for i in range(3)]
    for article in fresh:
        news.add_article(article, body_extra=f"<p>{TEMPLATE}</p>")
    assert_ok(run_crawl(tmp_path, seeded_corpus, news.url))
    second = {url: text for url, text in texts(seeded_corpus).items() if "/en/bq-" in url}
    assert len(second) == 3
    assert not any(TEMPLATE in text for text in second.values())
