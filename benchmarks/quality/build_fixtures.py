"""(Re)build the cleaning-quality fixtures in benchmarks/quality/fixtures/.

    python benchmarks/quality/build_fixtures.py [--check]

Two kinds of fixtures:

* copies of the article pages of the generated test sites (tests/sites/wordpress,
  tests/sites/drupal) and of the demo site (flows/demo_site), ``{{BASE}}`` replaced by a
  real host; the expected body comes from the sites' expected.json (demo: from the
  ``entry-content`` of the page);
* hand-written pages (_pages_wp.py, _pages_other.py), each modelled on one CMS of the
  catalogue and exercising one or more things that trafilatura alone gets wrong. Their
  expected body is the text of the article fragments, without the parts marked as junk
  (see _fixture.py).

Each fixture is ``<name>.html`` + ``<name>.expected.txt`` + ``<name>.url``. The expected
text has no title; paragraphs are separated by a blank line, list items and table rows are
one per line (table cells joined by " | ").

``--check`` verifies the files on disk are what this script would write, without writing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from urllib.parse import unquote

import lxml.html

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

import _pages_other  # noqa: E402
import _pages_wp  # noqa: E402
from _fixture import Fixture, article_markup, blocks, fragments_to_text, page_markup  # noqa: E402

OUT = HERE / "fixtures"

SITES = {
    "wordpress": ("https://uclg-mewa.org", "mewa"),
    "drupal": ("https://www.uclg.org", "uclgd7"),
}
DEMO = ("https://demo.example.org", ROOT / "flows" / "demo_site")


def _norm(text: str) -> str:
    return " ".join(text.split())


def _short(slug: str, words: int = 5) -> str:
    parts = [p for p in unquote(slug).replace("ı", "i").split("-") if p]
    return "_".join(parts[:words])


def _join_blocks(paragraphs: list[str], list_items: set[str]) -> str:
    out: list[str] = []
    prev_li = False
    for p in paragraphs:
        p = _norm(p)
        is_li = p in list_items
        if out:
            out.append("\n" if (is_li and prev_li) else "\n\n")
        out.append(p)
        prev_li = is_li
    return "".join(out) + "\n"


def copied_fixtures() -> list[Fixture]:
    out: list[Fixture] = []
    for site, (base, prefix) in SITES.items():
        root = ROOT / "tests" / "sites" / site
        expected = json.loads((root / "expected.json").read_text(encoding="utf-8"))
        for art in expected["articles"]:
            rel = unquote(art["path"]).strip("/")
            path = root / rel
            if path.is_dir():
                path = path / "index.html"
            html = path.read_text(encoding="utf-8").replace("{{BASE}}", base)
            tree = lxml.html.document_fromstring(html)
            lis = {_norm(li.text_content()) for li in tree.iter("li")}
            name = f"copy_{prefix}_{_short(art['path'].strip('/').split('/')[-1])}"
            out.append(Fixture(name, base + art["path"], html, expected=_join_blocks(art["body"], lis)))
    base, root = DEMO
    for index in sorted(root.glob("*/index.html")):
        html = index.read_text(encoding="utf-8").replace("{{BASE}}", base)
        tree = lxml.html.document_fromstring(html)
        content = tree.xpath('//div[contains(concat(" ", normalize-space(@class), " "), " entry-content ")]')
        if not content or not tree.xpath('//meta[@property="og:type"][@content="article"]'):
            continue  # "about" page, listings
        inner = "".join(lxml.html.tostring(c, encoding="unicode") for c in content[0])
        slug = index.parent.name
        out.append(Fixture(f"copy_demo_{_short(slug)}", f"{base}/{slug}/", html, expected=fragments_to_text([inner])))
    return out


def handwritten_fixtures() -> list[Fixture]:
    fixtures = [make() for make in _pages_wp.FIXTURES + _pages_other.FIXTURES]
    for fx in fixtures:
        page = fx.page()
        for frag in fx.article:
            if page_markup(frag) not in page:
                raise SystemExit(f"{fx.name}: an article fragment is not in the page: {frag[:80]!r}")
            if not blocks(article_markup(frag)) and article_markup(frag).strip():
                raise SystemExit(f"{fx.name}: fragment without text: {frag[:80]!r}")
    return fixtures


def files(fx: Fixture) -> dict[str, str]:
    return {f"{fx.name}.html": fx.page(), f"{fx.name}.expected.txt": fx.expected_text(),
            f"{fx.name}.url": fx.url + "\n"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="only check that the files on disk are up to date")
    args = ap.parse_args()
    fixtures = copied_fixtures() + handwritten_fixtures()
    names = [fx.name for fx in fixtures]
    if len(set(names)) != len(names):
        raise SystemExit("duplicate fixture names")
    stale = []
    OUT.mkdir(parents=True, exist_ok=True)
    for fx in fixtures:
        for fname, content in files(fx).items():
            path = OUT / fname
            if args.check:
                if not path.exists() or path.read_text(encoding="utf-8") != content:
                    stale.append(fname)
            else:
                path.write_text(content, encoding="utf-8")
    if args.check:
        print("up to date" if not stale else "stale: " + ", ".join(stale))
        return 1 if stale else 0
    for fx in fixtures:
        size = len(fx.page().encode("utf-8"))
        words = len(fx.expected_text().split())
        print(f"{fx.name:48s} {size / 1024:6.1f} KB  {words:4d} words")
    print(f"{len(fixtures)} fixtures written to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
