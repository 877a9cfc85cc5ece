"""A spider per source: ``scrapy list`` lists the sources of ``HARVEST_CONFIG`` (the bundled
``sources.yaml`` by default) and ``scrapy crawl <source>`` crawls one."""

from __future__ import annotations

import builtins
from typing import Any

from scrapy.interfaces import ISpiderLoader
from zope.interface import implementer

from crawlers.settings import source_settings
from crawlers.sources import load_sources
from crawlers.spiders.source import SourceSpider


@implementer(ISpiderLoader)
class SourceSpiderLoader:
    """Builds one ``SourceSpider`` subclass per declared source."""

    def __init__(self, settings: Any):
        self.config = settings.get("HARVEST_CONFIG")
        self._loaded: dict[str, Any] | None = None

    @property
    def _spiders(self) -> dict[str, Any]:
        """The sources, read when first asked for (a crawl given its source never asks)."""
        if self._loaded is None:
            self._loaded = {s.name: s for s in load_sources(self.config)}
        return self._loaded

    @classmethod
    def from_settings(cls, settings: Any) -> SourceSpiderLoader:
        return cls(settings)

    def load(self, spider_name: str) -> type[SourceSpider]:
        if spider_name not in self._spiders:
            raise KeyError(f"Spider not found: {spider_name}")
        source = self._spiders[spider_name]
        attrs = {"name": source.name, "source_name": source.name, "__doc__": f"Crawl source {source.name}.",
                 "custom_settings": source_settings(source)}
        return type(f"SourceSpider_{source.name.replace('-', '_')}", (SourceSpider,), attrs)

    def list(self) -> builtins.list[str]:
        return list(self._spiders)

    def find_by_request(self, request: Any) -> builtins.list[str]:
        return [name for name, s in self._spiders.items() if request.url.startswith(s.url)]
