"""Benchmark: the item decision (crawlers.items) against today's rule ("markers only"), on labelled pages.

    python benchmarks/items.py [--workers 1] [--limit N] [--show-errors]

Labelled pages:
- the 990 real pages of ../shared/realpages/ (trafilatura's evaluation set, unpacked once into
  benchmarks/.realpages/ as by benchmarks/realpages.py), labelled item / not item by inspection in
  benchmarks/item_labels.json (100 non-items: shop, forum, home, listing, service, about, reference…);
- the pages of the council site of tests/sites/item_pages.py (articles with and without markers,
  three-sentence announcements, a calendar month view, a press-release listing, a contact form, a
  service page, search results, a tag page, the home page), and the non-items of the WordPress and
  Drupal test sites (tests/sites/*/expected.json: listings, tags, term pages, homes, static pages)
  with their articles.

Systems, each given the project's cleaning of the page (``clean(..., min_chars=0,
require_article=False)``; a page the cleaning rejects is not stored by any system):
- ``markers-only``: today's rule — article markers (og:type article, JSON-LD Article,
  article:published_time) or an unknown type with a date, and a body of at least 250 characters;
- ``project``: ``crawlers.items.decide``. Where the page was found is unknown for a bare page:
  ``via=link`` (no help) for every page; and, for the test sites, once more with the via a crawl of
  them gives (items: their news listing or sitemap; other pages: the listing or link they are on).

The real pages are split in two halves by a hash of the URL (``half``): the rules were tuned
looking only at the errors of ``dev``; ``held-out`` is measured, never studied, and gives the
headline figures. Both halves and the whole are printed.

A bare real page has no via. Besides ``via=link`` (nothing known), two runs show what via adds,
labelled as assumptions, not measurements: ``ASSUMED via`` gives an article the via a crawl of a
news site gives it (found on the site's news listing) and every other page ``via=link``; ``every
page via listing`` gives every page, items or not, ``via=listing`` from a news listing (what
structure alone keeps out when via says yes).

Figures: precision and recall of "item", and the share of stored documents that are not items.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "sites"))

LABELS = ROOT / "benchmarks" / "item_labels.json"
BASE = "http://127.0.0.1:8000"


def signals(args: tuple[str, bytes | str]) -> dict[str, Any] | None:
    """The cleaning's reading of one page (None: rejected by the cleaning)."""
    from crawlers.cleaning import Cleaned, clean
    from flows.cleancmd import _decode_wide, sniff

    url, data = args
    if isinstance(data, bytes):
        if sniff(data):
            return None
        data = _decode_wide(data)
    result = clean(data, url, min_chars=0, require_article=False)
    if not isinstance(result, Cleaned):
        return None
    return {"chars": len(result.body), "structure": result.meta.get("structure"), "page_kind": result.meta["page_kind"],
            "date": result.date, "date_source": result.meta.get("date_source")}


NEWS_LISTING = "https://example.org/news/"  # where an article is found, in the assumed crawl


def half(url: str) -> str:
    """The half of the real pages a URL belongs to, fixed by its hash: ``dev`` (the rules are tuned
    on it) or ``held-out`` (measured only)."""
    return "held-out" if hashlib.sha256(url.encode("utf-8")).digest()[0] & 1 else "dev"


def markers_only(sig: dict[str, Any] | None) -> bool:
    if sig is None:
        return False
    kind = sig["page_kind"]
    return (kind == "article" or (kind == "unknown" and bool(sig["date"]))) and sig["chars"] >= 250


def project(url: str, sig: dict[str, Any] | None, via: str | None, found_on: str | None) -> tuple[bool, Any]:
    from crawlers.items import decide

    if sig is None:
        return False, None
    d = decide(url=url, chars=sig["chars"], structure=sig["structure"], page_kind=sig["page_kind"], date=sig["date"],
               date_source=sig["date_source"], via=via, found_on=found_on)
    return d.is_item, d


def real_pages(limit: int | None) -> list[dict[str, Any]]:
    from realpages import CACHE, load_pages

    labels = json.loads(LABELS.read_text(encoding="utf-8"))["pages"]
    out = []
    for url, _, path in load_pages(CACHE)[:limit]:
        label = labels[url]
        out.append({"set": "real", "url": url, "data": path.read_bytes(), "item": label["item"], "why": label["why"],
                    "via": None, "found_on": None})
    return out


