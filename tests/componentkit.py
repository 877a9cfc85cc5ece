"""A Scrapy crawler for unit tests of the spider and its components: the project's settings,
an engine (so the spider finds its middlewares), no reactor and no network."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.utils.test import get_crawler

from crawlers.sources import Source, load_sources
from crawlers.spiders.source import SourceSpider


def source(tmp_path: Path, extra: str = "", url: str = "https://news.example.org/news/") -> Source:
    path = tmp_path / "sources.yaml"
    path.write_text(f"sources:\n  - name: example\n    url: {url}\n{extra}", encoding="utf-8")
    (src,) = load_sources(path)
    return src


def crawler_for(tmp_path: Path, src: Source, **settings: Any) -> Any:
    """A crawler with the project's settings, the corpus in ``tmp_path/corpus``, cleaning in
    this process; its spider is created and its components are in place."""
    from twisted.internet import reactor  # noqa: F401  (get_crawler matches the installed reactor; none runs)

    import crawlers.settings

    values = {k: v for k, v in vars(crawlers.settings).items() if k.isupper()}
    values.update({"HARVEST_CORPUS": str(tmp_path / "corpus"), "HARVEST_CLEAN_WORKERS": 0, **settings})
    crawler = get_crawler(SourceSpider, settings_dict=values)
    crawler.spider = crawler._create_spider(source=src)
    crawler.engine = crawler._create_engine()
    return crawler


def started(crawler: Any) -> list[Any]:
    """The spider's start requests, as the spider yields them (before the middlewares)."""
    import asyncio

    async def collect() -> list[Any]:
        return [r async for r in crawler.spider.start()]

    return asyncio.run(collect())
