"""Generate large WordPress-like sites for the benchmarks, with the test sites' theme.

Article texts are drawn (seeded, so reproducible) from a vocabulary of local-government news, varied
enough that distinct posts are about as far apart by SimHash as real stories (28 bits on average);
sizes vary like real posts (3–12 paragraphs). Each post page has the test theme's chrome: header
and menu, the article (title, date, byline, body, tags), share links, related posts, comment
notice, post navigation, sidebar, footer, cookie notice. With ``page_kb`` every HTML page also
gets, around that chrome, the template markup of a heavier CMS theme (``realpage``: mega-menu
and its mobile copy, top bar, sidebar widgets, footer columns, cookie-consent dialog, share
buttons, teaser cards, inline CSS and JS): pages then weigh 0.2–2× ``page_kb`` KB, ``page_kb``
on average (never less than without it), about two thirds of it element markup. The article
and the page's metadata stay as they are, so cleaning a post page gives the same text.
"""

from __future__ import annotations

import dataclasses
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "sites"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import theme_wordpress  # noqa: E402
from sitegen import Entry, SiteTree, load_content, wordpress_entries  # noqa: E402

from realpage import PostRef, SiteInfo, Theme  # noqa: E402

SUBJECTS = ["The municipality", "The city council", "UCLG-MEWA", "The metropolitan government", "The network",
            "The mayor", "Local governments of the region", "The secretariat", "Member cities", "The association"]
VERBS = ["launched", "hosted", "presented", "adopted", "discussed", "signed", "reviewed", "coordinated",
         "supported", "evaluated"]
OBJECTS = ["a programme on gender equality", "a plan for SDG localisation", "a peer-learning workshop",
           "a cooperation protocol", "a report on decentralised cooperation", "a training for local officials",
           "a campaign on climate adaptation", "a strategy for migrant inclusion", "a voluntary local review",
           "a forum on public services", "a budget line for women's participation", "a study visit"]
TAILS = ["with partners from twelve cities", "in cooperation with UN-Habitat", "for the period 2024-2030",
         "after a public consultation", "with the support of the national association",
         "in the framework of the 2030 Agenda", "at the Executive Bureau meeting", "in the historic peninsula",
         "together with civil society organisations", "as part of its strategic plan"]


SYLLABLES = ["ka", "lo", "mer", "sin", "ta", "bel", "gar", "ni", "sol", "va", "dur", "men", "ak", "ri", "zen", "po",
             "lu", "tar", "ess", "ho", "qa", "vi", "mon", "dal", "ur", "fe", "gi", "bra", "cel", "ju"]


def _name(rng: random.Random) -> str:
    """A made-up place or person name: real stories differ mostly in such words."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


# Words of the field for the middle of each sentence: distinct stories share few word triples
# (real stories' SimHashes are ~32 bits apart; fixed phrases alone would make them far closer).
WORDS = ("local regional national municipal metropolitan urban rural public social economic cultural digital green "
         "inclusive sustainable resilient fair safe open affordable accessible community council citizens residents "
         "women youth elders migrants workers families schools neighbourhoods districts villages towns ports "
         "housing transport water energy waste health education mobility heritage tourism culture sport markets "
         "budgets taxes services permits roads parks libraries clinics shelters data platforms networks "
         "partnerships agreements policies plans strategies programmes projects initiatives reforms reviews "
         "reports indicators targets goals commitments declarations resolutions mandates priorities "
         "financing funding grants investment loans procurement audits governance participation transparency "
         "accountability cooperation solidarity dialogue exchange learning training capacity innovation research "
         "monitoring evaluation implementation planning design delivery recovery adaptation mitigation emissions "
         "floods droughts heat earthquakes refugees displacement equality rights justice peace security "
         "employment jobs skills entrepreneurs cooperatives tenants landlords mayors councillors officials experts "
         "volunteers associations federations agencies ministries universities foundations donors partners "
         "will must could should has have had was were is are new first second annual joint shared common "
         "across within between through towards under over after before during since among beyond").split()


def _sentence(rng: random.Random) -> str:
    middle = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16)))
    if rng.random() < 0.1:
        middle = f"{rng.choice(OBJECTS)} {middle} {rng.choice(TAILS)}"
    return f"{rng.choice(SUBJECTS)} of {_name(rng)} {rng.choice(VERBS)} {middle}, said {_name(rng)} {_name(rng)}."


def _post(rng: random.Random, i: int, when: datetime) -> dict:
    paragraphs = [" ".join(_sentence(rng) for _ in range(rng.randint(2, 6))) + f" (ref. {i}-{p})"
                  for p in range(rng.randint(3, 12))]
    stamp = when.isoformat()
    return {"id": 100000 + i, "slug": f"news-item-{i:05d}-{rng.choice(VERBS)}", "title": f"News item {i}: "
            + rng.choice(OBJECTS).capitalize(), "published": stamp, "modified": stamp, "author": "UCLG-MEWA",
            "tags": [rng.choice(["gender-equality", "sdgs", "migration", "climate", "decentralised-cooperation"])],
            "body": paragraphs}


def build_site(root: Path, n: int, new: int = 0, seed: int = 7, page_kb: int = 0,
               start: datetime | None = None) -> Path:
    """A site of ``n`` posts (plus ``new`` posts dated now) at ``root``; 20 posts per listing page."""
    rng = random.Random(seed)
    start = start or datetime(2015, 1, 1, tzinfo=UTC)
    posts = [_post(rng, i, start + timedelta(hours=6 * i)) for i in range(n)]
    now = datetime.now(UTC)
    posts += [_post(random.Random(seed * 1000 + j), n + j, now + timedelta(seconds=1)) for j in range(new)]
    content = load_content()
    cfg = dataclasses.replace(theme_wordpress.MEWA, per_page=20, feed_size=20)
    entries = wordpress_entries(posts, cfg.prefix)
    pages = wordpress_entries(content["wordpress_pages"], cfg.prefix)
    builder = theme_wordpress.WordPressBuilder(cfg, entries, pages, root)
    tree = builder.build()
    tree.write()
    if page_kb:
        _pad(tree, page_kb, rng, cfg, entries, pages)
    return root


def _pad(tree: SiteTree, page_kb: int, rng: random.Random, cfg: theme_wordpress.Config, posts: list[Entry],
         pages: list[Entry]) -> None:
    """Rewrite the written HTML pages with a CMS theme's template markup around them
    (``realpage.Theme``), so they weigh about page_kb KB on average. Pages are padded one by
    one on disk: a large site never sits in memory at full weight."""
    p = cfg.prefix
    links = [cfg.home, cfg.news, f"{p}/category/news/", f"{p}/category/events/"]
    links += [f"{p}/tag/{slug}/" for slug in cfg.tag_names] + [page.path for page in pages]
    site = SiteInfo(name=cfg.name, tagline=cfg.tagline, prefix=p, address=cfg.address, links=links,
                    tags=dict(cfg.tag_names))
    refs = [PostRef(e.path, e.title, e.published, (e.tags or ["news"])[0]) for e in posts if e.published]
    theme = Theme(rng, page_kb, site, refs)
    for rel, content in sorted(tree.files.items()):
        if rel.endswith("index.html") and "</head>" in content:
            (tree.root / rel).write_bytes(theme.page(content).encode("utf-8"))