def site_pages(tmp: Path) -> list[dict[str, Any]]:
    import item_pages

    out = []
    for page in item_pages.build_item_site(tmp / "council"):
        out.append({"set": "council", "url": BASE + page.path, "data": page.html.replace("{{BASE}}", BASE),
                    "item": page.item, "why": page.kind, "via": page.via,
                    "found_on": BASE + page.found_on if page.found_on else None})
    for site, via, found_on in (("wordpress", "sitemap", "/wp-sitemap-posts-post-1.xml"),
                                ("drupal", "listing", "/en/media/news")):
        folder = ROOT / "tests" / "sites" / site
        expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        labelled = [(a["path"], True) for a in expected["articles"]] + [(p, False) for p in expected["not_items"]]
        for path, item in labelled:
            file = _file(folder, path)
            if file is None:
                continue
            page_via = via if item else ("sitemap" if site == "wordpress" and "/about" in path or "/contact" in path
                                         else "listing")
            page_found = found_on if item else ("/wp-sitemap-posts-page-1.xml" if page_via == "sitemap" else "/")
            page_html = file.read_text(encoding="utf-8").replace("{{BASE}}", BASE)
            out.append({"set": site, "url": BASE + path, "data": page_html,
                        "item": item, "why": "article" if item else "not-item", "via": page_via,
                        "found_on": BASE + page_found})
    return out


def _file(folder: Path, path: str) -> Path | None:
    from urllib.parse import unquote

    rel, _, query = unquote(path).partition("?")
    candidate = folder / rel.strip("/")
    if path.endswith("/") or candidate.is_dir() or not rel.strip("/"):
        candidate = candidate / "index.html"
    if query:
        candidate = candidate.with_name(f"{candidate.name}@{query}")
    return candidate if candidate.is_file() else None


def table(name: str, rows: list[tuple[bool, bool]]) -> str:
    tp = sum(1 for label, got in rows if label and got)
    fp = sum(1 for label, got in rows if not label and got)
    fn = sum(1 for label, got in rows if label and not got)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    stored = tp + fp
    return (f"  {name:<52} pages {len(rows):>4}  items {tp + fn:>4}  stored {stored:>4}  P {p:.3f}  R {r:.3f}  "
            f"non-items stored {fp:>3} ({100 * fp / stored if stored else 0:.1f} %)  items missed {fn}")


def main(argv: list[str] | None = None) -> int:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--limit", type=int, default=None, help="only the first N real pages")
    parser.add_argument("--show-errors", action="store_true", help="list the pages each system gets wrong")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        pages = real_pages(args.limit) + site_pages(Path(tmp))
    jobs = [(p["url"], p["data"]) for p in pages]
    if args.workers > 1:
        with ProcessPoolExecutor(args.workers) as pool:
            sigs = list(pool.map(signals, jobs, chunksize=8))
    else:
        sigs = [signals(job) for job in jobs]
    results: dict[str, list[tuple[bool, bool]]] = {}
    errors: list[str] = []
    reasons: Counter[str] = Counter()
    for page, sig in zip(pages, sigs):
        mark = markers_only(sig)
        got, d = project(page["url"], sig, "link", None)
        if page["set"] == "real":
            groups = [f"real {half(page['url'])}", "real all"]
            # Assumed, not measured: a crawl of a news site reaches an article from its news listing
            # and every other page by a link (menus, footers).
            assumed, _ = project(page["url"], sig, "listing" if page["item"] else "link",
                                 NEWS_LISTING if page["item"] else None)
            # Every page reached from a news listing (what structure alone keeps out when via says yes).
            listed, _ = project(page["url"], sig, "listing", NEWS_LISTING)
        else:
            groups = ["test sites"]
        for group in groups:
            results.setdefault(f"{group}: markers-only", []).append((page["item"], mark))
            results.setdefault(f"{group}: project, via=link", []).append((page["item"], got))
            if page["set"] == "real":
                results.setdefault(f"{group}: project, ASSUMED via (items listing)", []).append((page["item"], assumed))
                results.setdefault(f"{group}: project, every page via listing", []).append((page["item"], listed))
        if d is not None and not got:
            reasons[d.kind] += 1
        if page["set"] != "real":
            crawl_got, d2 = project(page["url"], sig, page["via"], page["found_on"])
            results.setdefault("test sites: project, crawl's via", []).append((page["item"], crawl_got))
            got, d = crawl_got, d2
        if got != page["item"] or mark != page["item"]:
            where = half(page["url"]) if page["set"] == "real" else page["set"]
            errors.append(f"  {where:<9} {'project' if got != page['item'] else '       '} "
                          f"{'markers' if mark != page['item'] else '       '} label={page['item']!s:<5} "
                          f"{page['why']:<10} {page['url'][:90]}  "
                          f"{d.kind + ' ' + ','.join(d.why) if d else 'rejected'}")
    print(f"Item decision on {len(pages)} labelled pages ({sum(p['set'] == 'real' for p in pages)} real, "
          f"{sum(p['set'] != 'real' for p in pages)} from the test sites' templates)")
    print("Real pages split by a hash of the URL: 'dev' (rules tuned on it), 'held-out' (the headline figures).")
    for prefix in ("real held-out", "real dev", "real all", "test sites"):
        for name, rows in results.items():
            if name.startswith(prefix + ":"):
                print(table(name, rows))
        print()
    print("non-items by kind (project, via=link):", dict(reasons.most_common()))
    if args.show_errors:
        print("pages a system gets wrong (project: crawl's via where known):")
        print("\n".join(errors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
