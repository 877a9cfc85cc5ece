"""Typed contracts between the crawl's parts.

- ``CleanOptions``: what the spider asks of the cleaning of one page (``crawlers.cleaner``).
- ``PageItem``: the item the spider yields for a fetched article page, once cleaned; the item
  pipeline (``crawlers.pipelines``) stores it and nothing else.

The run summary (what a crawl reports to its caller) is ``crawlers.summary.RunSummary``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawlers.cleaning import Cleaned, Rejected


@dataclass(frozen=True)
class CleanOptions:
    """Options of the cleaning of one page (sent to a cleaning worker with the page).

    ``min_chars``: shorter texts are rejected; ``require_article``: reject pages without an
    article marker; ``charset``: the charset of the response's Content-Type, used to decode the
    body; ``want_links``: also return the page's links, read from the same parsed tree.

    A PDF (``document``; or a body that starts with ``%PDF-``) is read by
    ``crawlers.pdfdoc.read_pdf`` instead, with ``link_text`` (the text of the link that led to
    it, a title when the file has none) and ``last_modified`` (the response's header, a date
    when the file has none)."""

    min_chars: int = 0
    require_article: bool = False
    charset: str | None = None
    want_links: bool = False
    only_document_links: bool = False  # of the links, only those to PDFs (with their texts)
    document: bool = False
    link_text: str | None = None
    last_modified: str | None = None


@dataclass
class PageItem:
    """An article page fetched and cleaned, on its way to the store.

    ``url``: the URL fetched (after redirects); ``requested_canonical``: the canonical form of
    the URL requested (its seen-store key); ``result``: the cleaning's result (a ``Rejected``
    page is recorded with its reason); ``via``: how it was found (``sitemap``, ``feed``,
    ``wp-api``, ``listing``, ``link``); ``found_on``: the sitemap or listing that named it;
    ``hint_date``: the date the sitemap, feed or REST API gave for it; ``fetched_at``: when it
    was fetched; ``etag`` and ``last_modified``: its validators, for the next conditional request;
    ``listed``: what each kind of list of the site said of it in this crawl ({"sitemap": lastmod,
    "feed": updated…}), to tell next time whether it changed."""

    url: str
    requested_canonical: str
    result: Cleaned | Rejected
    via: str
    fetched_at: str
    found_on: str | None = None
    hint_date: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    listed: dict[str, str] | None = None
    walked: bool = False  # reached by the walk from article to article
    linked_from: str | None = None  # a PDF: the page (article, listing) or sitemap that linked it
    # False: the seen-store had no rejected row for the URL when the crawl scheduled it (a dead end
    # checked again is asked for with ``dead``), so the store does not look for one before judging
    # the page; it still checks in the write transaction (``crawlers.store.store_page``).
    may_be_rejected: bool = True
