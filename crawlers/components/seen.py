"""The seen-store, a spider middleware in the spirit of scrapy-deltafetch and ``httpcache``.

Article requests (``meta["role"] == "article"``, with their ``canonical`` URL):

- each canonical URL is requested once per crawl;
- a URL stored (or found a duplicate) by an earlier crawl is requested again only when it may
  have changed: what the site's sitemap, feed or REST API says of it (``hint_date``: a lastmod,
  an updated date, as given) differs from what it said when the URL was last checked
  (``listed``), whatever those dates are relative to the crawler's clock; or its last check is
  more than the source's ``revisit_days`` old (``skipped_requests/known`` otherwise);
- when it is, the request is conditional (``If-None-Match``, ``If-Modified-Since`` from the
  validators stored with it): a 304 costs no download (``rechecked``, then ``not_modified``);
- dead ends are remembered (``CrawlState.dead_end``): 404/410, pages refused for size, pages
  decided not to be items (with their validators), a URL that redirects. Each is skipped
  during the next N runs and checked again (conditionally) after them, N doubling from 1 to
  ``HARVEST_DEAD_END_CAP`` (``skipped_requests/dead_end``), at most
  ``HARVEST_DEAD_END_RECHECKS`` of them in one run (the others wait for the next:
  ``skipped_requests/dead_end_later``); a redirect whose target is stored is never requested
  again while the target is known (``skipped_requests/redirect``); a listed date that changed
  makes a dead end worth a look at once;
- a PDF (``meta["document"]``) is an article request like the others; one recorded before as
  a ``document_link`` only (not read then) counts as new;
- where a URL was found is remembered for the crawl, the place that says most of what it is
  first (``found``): a sitemap or feed over a listing page or a link.

Discovery pages (feeds, sitemaps, listings, REST pages) are requested conditionally too, with
the validators of their last complete crawl; a 304, or the same content again, costs no
parsing (not for a source with ``revisit_days``: its lists are read each time, for the items
due). A child of a sitemap index is fetched again only when the index gives it another
``<lastmod>`` than last time. Guessed feed and sitemap paths that answered 404 are dead ends
of their own, with the same backoff. What discovery pages answered is written when the crawl
ends, and their validators only when it read the whole site: a crawl cut short must not make
the next one skip what it never read.

Reads go to the crawl's corpus (``crawlers.state.corpus_for``); writes go through the crawl's
one writer (``crawlers.state.store_for``).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from scrapy import Request
from scrapy.http import Response
from w3lib.url import safe_url_string

from crawlers import config
from crawlers import listed as lists
from crawlers.components import RequestFilter, component
from crawlers.components.methods import lists_items
from crawlers.failures import header
from crawlers.items import via_signal
from crawlers.listed import parse_date
from crawlers.sources import Source
from crawlers.state import corpus_for, store_for
from storage.corpus import Corpus
from storage.ids import canonical_url, strip_tracking

DEAD_END_CAP: int = config.default("HARVEST_DEAD_END_CAP")
DEAD_END_RECHECKS: int = config.default("HARVEST_DEAD_END_RECHECKS")
_KNOWN = ("stored", "duplicate")
_DEAD = ("dead", "rejected")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_WP_MARK = "/wp-json/wp/v2/posts#latest-modified"


class SeenStoreMiddleware(RequestFilter):
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.cap: int = crawler.settings.getint("HARVEST_DEAD_END_CAP", DEAD_END_CAP)
        self.max_rechecks: int = crawler.settings.getint("HARVEST_DEAD_END_RECHECKS", DEAD_END_RECHECKS)
        self.rechecks = 0  # dead ends checked again in this run
        self.scheduled: set[str] = set()  # canonical URLs of article requests made this crawl
        self.corpus: Corpus | None = None
        self.source: Source | None = None
        self.since: datetime | None = None
        self.known_until: datetime | None = None
        self.run = 1  # the source's run number
        # canonical URL -> (score, via, found_on, hint_date) of the strongest place it was found
        self._found: dict[str, tuple[float, str, str | None, str | None]] = {}
        # canonical URL -> {list kind: date} of what this crawl's lists said of it
        self._listed: dict[str, dict[str, str]] = {}
        # canonical URLs this crawl found unchanged or checked: what the lists said of them is
        # written when the crawl ends (a list read after the page was stored counts too)
        self._settled: set[str] = set()
        # discovery URL -> what it answered this crawl (written when the crawl ends)
        self._resources: dict[str, dict[str, Any]] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> SeenStoreMiddleware:
        return cls(crawler)

    def open(self, source: Source) -> None:
        """Open the seen-store of ``source`` (raises ``OSError`` or ``StorageError`` when the
        corpus cannot be opened) and read the watermark: the start of the last complete
        successful crawl (only the crawler's own clock is compared with it)."""
        self.source = source
        self.corpus = corpus_for(self.crawler, source)
        index = self.corpus.index
        last = index.last_good_run(source.name)
        self.since = parse_date(last.get("started_at")) if last else None
        # What was decided on up to the end of the last complete crawl is known to it.
        self.known_until = parse_date(last.get("finished_at") or last.get("started_at")) if last else None
        self.run = index.run_number(source.name)

    # the filter ------------------------------------------------------------------------
    def keep(self, request: Request, spider: Any) -> Request | None:
        meta = request.meta
        if "redirected_from" in meta:
            return request
        if meta.get("role") == "article":
            return self._article(request)
        if meta.get("method") and meta.get("method") != "robots":
            return self._discovery(request)
        return request

    def _article(self, request: Request) -> Request | None:
        meta = request.meta
        canon = meta["canonical"]
        self._note_found(canon, meta)
        via, hint = meta.get("via") or "", meta.get("hint_date")
        if hint:
            self._listed.setdefault(canon, {})[via] = str(hint)
        if canon in self.scheduled:
            return None
        row = self._index().url_status(canon)
        if row is not None and meta.get("document") and row["reason"] == "document_link":
            row = None  # a PDF recorded as a link only (documents were not read then): a new one
        if row is not None:
            # Where earlier crawls found it counts too: a sitemap not read again because it did
            # not change still says what it said.
            via_before = (lists.parse(row["listed"]) or {}).get(lists.FOUND)
            if via_before:
                before, _, where = via_before.partition("|")
                self._note_found(canon, {"via": before, "found_on": where or None})
        if row is not None and row["status"] in _KNOWN:
            # Not marked as requested when skipped: another list may yet say it changed.
            if not self.may_have_changed(row, hint, via):
                self.stats.inc_value("harvest/skipped_requests/known")
                self._settled.add(canon)
                return None
            self.scheduled.add(canon)
            self.stats.inc_value("harvest/rechecked")
            return self._conditional(request, row, recheck=True)
        if row is not None and row["status"] in _DEAD:
            if row["reason"] == "redirect" and row["target"] and self._stored(row["target"]):
                self.stats.inc_value("harvest/skipped_requests/redirect")
                return None
            due = row["recheck_run"] is None or self.run >= row["recheck_run"]
            if lists.changed(row["listed"], via, hint):
                pass  # a list says it changed: worth a look at once
            elif not due:
                self.stats.inc_value("harvest/skipped_requests/dead_end")
                return None
            elif self.rechecks >= self.max_rechecks:
                # Due, but this run has checked enough dead ends: the next run goes on.
                self.stats.inc_value("harvest/skipped_requests/dead_end_later")
                return None
            self.rechecks += 1
            self.scheduled.add(canon)
            self.stats.inc_value("harvest/rechecked_dead_ends")
            return self._conditional(request, row, dead=True)
        self.scheduled.add(canon)
        return request

    def _conditional(self, request: Request, row: Any, **flags: bool) -> Request:
        """``request`` with the validators of ``row``: an article checked again is asked for
        whatever Scrapy's duplicate filter saw (a discovery page is not: once per crawl)."""
        headers = dict(request.headers.to_unicode_dict())
        if row["etag"]:
            headers["If-None-Match"] = row["etag"]
        if row["last_modified"]:
            headers["If-Modified-Since"] = row["last_modified"]
        again = request.dont_filter or request.meta.get("role") == "article"
        return request.replace(headers=headers, meta={**request.meta, **flags}, dont_filter=again)

    def _discovery(self, request: Request) -> Request | None:
        """A feed, sitemap, listing or REST page: skipped while it is a dead end (a guessed path
        that answered 404), else asked for conditionally."""
        row = self._index().resource(request.url)
        if row is None:
            return request
        if row["status"] != "ok":
            if row["recheck_run"] is not None and self.run < row["recheck_run"]:
                self.note_resource(request.url, request.meta["method"], row["status"])  # kept as it is
                self.stats.inc_value("harvest/skipped_requests/dead_end")
                return None
            return request
        if self.since is None or self._revisiting():  # nothing to compare with, or read anyway
            return request
        return self._conditional(request, row)

    def _revisiting(self) -> bool:
        """A source whose known items are checked again every ``revisit_days``: its discovery
        pages are read each time, as the items they list may be due."""
        return bool(self.source and self.source.revisit_days)

    # what the spider asks and tells ------------------------------------------------------
    def found(self, canon: str) -> tuple[str, str | None, str | None] | None:
        """(via, found_on, hint_date) of the place this crawl found ``canon`` in that says most
        of what it is (``_note_found``)."""
        best = self._found.get(canon)
        return best[1:] if best is not None else None

    def _note_found(self, canon: str, meta: dict[str, Any]) -> None:
        """The site's own lists (sitemaps, feeds, the REST API) speak before listing pages and
        links, and among them the clearest word (``via_signal``'s weight, either way: a news
        sitemap or feed says item, a pages sitemap says page)."""
        via, found_on = meta.get("via") or "", meta.get("found_on")
        weight = float(lists_items(via)) * 10 + abs(via_signal(via, found_on)[0])
        best = self._found.get(canon)
        if best is None or weight > best[0]:
            self._found[canon] = (weight, via, found_on, meta.get("hint_date"))

    def listed(self, canon: str) -> dict[str, str] | None:
        """What this crawl's lists said of ``canon`` ({list kind: date}), to store with it."""
        return self._listed.get(canon)

    def _stored(self, url: str) -> bool:
        row = self._index().url_status(url)
        return row is not None and row["status"] in _KNOWN

    def may_have_changed(self, known: Any, hint_date: str | None, via: str = "") -> bool:
        """A known article may have changed when a list of the site (``via``) gives it another
        date than when it was last checked (where that list gave none before: a date newer than
        the last check), or when it was last checked more than ``revisit_days`` ago."""
        checked = parse_date(known["checked_at"] or known["last_seen"])
        if hint_date:
            differs = lists.changed(known["listed"], via, hint_date)
            if differs:
                return True
            if differs is None and (checked is None or (parse_date(hint_date) or checked) > checked):
                return True
        if checked is None:
            return True
        days = self.source.revisit_days if self.source else 0
        return bool(days) and (datetime.now(UTC) - checked).total_seconds() > days * 86400

    def known_before_last_run(self, url: str, aliases: dict[str, str]) -> bool:
        """Whether ``url`` was decided on (stored, a duplicate, not an article) by the end of the
        last complete crawl; what a later, interrupted crawl took does not count."""
        index = self._index()
        row = index.url_status(canonical_url(url, aliases))
        if row is None:
            # A section or listing page the crawl reads as a discovery page (a menu link on
            # every listing page) is known too.
            row = index.resource(url)
            if row is None:
                return False
        first = parse_date(row["first_seen"])
        return self.known_until is None or first is None or first <= self.known_until

    def not_modified(self, meta: dict[str, Any]) -> None:
        """An article answered 304 to its conditional request: checked, unchanged (a dead end
        stays one, its backoff doubled)."""
        self.stats.inc_value("harvest/not_modified")
        canon, source, run, cap = meta["canonical"], self._source().name, self.run, self.cap
        said = self.listed(canon)
        if meta.get("dead"):
            def again(corpus: Corpus) -> None:
                row = corpus.index.url_status(canon)
                kind = (row["reason"] if row is not None else None) or "not_modified"
                status = row["status"] if row is not None and row["status"] in _DEAD else "dead"
                listed = lists.merge(row["listed"] if row is not None else None, said)
                corpus.index.dead_end(canon, source, kind, run, listed=listed, cap=cap, status=status,
                                      target=row["target"] if row is not None else None)
            self._write(again)
            return

        def checked(corpus: Corpus) -> None:
            corpus.index.touch_url(canon)
            row = corpus.index.url_status(canon)
            if said and row is not None:
                corpus.index.mark_url(canon, source, row["status"], reason=row["reason"],
                                      listed=lists.merge(row["listed"], said))
        self._write(checked)

    def dead(self, canon: str, kind: str, *, target: str | None = None, status: str = "dead") -> None:
        """An article URL that leads nowhere (``kind``: http_404, http_410, too_large, redirect…),
        or, with ``status="rejected"``, one not taken: left alone for a while, then checked again."""
        source, run, cap, said = self._source().name, self.run, self.cap, self.listed(canon)
        self.stats.inc_value(f"harvest/dead_ends/{kind.split(':')[0]}")

        def write(corpus: Corpus) -> None:
            row = corpus.index.url_status(canon)
            merged = lists.merge(row["listed"] if row is not None else None, said)
            corpus.index.dead_end(canon, source, kind, run, target=target, listed=merged, cap=cap, status=status)
        self._write(write)

    def rejected(self, canon: str, reason: str) -> None:
        """An article URL not taken (``reason``): left alone for a while, then checked again."""
        self.dead(canon, reason, status="rejected")

    def document_link(self, canon: str) -> None:
        """A link to a PDF or office document: recorded once (not fetched, not stored as text); a
        PDF stored before (the source took documents then) stays as it is."""
        if canon in self.scheduled:
            return
        self.scheduled.add(canon)
        self.stats.inc_value("harvest/skipped/document_link")
        source = self._source().name

        def write(corpus: Corpus) -> None:
            row = corpus.index.url_status(canon)
            if row is None or row["status"] not in _KNOWN:
                corpus.index.mark_url(canon, source, "rejected", reason="document_link")
        self._write(write)

    # discovery pages -------------------------------------------------------------------
    def discovery_unchanged(self, response: Response) -> bool:
        """Whether a discovery response says nothing new: a 304, or the body its last complete
        crawl read (then it is not parsed again). Its answer is noted either way."""
        meta = response.meta
        method, url = meta.get("method") or "", response.url
        if method == "sitemap" and not meta.get("sitemap_depth"):
            method = "sitemap-root"
        row = self._index().resource(url) if response.status in (200, 304) else None
        listed = meta.get("listed")
        if response.status == 304:
            self.note_resource(url, method, "ok", listed=listed)
            self.stats.inc_value("harvest/not_modified_discovery")
            return True
        if response.status != 200:
            if response.status in (404, 410):
                self.note_resource(url, method, "missing")
            return False
        digest = hashlib.blake2b(response.body, digest_size=16).hexdigest()
        self.note_resource(url, method, "ok", etag=header(response, b"ETag"),
                            last_modified=header(response, b"Last-Modified"), listed=listed, content_hash=digest)
        if self.since is not None and row is not None and row["status"] == "ok" and row["content_hash"] == digest \
                and not self._revisiting():
            self.stats.inc_value("harvest/unchanged_discovery")
            return True
        return False

    def child_unchanged(self, url: str, lastmod: str | None) -> bool:
        """Whether a sitemap index's child is listed with the ``<lastmod>`` it had when the last
        complete crawl read it (then it is not fetched again)."""
        if self.since is None or not lastmod:
            return False
        row = self._index().resource(url)
        if row is None or row["status"] != "ok" or not lists.same_date(row["listed"], lastmod):
            return False
        self.note_resource(url, "sitemap", "ok")
        self.stats.inc_value("harvest/skipped_requests/unchanged_sitemap")
        return True

    def answered(self, method: str) -> list[str]:
        """The URLs of ``method`` (feed, sitemap) that answered in earlier crawls."""
        return [r["url"] for r in self._index().resources(self._source().name)
                if r["kind"] == method and r["status"] == "ok"]

    def resource_due(self, url: str) -> bool:
        """Whether a guessed discovery path may be asked for in this run (not a dead end
        waiting for its re-check)."""
        row = self._index().resource(url)
        return row is None or row["status"] == "ok" or row["recheck_run"] is None or self.run >= row["recheck_run"]

    def wp_mark(self, root: str) -> str | None:
        """The latest ``modified_gmt`` the site's REST API gave in the last complete crawl (the
        site's own clock, so a ``modified_after`` with it misses nothing of a clock out of step)."""
        if self.since is None:
            return None
        row = self._index().resource(root + _WP_MARK)
        return str(row["listed"]) if row is not None and row["listed"] else None

    def note_wp_mark(self, root: str, modified: str | None) -> None:
        if not modified:
            return
        key, mark = root + _WP_MARK, modified.strip()[:19]
        seen = self._resources.get(key, {}).get("listed")
        if seen is None or mark > seen:
            self.note_resource(key, "wp-mark", "ok", listed=mark)

    def resource_row(self, url: str) -> Any:
        """The stored row of a discovery page (or of another per-source note), or ``None``."""
        return self._index().resource(url)

    def note_resource(self, url: str, kind: str, status: str, **values: Any) -> None:
        """What a discovery page (or a per-source note) answered this run: written when the
        crawl ends (``flush``)."""
        self._resources[url] = {"kind": kind, "status": status, **values}


    def note_children(self, url: str, children: list[list[Any]]) -> None:
        """The listings and feeds a listing page led to (other than its next page)."""
        note = self._resources.get(url)
        if note is not None:
            note["children"] = json.dumps(children, ensure_ascii=False)

    def children(self, url: str) -> list[list[Any]]:
        """What ``note_children`` kept of ``url`` in the last complete crawl."""
        row = self._index().resource(url)
        if row is None or not row["children"]:
            return []
        try:
            value = json.loads(row["children"])
        except ValueError:
            return []
        return [c for c in value if isinstance(c, list) and len(c) == 3] if isinstance(value, list) else []

    def settle(self, canon: str) -> None:
        """An article URL checked in this crawl (fetched, or answered 304)."""
        self._settled.add(canon)

    def flush(self, complete: bool) -> None:
        """Write what this crawl learnt when it ends: what the lists said of the article URLs it
        found unchanged or checked (a list read after the page was stored included); what the
        discovery pages answered: dead ends always, the validators, contents and listed dates of
        the others only when the crawl is ``complete``."""
        if self.corpus is None:
            return
        source, run, cap = self._source().name, self.run, self.cap
        notes = [(url, n) for url, n in self._resources.items() if complete or n["status"] != "ok"]
        said = [(canon, self._listed[canon]) for canon in self._settled if canon in self._listed]
        self._resources, self._settled = {}, set()

        def write(corpus: Corpus) -> None:
            for url, n in notes:
                values = {k: v for k, v in n.items() if k not in ("kind", "status")}
                corpus.index.mark_resource(url, source, n["kind"], n["status"], run=run, cap=cap, **values)
            for canon, dates in said:
                row = corpus.index.url_status(canon)
                if row is None:
                    continue
                merged = lists.merge(row["listed"], dates)
                if merged != row["listed"]:
                    corpus.index.set_listed(canon, merged)
        if notes or said:
            self._write(write)

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


class RedirectMemoryMiddleware:
    """Downloader middleware (before Scrapy's ``RedirectMiddleware`` follows the answer): an
    article URL that redirects is remembered as a dead end leading to its target, so that an
    old address still linked from listings is not requested again while the target is known."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedirectMemoryMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Any) -> Response:
        meta = request.meta
        location = response.headers.get(b"Location")
        if meta.get("role") == "article" and response.status in _REDIRECTS and location and "canonical" in meta:
            try:
                target = urljoin(request.url, safe_url_string(location))
            except ValueError:
                return response
            target = canonical_url(strip_tracking(target), getattr(spider, "aliases", {}))
            if target != meta["canonical"]:
                component(self.crawler, SeenStoreMiddleware).dead(meta["canonical"], "redirect", target=target)
        return response
