"""What becomes of a cleaned page: an item to store (and as which document), or a rejection.

Runs in the store thread (``crawlers.store``), as it learns from the index and writes to it:
site-level boilerplate counts (``crawlers.boilerplate``, kept in memory for the connection and
written back by ``finish`` at the latest) and the source's URL shapes
(``crawlers.items.UrlPatterns``). The decision itself is ``crawlers.items.decide``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawlers.boilerplate import BufferedBoilerplate
from crawlers.cleaning import Cleaned
from crawlers.contracts import PageItem
from crawlers.discovery import host_matches
from crawlers.items import Decision, UrlPatterns, decide, vouched
from crawlers.metadata import MAX_DATE, cap
from crawlers.sources import Source
from storage.corpus import Corpus, NewDocument
from storage.ids import canonical_url, strip_tracking


@dataclass
class Verdict:
    """A page to store as ``document`` (``decision`` says as which kind and why), or a page
    rejected for ``reason`` (``kind``: what the summary counts it as)."""

    document: NewDocument | None = None
    decision: Decision | None = None
    reason: str | None = None
    kind: str | None = None


def patterns_of(corpus: Corpus, source: str) -> UrlPatterns:
    """The URL shapes of the source's stored items (its latest 500), read once per corpus
    connection and kept up to date as items are stored."""
    cache: dict[str, UrlPatterns] = corpus.__dict__.setdefault("_item_patterns", {})
    if source not in cache:
        rows = corpus.index.item_urls(source, limit=500)
        cache[source] = UrlPatterns(url for url, why in rows if why is None or vouched(why))
    return cache[source]


def boilerplate_of(corpus: Corpus, source: str) -> BufferedBoilerplate:
    """The site-level boilerplate counts of the source, kept for the corpus connection."""
    cache: dict[str, BufferedBoilerplate] = corpus.__dict__.setdefault("_boilerplate", {})
    if source not in cache:
        cache[source] = BufferedBoilerplate(corpus.index, source)
    return cache[source]


def finish(corpus: Corpus) -> None:
    """Write what the connection learned and has not written yet (before closing it)."""
    for learner in corpus.__dict__.get("_boilerplate", {}).values():
        learner.flush()


def judge(corpus: Corpus, page: PageItem, source: Source) -> Verdict:
    """Decide about one cleaned page: its site-wide template paragraphs removed, whether it is
    an item (``crawlers.items.decide``), and the document to store: the page's own canonical
    link when it stays within the source's hosts, else the fetched URL without tracking."""
    result = page.result
    if not isinstance(result, Cleaned):
        return Verdict(reason=result.reason, kind=result.reason)
    fingerprint = result.meta.pop("_simhash", None)
    digest = result.meta.pop("_digest", None)
    keys = result.meta.pop("_keys", None)
    structure = result.meta.pop("structure", None)
    kept, template = boilerplate_of(corpus, source.name).learn_and_filter(result.paragraphs, keys)
    if template:
        fingerprint = digest = None  # the text changed: computed again when stored
        result.paragraphs = kept
        result.meta["template_paragraphs_removed"] = len(template)
    decision = decide(
        url=page.url, chars=len(result.body), structure=structure, page_kind=result.meta.get("page_kind"),
        date=result.date, date_source=result.meta.get("date_source"), via=page.via,
        found_on=page.found_on, pattern=patterns_of(corpus, source.name).judge(page.url),
        allowed=bool(source.allow) and any(re.search(p, page.url) for p in source.allow),
        min_chars=source.min_chars, title=result.title)
    if not decision.is_item and not source.keep_pages:
        return Verdict(decision=decision, reason=decision.reason, kind=decision.kind)
    page_url = result.canonical_url
    if not (page_url and host_matches(page_url, source.all_hosts)):
        page_url = strip_tracking(page.url)
    meta = dict(result.meta)
    meta["discovered_via"] = page.via
    if page_url != page.url:
        meta["fetched_url"] = page.url
    if page.hint_date:
        meta["listed_date"] = cap(str(page.hint_date), MAX_DATE)
    document = NewDocument(
        url=page_url, source=source.name, title=result.title, paragraphs=result.paragraphs,
        canonical_url=canonical_url(page_url, source.host_aliases()), date=result.date,
        language=result.language, author=result.author, sitename=result.sitename,
        fetched_at=page.fetched_at, meta=meta, simhash=fingerprint, digest=digest, kind=decision.kind,
        why=decision.why,
    )
    return Verdict(document=document, decision=decision)
