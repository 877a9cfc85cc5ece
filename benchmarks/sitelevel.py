"""Benchmark: what the site-level boilerplate filter (``crawlers.boilerplate``) gains on multi-page
sites, and what true text it removes.

    python benchmarks/sitelevel.py

Sites (every HTML file is read from disk; nothing is served or fetched):

- ``wordpress``: tests/sites/wordpress (UCLG-MEWA model, 7 real posts + 2 static pages);
- ``drupal``: tests/sites/drupal (Drupal-era UCLG model, 6 real news nodes in 3 languages + 1 page);
- ``demo``: flows/demo_site (small WordPress site, 4 posts + 1 page);
- ``wp-heavy-60``: ``benchmarks/sitebuild.build_site(n=60, page_kb=100)``: the WordPress test theme
  with the template markup of a heavy real CMS theme around it (``benchmarks/realpage.py``: mega-menu,
  widgets, teaser cards, footer columns, cookie dialog), 60 generated posts of 3-12 paragraphs.

Ground truth: the article bodies the sites are generated from (``articles.yaml`` through each site's
``expected.json``, the generator's posts for the others).

The same sites again with in-body template (``+inbody``): what CMS plugins and editors put inside the
post's content container, where no single-page extractor can tell it from the text, added to every
post (a newsletter call-to-action, a funding disclaimer, a "Follow us" line). And one line that is
true text although it repeats: a standard closing paragraph about the organisation ("About
UCLG-MEWA: ...", as press releases end) on every third post, part of the ground truth. Removing it
counts as a loss.

Crawl order: the pages the crawl hands to the store step (where the filter runs), in the order
the site's sitemaps list them (posts sitemap, then pages; listing pages, which the crawl reads
as listings and never stores, are left out). ``harvest crawl`` on the test sites meets them in
this order: posts newest first, static pages among them.

Systems, each on every article page:

- (a) ``trafilatura``: ``trafilatura.extract(html, url=url)``, default settings, one paragraph per line;
- (b) ``project``: ``crawlers.cleaning.clean(html, url, require_article=False)`` (as the crawl calls it);
- (c) ``project+site``: (b), then ``SiteBoilerplate(corpus.index, site).learn_and_filter(paragraphs)``
  on a real temporary corpus (``storage.corpus.Corpus``), fed every stored page in crawl order,
  exactly as ``crawlers.judge.judge`` does.

Scores (paragraphs compared after folding case, punctuation and whitespace):

- P, R: precision and recall of the article's true paragraphs;
- F1w: F1 over word counts (the measure of benchmarks/quality.py);
- ``tmpl``: template lines kept: output lines that are not article text and that occur on two or
  more article pages of the site;
- ``lost``: true paragraphs the site filter removed (always 0 for (a) and (b)).

Growth: for (b) and (c), template lines kept and true paragraphs lost per position of the article
page in the crawl (pages 1-4, 5-9, 10-19, 20-49, 50+ seen).
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "sites"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import json  # noqa: E402

import trafilatura  # noqa: E402
from sitegen import load_content, wordpress_entries  # noqa: E402

import sitebuild  # noqa: E402
from crawlers.boilerplate import SiteBoilerplate  # noqa: E402
from crawlers.cleaning import Cleaned, clean  # noqa: E402
from storage.corpus import Corpus  # noqa: E402

BASE = "https://www.example-network.org"
SYSTEMS = ("trafilatura", "project", "project+site")
BUCKETS = [(1, 4), (5, 9), (10, 19), (20, 49), (50, 10**9)]

# In-body template, as CMS plugins and editors add it inside the post content on every post.
INBODY_TEMPLATE = [
    "Subscribe to our newsletter to receive the latest news of the network every month.",
    "This publication was produced with the financial support of the European Union. Its contents are"
    " the sole responsibility of the network and do not necessarily reflect the views of the European Union.",
    "Follow us on Facebook, X and LinkedIn.",
]
# True text that repeats: the standard closing paragraph of a press release (every third post).
CLOSING = ("About the network: UCLG-MEWA is the Middle East and West Asia Section of United Cities and Local"
           " Governments, representing the local governments of the region since 2004.")
CLOSING_EVERY = 3


def norm(text: str) -> str:
    return " ".join(re.sub(r"\W+", " ", text.lower()).split())


@dataclass
class Page:
    url: str
    html: str
    truth: list[str] | None  # None: not an article (fed to the filter, not scored)


@dataclass
class Site:
    name: str
    pages: list[Page]  # crawl order


# -- the sites --------------------------------------------------------------------------


def _file(root: Path, path: str) -> Path:
    rel = unquote(path).strip("/")
    for cand in (root / rel / "index.html", root / rel):
        if cand.is_file():
            return cand
    raise FileNotFoundError(f"{root}: {path}")


def _sitemap_paths(root: Path) -> list[str]:
    """The page paths the site's sitemaps list, posts first, in their order."""
    files = [root / "wp-sitemap-posts-post-1.xml", root / "wp-sitemap-posts-page-1.xml", root / "sitemap.xml"]
    paths: list[str] = []
    for f in files:
        if f.is_file():
            paths += [loc.replace("{{BASE}}", "") for loc in re.findall(r"<loc>([^<]+)</loc>", f.read_text("utf-8"))]
    return paths


