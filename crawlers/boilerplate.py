"""Site-level boilerplate learning: paragraphs that recur across many pages of one source
are template (a newsletter teaser, an address block, a standing disclaimer), not content.

The rule: a paragraph of at most ``MAX_CHARS`` characters is template once it has been seen on
at least ``MIN_PAGES`` distinct pages of the source AND on at least ``SHARE`` of the pages seen
so far. A sentence that merely recurs in two or three articles (a quote) stays: it fails
``MIN_PAGES``. A standard closing paragraph that ends some of the source's press releases
("About the network: ...", on every second or third post) is article text and stays too: template
put in by the CMS is on (nearly) every page, so ``SHARE`` asks for a clear majority of the pages
seen (with 0.3, such a closing line was removed from 17 of the 20 posts carrying it on a 60-post
site, benchmarks/sitelevel.py). Long paragraphs are never template.
Counts live in the index (``storage.gateway.CrawlState.learn_boilerplate``), at most ``CAP`` paragraphs
per source; past that the rarest are forgotten first.
"""

from __future__ import annotations

import hashlib
import re

from storage.gateway import CrawlState

MIN_PAGES = 4
SHARE = 0.6  # a line on half the pages or fewer is not template
MAX_CHARS = 400
CAP = 5000
BOUND_EVERY = 100  # pages between two trims of the table back to CAP
_NORM = re.compile(r"\W+")


def _key(paragraph: str) -> str:
    norm = _NORM.sub(" ", paragraph.lower()).strip()
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=8).hexdigest()


class SiteBoilerplate:
    """Learn from each page of a source and filter its template paragraphs."""

    def __init__(self, index: CrawlState, source: str):
        self.index = index
        self.source = source

    def learn_and_filter(self, paragraphs: list[str]) -> tuple[list[str], list[str]]:
        """Count this page's short paragraphs, then return (kept, removed) paragraphs."""
        # Each short paragraph's key, computed once (the same text has the same key, and the
        # same fate).
        own = [_key(p) if len(p) <= MAX_CHARS else None for p in paragraphs]
        keys = {k: p for k, p in zip(own, paragraphs) if k is not None}
        seen, counts = self.index.learn_boilerplate(self.source, keys, cap=CAP, trim_every=BOUND_EVERY)
        need = max(MIN_PAGES, SHARE * seen)
        removed = {k for k, n in counts.items() if n >= need}
        if not removed:
            return list(paragraphs), []
        kept: list[str] = []
        dropped: list[str] = []
        for k, p in zip(own, paragraphs):
            (dropped if k is not None and k in removed else kept).append(p)
        return kept, dropped

    def template(self) -> list[tuple[str, int]]:
        """The paragraphs currently taken for template, with their page counts."""
        need = max(MIN_PAGES, SHARE * self.index.pages_seen(self.source))
        return self.index.boilerplate_samples(self.source, need)
