"""The corpus shared by a crawl's spider (seen-store look-ups) and pipelines (storing)."""

from __future__ import annotations

from typing import Any

from crawlers.sources import Source
from storage.corpus import Corpus

_ATTR = "_harvest_corpus"


def corpus_for(crawler: Any, source: Source) -> Corpus:
    """The crawl's ``Corpus`` (opened once, from the ``HARVEST_CORPUS`` setting)."""
    corpus = getattr(crawler, _ATTR, None)
    if corpus is None:
        corpus = Corpus(crawler.settings.get("HARVEST_CORPUS") or "corpus", host_aliases=source.host_aliases())
        setattr(crawler, _ATTR, corpus)
    return corpus


def opened_corpus(crawler: Any) -> Corpus | None:
    """The crawl's ``Corpus`` if ``corpus_for`` opened it, else None (nothing is opened)."""
    return getattr(crawler, _ATTR, None)