def _is_listing(path: str, article_paths: set[str]) -> bool:
    """The home page, a language root or a news section: a parent of the site's article paths."""
    parent = unquote(path).rstrip("/") + "/"
    return any(a.startswith(parent) for a in article_paths)


def load_site(name: str, root: Path, truths: dict[str, list[str]]) -> Site:
    arts = {unquote(p) for p in truths}
    pages = []
    for path in _sitemap_paths(root):
        truth = truths.get(path) or truths.get(unquote(path))
        if truth is None and _is_listing(path, arts):
            continue
        html = _file(root, path).read_text("utf-8").replace("{{BASE}}", BASE)
        pages.append(Page(BASE + path, html, truth))
    return Site(name, pages)


def expected_truths(root: Path) -> dict[str, list[str]]:
    exp = json.loads((root / "expected.json").read_text("utf-8"))
    return {a["path"]: a["body"] for a in exp["articles"]}


def demo_truths() -> dict[str, list[str]]:
    return {e.path: e.paragraphs for e in wordpress_entries(load_content()["demo"], "")}


def heavy_site(tmp: Path, n: int = 60, page_kb: int = 100) -> Site:
    root = sitebuild.build_site(tmp / "wp-heavy", n, page_kb=page_kb)
    import random
    from datetime import datetime, timedelta

    rng = random.Random(7)  # the generator's own draws, in its order (sitebuild.build_site)
    start = datetime(2015, 1, 1, tzinfo=UTC)
    posts = [sitebuild._post(rng, i, start + timedelta(hours=6 * i)) for i in range(n)]
    truths = {f"/en/{p['slug']}/": p["body"] for p in posts}
    return load_site(f"wp-heavy-{n}", root, truths)


def with_inbody(site: Site, every: int = CLOSING_EVERY) -> Site:
    """The site with template paragraphs inside every post's content container, and the closing
    paragraph (true text) at the end of every third post."""
    pages, k = [], 0
    for page in site.pages:
        if page.truth is None:
            pages.append(page)
            continue
        m = re.search(r'<div class="[^"]*(?:entry-content|field--name-body)[^"]*"[^>]*>', page.html)
        assert m, page.url
        end = page.html.index("</div>", m.end())
        truth = list(page.truth)
        extra = ""
        if k % every == 0:
            extra += f"<p>{CLOSING}</p>\n"
            truth.append(CLOSING)
        extra += "".join(f"<p>{t}</p>\n" for t in INBODY_TEMPLATE)
        pages.append(Page(page.url, page.html[:end] + extra + page.html[end:], truth))
        k += 1
    return Site(site.name + "+inbody", pages)


