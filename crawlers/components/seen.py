"""The seen-store, a spider middleware in the spirit of scrapy-deltafetch and ``httpcache``.

Article requests (``meta["role"] == "article"``, with their ``canonical`` URL) pass here:

- each canonical URL is requested once per crawl;
- a URL stored (or found a duplicate) by an earlier crawl is not requested again unless it may
  have changed: a sitemap, feed or REST date (``hint_date``) newer than the last check of it, or
  a last check more than the source's ``revisit_days`` ago (``skipped_requests/known``);
- when it is requested again, it is a conditional request (``If-None-Match``,
  ``If-Modified-Since`` from the validators stored with it): a 304 costs no download
  (``rechecked``, then ``not_modified``);
- a new URL whose sitemap ``<lastmod>`` is older than the start of the last complete crawl
  (the watermark, ``since``) was seen by that crawl (``skipped_requests/old_lastmod``);
- where a URL was found is remembered for the crawl, the strongest place first (``found``):
  an article both on a listing and in a feed or news sitemap counts as listed there, whichever
  of the two was read first.

Reads go to the crawl's corpus (``crawlers.state.corpus_for``); writes (URLs rejected, checked
again, document links) go through the crawl's one writer (``crawlers.state.store_for``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request

from crawlers.components import RequestFilter
from crawlers.items import via_signal
from crawlers.sources import Source
from crawlers.state import corpus_for, store_for
from storage.corpus import Corpus
from storage.ids import canonical_url


class SeenStoreMiddleware(RequestFilter):
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.scheduled: set[str] = set()  # canonical URLs of article requests made this crawl
        self.corpus: Corpus | None = None
        self.source: Source | None = None
        self.since: datetime | None = None
        # canonical URL -> (score, via, found_on, hint_date) of the strongest place it was found
        self._found: dict[str, tuple[float, str, str | None, str | None]] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> SeenStoreMiddleware:
        return cls(crawler)

    def open(self, source: Source) -> None:
        """Open the seen-store of ``source`` (raises ``OSError`` or ``StorageError`` when the
        corpus cannot be opened) and read the watermark: what is older than the start of the
        last complete successful crawl was seen by it."""
        self.source = source
        self.corpus = corpus_for(self.crawler, source)
        last = self.corpus.index.last_good_run(source.name)
        self.since = parse_date(last.get("started_at")) if last else None

    # the filter ------------------------------------------------------------------------
    def keep(self, request: Request, spider: Any) -> Request | None:
        meta = request.meta
        if meta.get("role") != "article" or "redirected_from" in meta:
            return request
        canon = meta["canonical"]
        self._note_found(canon, meta)
        if canon in self.scheduled:
            return None
        self.scheduled.add(canon)
        known = self.known(canon)
        if known is None:
            if meta.get("lastmod") and self.older_than_last_run(meta.get("hint_date")):
                self.stats.inc_value("harvest/skipped_requests/old_lastmod")
                return None
            return request
        if not self.may_have_changed(known, meta.get("hint_date")):
            self.stats.inc_value("harvest/skipped_requests/known")
            return None
        # Checked again with a conditional request: a 304 costs no download.
        headers = dict(request.headers.to_unicode_dict())
        if known["etag"]:
            headers["If-None-Match"] = known["etag"]
        if known["last_modified"]:
            headers["If-Modified-Since"] = known["last_modified"]
        self.stats.inc_value("harvest/rechecked")
        return request.replace(headers=headers, meta={**meta, "recheck": True}, dont_filter=True)

    # what the spider asks and tells ------------------------------------------------------
    def found(self, canon: str) -> tuple[str, str | None, str | None] | None:
        """(via, found_on, hint_date) of the strongest place this crawl found ``canon`` in
        (``crawlers.items.via_signal``: a feed or news sitemap over a listing over a link)."""
        best = self._found.get(canon)
        return best[1:] if best is not None else None

    def _note_found(self, canon: str, meta: dict[str, Any]) -> None:
        via, found_on = meta.get("via") or "", meta.get("found_on")
        score = via_signal(via, found_on)[0]
        best = self._found.get(canon)
        if best is None or score > best[0]:
            self._found[canon] = (score, via, found_on, meta.get("hint_date"))

    def known(self, canon: str) -> Any:
        """The seen-store row of an article URL that was stored or found a duplicate."""
        row = self._index().url_status(canon)
        return row if row is not None and row["status"] in ("stored", "duplicate") else None

    def may_have_changed(self, known: Any, hint_date: str | None) -> bool:
        """A known article may have changed when a sitemap/feed/REST date is newer than our last
        check of it, or when it was last checked more than ``revisit_days`` ago."""
        checked = parse_date(known["checked_at"] or known["last_seen"])
        if checked is None:
            return True
        changed = parse_date(hint_date)
        if changed is not None and changed > checked:
            return True
        days = self.source.revisit_days if self.source else 0
        return bool(days) and (datetime.now(UTC) - checked).total_seconds() > days * 86400

    def known_before_last_run(self, url: str, aliases: dict[str, str]) -> bool:
        """Whether ``url`` was decided on (stored, a duplicate, not an article) before the last
        complete crawl; what a later, interrupted crawl took does not count."""
        row = self._index().url_status(canonical_url(url, aliases))
        if row is None:
            return False
        first = parse_date(row["first_seen"])
        return self.since is None or first is None or first < self.since

    def older_than_last_run(self, value: str | None) -> bool:
        when = parse_date(value)
        return bool(self.since and when and when < self.since)

    def not_modified(self, canon: str) -> None:
        """An article answered 304 to its conditional request: checked, unchanged."""
        self.stats.inc_value("harvest/not_modified")
        self._write(lambda corpus: corpus.index.touch_url(canon))

    def rejected(self, canon: str, reason: str) -> None:
        """An article URL not taken (``reason``): not requested again unless it may have changed."""
        source = self._source()
        self._write(lambda corpus: corpus.index.mark_url(canon, source.name, "rejected", reason=reason))

    def document_link(self, canon: str) -> None:
        """A link to a PDF or office document: recorded once (not fetched, not stored as text)."""
        if canon in self.scheduled:
            return
        self.scheduled.add(canon)
        self.stats.inc_value("harvest/skipped/document_link")
        self.rejected(canon, "document_link")

    def _index(self) -> Any:
        if self.corpus is None:
            raise RuntimeError("the seen-store is not open")
        return self.corpus.index

    def _source(self) -> Source:
        if self.source is None:
            raise RuntimeError("the seen-store is not open")
        return self.source

    def _write(self, job: Any) -> None:
        store_for(self.crawler, self._source()).write(job)


def parse_date(value: str | None) -> datetime | None:
    """An ISO-8601 or RFC 822 date as an aware UTC datetime (naive ones are taken as UTC)."""
    if not value:
        return None
    value = value.strip()
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)
