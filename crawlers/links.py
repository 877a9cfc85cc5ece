"""A page's links as a crawl of one source sees them: absolute, within the source's hosts,
pagination apart from the rest.

Theme pages carry hundreds of menu, widget and footer links, the same on every page: what an
absolute or root-relative href resolves to is remembered for the crawl (at most
``CACHE_SIZE`` of them, then forgotten all at once).
"""

from __future__ import annotations

import re
from typing import Any

from crawlers import discovery as d

CACHE_SIZE = 100_000


class LinkSorter:
    """Links of the pages of one source (``hosts``, its ``allow``/``deny`` patterns); malformed
    hrefs are counted in ``stats`` (``harvest/skipped_requests/bad_url``)."""

    def __init__(self, hosts: list[str], allow: list[re.Pattern[str]], deny: list[re.Pattern[str]],
                 stats: Any) -> None:
        self.hosts, self.allow, self.deny, self.stats = hosts, allow, deny, stats
        self._cache: dict[tuple[str, str], str | None] = {}

    def link(self, base: str, href: str) -> str | None:
        """``href`` as an absolute http(s) URL (``crawlers.discovery.parse_link``); a malformed
        one is skipped and counted (``bad_url``)."""
        url, bad = d.parse_link(base, href)
        if bad:
            self.stats.inc_value("harvest/skipped_requests/bad_url")
        return url

    def _on_hosts(self, host: str) -> bool:
        """Whether a URL's host (lower case) is one of the source's (``www.`` aside), as
        ``crawlers.discovery.host_matches`` tells from the URL."""
        bare = host[4:] if host.startswith("www.") else host
        return any(bare == (h[4:] if h.startswith("www.") else h) for h in self.hosts)

    def sort(self, base: str, anchors: list[d.Anchor],
             texts: dict[str, str] | None = None) -> tuple[list[str], list[str]]:
        """Links as written on a page (``crawlers.discovery.anchors``), resolved against ``base``
        and kept within the source's hosts: (other links, "next page" links). ``texts``
        receives the text of each link to a PDF (by its URL; the first non-empty one)."""
        links: dict[str, None] = {}
        nexts: dict[str, None] = {}
        root = d.site_root(base)
        for anchor in anchors:
            href, is_next = anchor[0], anchor[1]
            url = self._resolve(base, root, href)
            if url is None:
                continue
            if len(anchor) > 2 and texts is not None and anchor[2] and not texts.get(url):
                texts[url] = anchor[2]
            # A "next" link to an article page (WordPress post navigation) is not pagination.
            if is_next and d.classify_url(url, self.allow, self.deny) == "candidate":
                is_next = False
            (nexts if is_next else links)[url] = None
        return list(links), list(nexts)

    def _resolve(self, base: str, root: str, href: str) -> str | None:
        """``href`` as an absolute URL within the source's hosts, else ``None``."""
        href = href.strip()
        portable = href.startswith(("http://", "https://", "#", "mailto:", "tel:", "javascript:")) or (
            href.startswith("/") and not href.startswith("//"))
        key = (root, href)
        if portable and key in self._cache:
            return self._cache[key]
        url, bad, host = d.split_link(base, href)
        if bad:
            self.stats.inc_value("harvest/skipped_requests/bad_url")
        if url is not None and not self._on_hosts(host):
            url = None
        if portable:
            if len(self._cache) > CACHE_SIZE:
                self._cache.clear()
            self._cache[key] = url
        return url