# -- running and scoring -----------------------------------------------------------------


@dataclass
class Tally:
    out: int = 0
    true: int = 0
    hit: int = 0
    words_out: int = 0
    words_true: int = 0
    words_hit: int = 0
    tmpl: int = 0
    lost: int = 0
    pages: int = 0

    def add(self, other: Tally) -> None:
        for k in self.__dataclass_fields__:
            setattr(self, k, getattr(self, k) + getattr(other, k))

    @property
    def p(self) -> float:
        return self.hit / self.out if self.out else 1.0

    @property
    def r(self) -> float:
        return self.hit / self.true if self.true else 1.0

    @property
    def f1w(self) -> float:
        p = self.words_hit / self.words_out if self.words_out else 1.0
        r = self.words_hit / self.words_true if self.words_true else 1.0
        return 2 * p * r / (p + r) if p + r else 0.0


def _words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def score(out: list[str], truth: list[str], repeated: set[str], lost: int) -> Tally:
    t_norm = Counter(norm(p) for p in truth)
    o_norm = [norm(p) for p in out if norm(p)]
    hit = sum((Counter(o_norm) & t_norm).values())
    wo, wt = _words(" ".join(out)), _words(" ".join(truth))
    tmpl = sum(1 for p in o_norm if p not in t_norm and p in repeated)
    return Tally(len(o_norm), sum(t_norm.values()), hit, sum(wo.values()), sum(wt.values()),
                 sum((wo & wt).values()), tmpl, lost, 1)


@dataclass
class Result:
    site: str
    totals: dict[str, Tally] = field(default_factory=lambda: {s: Tally() for s in SYSTEMS})
    growth: dict[tuple[int, int], dict[str, Tally]] = field(default_factory=dict)
    lost_lines: Counter[str] = field(default_factory=Counter)
    learned: list[tuple[str, int]] = field(default_factory=list)


def run_site(site: Site, tmp: Path) -> Result:
    outputs: list[tuple[int, Page, dict[str, list[str]], int]] = []
    corpus = Corpus(tmp / f"corpus-{site.name}")
    learner = SiteBoilerplate(corpus.index, site.name)
    res = Result(site.name)
    for pos, page in enumerate(site.pages, 1):
        cleaned = clean(page.html, page.url, require_article=False)
        paragraphs = cleaned.paragraphs if isinstance(cleaned, Cleaned) else []
        kept, removed = learner.learn_and_filter(paragraphs) if isinstance(cleaned, Cleaned) else ([], [])
        if page.truth is None:
            continue
        traf = [line for line in (trafilatura.extract(page.html, url=page.url) or "").split("\n") if line.strip()]
        truth_n = {norm(p) for p in page.truth}
        lost = [p for p in removed if norm(p) in truth_n]
        res.lost_lines.update(p[:90] for p in lost)
        outputs.append((pos, page, {"trafilatura": traf, "project": paragraphs, "project+site": kept}, len(lost)))
    res.learned = learner.template()
    corpus.close()
    # Site-wide repeated lines: on two or more article pages, in any system's output.
    seen: Counter[str] = Counter()
    for _, _, outs, _ in outputs:
        seen.update({norm(p) for o in outs.values() for p in o})
    repeated = {p for p, c in seen.items() if c >= 2}
    for pos, page, outs, lost in outputs:
        bucket = next(b for b in BUCKETS if b[0] <= pos <= b[1])
        row = res.growth.setdefault(bucket, {s: Tally() for s in SYSTEMS})
        for system in SYSTEMS:
            tally = score(outs[system], page.truth or [], repeated, lost if system == "project+site" else 0)
            res.totals[system].add(tally)
            row[system].add(tally)
    return res


