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
Counts live in the index (table ``boilerplate``), at most ``CAP`` paragraphs per source; past
that the rarest are forgotten first.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

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

    def __init__(self, index: Any, source: str):
        self.index = index
        self.source = source

    def learn_and_filter(self, paragraphs: list[str]) -> tuple[list[str], list[str]]:
        """Count this page's short paragraphs, then return (kept, removed) paragraphs."""
        keys = {_key(p): p for p in paragraphs if len(p) <= MAX_CHARS}
        db = self.index.db
        with self.index.write():
            db.executemany(
                "INSERT INTO boilerplate(source, hash, pages, sample) VALUES(?, ?, 1, ?)"
                " ON CONFLICT(source, hash) DO UPDATE SET pages = pages + 1",
                [(self.source, k, p[:200]) for k, p in keys.items()],
            )
            seen = db.execute(
                "INSERT INTO settings(key, value) VALUES(?, '1') ON CONFLICT(key) DO UPDATE"
                " SET value = CAST(value AS INTEGER) + 1 RETURNING value", (f"pages_seen:{self.source}",)
            ).fetchone()[0]
            counts = dict(db.execute(
                f"SELECT hash, pages FROM boilerplate WHERE source = ? AND hash IN ({','.join('?' * len(keys))})",
                [self.source, *keys],
            ).fetchall()) if keys else {}
            if int(seen) % BOUND_EVERY == 0:  # amortised: trimming sorts the source's rows
                self._bound(db)
        need = max(MIN_PAGES, SHARE * int(seen))
        removed = {k for k, n in counts.items() if n >= need}
        kept = [p for p in paragraphs if len(p) > MAX_CHARS or _key(p) not in removed]
        return kept, [p for p in paragraphs if p not in kept]

    def _bound(self, db: Any) -> None:
        (count,) = db.execute("SELECT COUNT(*) FROM boilerplate WHERE source = ?", (self.source,)).fetchone()
        if count > CAP:
            db.execute(
                "DELETE FROM boilerplate WHERE rowid IN (SELECT rowid FROM boilerplate WHERE source = ?"
                " ORDER BY pages, rowid LIMIT ?)", (self.source, count - CAP),
            )

    def template(self) -> list[tuple[str, int]]:
        """The paragraphs currently taken for template, with their page counts."""
        seen = self.index.db.execute("SELECT value FROM settings WHERE key = ?", (f"pages_seen:{self.source}",)).fetchone()
        need = max(MIN_PAGES, SHARE * int(seen[0] if seen else 0))
        return [(r[0], r[1]) for r in self.index.db.execute(
            "SELECT sample, pages FROM boilerplate WHERE source = ? AND pages >= ? ORDER BY pages DESC",
            (self.source, need))]
