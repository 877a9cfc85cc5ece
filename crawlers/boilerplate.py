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
per source; past that the rarest are forgotten first. A crawl keeps them in memory
(``BufferedBoilerplate``): read from the index at its first page, written back every
``FLUSH_EVERY`` pages and when the crawl's writer ends, where each page on its own would cost a
write transaction of about twenty upserts.
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
FLUSH_EVERY = 500  # pages a crawl counts in memory between two writes of its counts
_WORD = re.compile(r"\w+")


def _key(paragraph: str) -> str:
    """The paragraph's key: a hash of its words, lower-case, one space apart (punctuation and
    spacing do not count). Joining the words found costs a third less than replacing what lies
    between them, for the same text (21,118 short paragraphs of the real pages compared)."""
    norm = " ".join(_WORD.findall(paragraph.lower()))
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=8).hexdigest()


def paragraph_keys(paragraphs: list[str]) -> list[str | None]:
    """Each paragraph's key (``_key``), None for a paragraph longer than ``MAX_CHARS`` (never
    template). Computed by the cleaning worker with the rest of the page's work (``clean_job``);
    the crawl's writer only counts them."""
    return [_key(p) if len(p) <= MAX_CHARS else None for p in paragraphs]


def _own_keys(paragraphs: list[str], keys: list[str | None] | None) -> list[str | None]:
    """``keys`` when they are the paragraphs' (as many), else the keys computed now."""
    return keys if keys is not None and len(keys) == len(paragraphs) else paragraph_keys(paragraphs)


class SiteBoilerplate:
    """Learn from each page of a source and filter its template paragraphs."""

    def __init__(self, index: CrawlState, source: str):
        self.index = index
        self.source = source

    def learn_and_filter(self, paragraphs: list[str],
                         keys: list[str | None] | None = None) -> tuple[list[str], list[str]]:
        """Count this page's short paragraphs, then return (kept, removed) paragraphs. ``keys``:
        the paragraphs' ``paragraph_keys``, computed already."""
        # Each short paragraph's key, computed once (the same text has the same key, and the
        # same fate).
        own = _own_keys(paragraphs, keys)
        found = {k: p for k, p in zip(own, paragraphs) if k is not None}
        seen, counts = self.index.learn_boilerplate(self.source, found, cap=CAP, trim_every=BOUND_EVERY)
        return _split(paragraphs, own, counts, seen)

    def template(self) -> list[tuple[str, int]]:
        """The paragraphs currently taken for template, with their page counts."""
        need = max(MIN_PAGES, SHARE * self.index.pages_seen(self.source))
        return self.index.boilerplate_samples(self.source, need)


def _split(paragraphs: list[str], own: list[str | None], counts: dict[str, int],
           seen: int) -> tuple[list[str], list[str]]:
    """(kept, removed) paragraphs of a page of a source whose ``seen`` pages (this one included)
    gave these page counts (``counts``: hash → pages) to the page's short paragraphs (``own``:
    each paragraph's hash, None for a long one)."""
    need = max(MIN_PAGES, SHARE * seen)
    removed = {k for k in own if k is not None and counts.get(k, 0) >= need}
    if not removed:
        return list(paragraphs), []
    kept: list[str] = []
    dropped: list[str] = []
    for k, p in zip(own, paragraphs):
        (dropped if k is not None and k in removed else kept).append(p)
    return kept, dropped


class BufferedBoilerplate:
    """``SiteBoilerplate``'s rule for one crawl of one source, its counts kept in memory: read
    from the index at the first page (the counts of every paragraph of the source: at most ``CAP``),
    counted here page by page, and added to the index's (``CrawlState.add_boilerplate``, which
    cuts the rows back to ``CAP`` and says which hashes it forgot: forgotten here too) every
    ``FLUSH_EVERY`` pages and by ``flush`` when the crawl's writer ends. The source's rows are not
    read back at each write (that read cost a crawl of 2,000 real pages a third of a millisecond a
    page): what another crawl of the same source counts meanwhile is seen by the next crawl. A
    crawl killed loses the counts of its last pages (at most ``FLUSH_EVERY``).

    Most short paragraphs of a page are its own: seen once, they are the rows the cut forgets
    first, the oldest first. A write leaves out the new ones the cut would forget at once (past
    ``CAP`` rows, the ones seen on fewest pages, then the oldest: ``_doomed``), and the index then
    forgets what it holds of the rest. With a write every 100 pages, a crawl of 2,000 real pages
    wrote about 21 new rows a page and deleted as many (0.13-0.16 ms a page in the crawl's writer);
    every 500 pages, the rows of a write are at most ``CAP`` new ones whatever the pages counted."""

    def __init__(self, index: CrawlState, source: str):
        self.index = index
        self.source = source
        self.seen: int | None = None  # pages seen of the source (None: not read yet)
        self.counts: dict[str, int] = {}
        self.pending: dict[str, tuple[int, str]] = {}  # hash -> (pages, text) not written yet
        self.pending_pages = 0

    def learn_and_filter(self, paragraphs: list[str],
                         keys: list[str | None] | None = None) -> tuple[list[str], list[str]]:
        """Count this page's short paragraphs, then return (kept, removed) paragraphs. ``keys``:
        the paragraphs' ``paragraph_keys``, computed already."""
        if self.seen is None:
            self.seen, self.counts = self.index.boilerplate_counts(self.source)
        own = _own_keys(paragraphs, keys)
        counts, pending = self.counts, self.pending
        for k, p in dict(zip(own, paragraphs)).items():
            if k is None:
                continue
            counts[k] = counts.get(k, 0) + 1
            pending[k] = (pending[k][0] + 1 if k in pending else 1, p)
        self.seen += 1
        self.pending_pages += 1
        result = _split(paragraphs, own, counts, self.seen)
        if self.pending_pages >= FLUSH_EVERY:
            self.flush()
        return result

    def flush(self) -> None:
        """Add the pages counted since the last write to the index's counts; forget what the index
        forgot."""
        if not self.pending_pages:
            return
        if len(self.counts) > CAP:
            for key in self._doomed(len(self.counts) - CAP):
                # A hash all of whose pages are pending has no row in the index (a row holds at
                # least one page): never written, as the cut would take it out at once.
                if key in self.pending and self.pending[key][0] == self.counts[key]:
                    del self.counts[key], self.pending[key]
        self.seen, forgotten = self.index.add_boilerplate(self.source, self.pending, self.pending_pages, cap=CAP)
        for key in forgotten:
            self.counts.pop(key, None)
        self.pending.clear()
        self.pending_pages = 0

    def _doomed(self, excess: int) -> list[str]:
        """The ``excess`` hashes the index's cut forgets first: seen on fewest pages, then the oldest
        (``counts`` holds the index's rows oldest first, then the hashes counted since, in order)."""
        return sorted(self.counts, key=self.counts.__getitem__)[:excess]  # a stable sort: ties stay in order