def main() -> int:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sitelevel-") as tmp_name:
        tmp = Path(tmp_name)
        plain = [
            load_site("wordpress", ROOT / "tests/sites/wordpress", expected_truths(ROOT / "tests/sites/wordpress")),
            load_site("drupal", ROOT / "tests/sites/drupal", expected_truths(ROOT / "tests/sites/drupal")),
            load_site("demo", ROOT / "flows/demo_site", demo_truths()),
            heavy_site(tmp),
        ]
        sites = plain + [with_inbody(s) for s in plain]
        results = [run_site(s, tmp) for s in sites]
        # How often the closing line may recur before the filter takes it for template.
        sensitivity = []
        for every in (1, 2, 4):
            variants = [with_inbody(s, every) for s in plain]
            carried = sum(1 for v in variants for p in v.pages if p.truth and p.truth[-1] == CLOSING)
            runs = [run_site(v, tmp / f"every-{every}") for v in variants]
            sensitivity.append((every, carried, sum(r.totals["project+site"].lost for r in runs),
                                sum(r.totals["project+site"].tmpl for r in runs)))
    print("Site-level boilerplate filter (crawlers/boilerplate.py) on multi-page test sites")
    print(f"{'site':22s} {'pages':>5s} {'arts':>4s} | " + " | ".join(f"{s:^33s}" for s in SYSTEMS))
    print(f"{'':22s} {'':5s} {'':4s} | " + " | ".join(f"{'P     R     F1w   tmpl lost':33s}" for _ in SYSTEMS))

    def line(label: str, pages: int, totals: dict[str, Tally]) -> str:
        cells = [f"{t.p:.3f} {t.r:.3f} {t.f1w:.3f} {t.tmpl:4d} {t.lost:4d}" for t in totals.values()]
        return f"{label:22s} {pages:5d} {totals['project'].pages:4d} | " + " | ".join(f"{c:33s}" for c in cells)

    groups = {"all plain": [r for r in results if "+inbody" not in r.site],
              "all +inbody": [r for r in results if "+inbody" in r.site]}
    sizes = {s.name: len(s.pages) for s in sites}
    for r in results:
        print(line(r.site, sizes[r.site], r.totals))
    for label, rs in groups.items():
        tot = {s: Tally() for s in SYSTEMS}
        for r in rs:
            for s in SYSTEMS:
                tot[s].add(r.totals[s])
        print(line(label, sum(sizes[r.site] for r in rs), tot))
    print("\nGrowth with pages seen (article pages at that crawl position; tmpl = template lines kept,"
          " lost = true paragraphs removed)")
    print(f"{'site':22s} {'pages seen':>10s} {'arts':>4s} | {'project tmpl':>12s} | {'+site tmpl':>10s}"
          f" | {'removed':>7s} | {'+site lost':>10s}")
    for r in results:
        for (lo, hi), row in sorted(r.growth.items()):
            b, c = row["project"], row["project+site"]
            gone = 1 - c.tmpl / b.tmpl if b.tmpl else 0.0
            span = f"{lo}-{hi}" if hi < 10**9 else f"{lo}+"
            print(f"{r.site:22s} {span:>10s} {b.pages:4d} | {b.tmpl:12d} | {c.tmpl:10d} | {gone:7.0%} | {c.lost:10d}")
    print("\nTrue text removed by the filter (paragraph: times)")
    any_lost = False
    for r in results:
        for text, n in r.lost_lines.most_common():
            any_lost = True
            print(f"  {r.site}: {n}x {text}")
    if not any_lost:
        print("  none")
    print("\nThe closing paragraph on every k-th post of the +inbody sites (k=3 above): posts carrying it,"
          " copies the filter removed, template lines kept")
    for every, carried, lost, tmpl in sensitivity:
        print(f"  k={every}: {carried:3d} posts carry it, {lost:3d} removed, template kept {tmpl}")
    print(f"\n{len(sites)} sites, {sum(sizes.values())} pages, {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
