"""Generate large WordPress-like sites for the benchmarks, with the test sites' theme.

Article texts are drawn (seeded, so reproducible) from a vocabulary of local-government news;
sizes vary like real posts (3–12 paragraphs). ``page_kb`` pads each page with the kind of inline
data real CMS pages carry (menus, inline JSON/CSS), so pages weigh 30–300 KB when asked.
"""

from __future__ import annotations

import dataclasses
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "sites"))

import theme_wordpress  # noqa: E402
from sitegen import load_content, wordpress_entries  # noqa: E402

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


def _sentence(rng: random.Random) -> str:
    return (f"{rng.choice(SUBJECTS)} of {_name(rng)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
            f"{rng.choice(TAILS)}, said {_name(rng)} {_name(rng)} on {rng.randint(1, 28)} "
            f"{rng.choice(['March', 'May', 'June', 'October'])} in {_name(rng)}.")


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
    start = start or datetime(2015, 1, 1, tzinfo=timezone.utc)
    posts = [_post(rng, i, start + timedelta(hours=6 * i)) for i in range(n)]
    now = datetime.now(timezone.utc)
    posts += [_post(random.Random(seed * 1000 + j), n + j, now + timedelta(seconds=1)) for j in range(new)]
    content = load_content()
    cfg = dataclasses.replace(theme_wordpress.MEWA, per_page=20, feed_size=20)
    builder = theme_wordpress.WordPressBuilder(cfg, wordpress_entries(posts, cfg.prefix),
                                               wordpress_entries(content["wordpress_pages"], cfg.prefix), root)
    tree = builder.build()
    if page_kb:
        _pad(tree, page_kb, rng)
    tree.write()
    return root


def _pad(tree: object, page_kb: int, rng: random.Random) -> None:
    """Add inline data (as CMS themes do) so article pages weigh about page_kb KB on average."""
    files = getattr(tree, "files")
    for rel, content in list(files.items()):
        if not str(rel).endswith("index.html") or "</head>" not in content:
            continue
        size = int(page_kb * 1024 * rng.uniform(0.2, 1.8))
        blob = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(64)) * (size // 64)
        files[rel] = content.replace("</head>", f'<script type="application/json" id="theme-data">"{blob}"</script></head>', 1)
