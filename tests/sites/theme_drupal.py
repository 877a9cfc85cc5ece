"""Drupal 8-style site modelled on the Drupal-era uclg.org / metropolis.org."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import drupal_parts as parts
from drupal_parts import NEWS, SITE
from sitegen import (
    BASE,
    Entry,
    SiteTree,
    blocks_html,
    esc,
    expected_article,
    parse_blocks,
    parse_time,
    sort_key,
    write_expected,
)

PER_PAGE = 3
HOME_TITLES = {"en": "Latest news", "es": "Últimas noticias", "fr": "Dernières actualités"}
CHROME = [
    "Skip to main content",
    "Home › Media › News",
    "Submitted on",
    "Subscribe to RSS - News",
    "Subscribe to newsletter",
    "This website uses cookies",
    "OK, I agree",
    "More info",
    "Latest news",
    "Carrer Avinyó",
]


class DrupalBuilder:
    """Generate the Drupal-like site into a SiteTree."""

    def __init__(self, articles: list[Entry], pages: list[Entry], terms: dict[int, str], root: Path) -> None:
        self.articles = articles  # newest first
        self.pages = pages
        self.terms = terms
        self.tree = SiteTree(root)
        self.non_items: list[str] = []  # HTML pages that are not news items

    def build(self) -> SiteTree:
        for entry in self.articles + self.pages:
            self.tree.add_page(entry.path, self.node_page(entry))
            self.tree.routes[f"/node/{entry.ident}"] = {"file": entry.path.lstrip("/")}
        self.non_items += [p.path for p in self.pages]
        self.news_listing()
        for tid, name in self.terms.items():
            self.term_page(tid, name)
        for lang, path in (("en", "/"), ("en", "/en"), ("es", "/es"), ("fr", "/fr")):
            self.tree.add(f"{path.strip('/')}/index.html".lstrip("/"), self.home(lang, path))
            self.non_items.append(path)
        self.tree.add("rss.xml", parts.rss("/rss.xml", self.articles))
        self.tree.routes["/rss.xml"] = {"file": "rss.xml", "type": "application/rss+xml; charset=utf-8"}
        self.tree.add("sitemap.xml", self.sitemap())
        self.tree.add("robots.txt", parts.ROBOTS)
        return self.tree

    # -- pages ----------------------------------------------------------------------------

    def node_page(self, entry: Entry) -> str:
        is_news = entry.published is not None
        node_type = "news" if is_news else "page"
        meta = (
            f'<div class="node__meta"><div class="node__submitted">{parts.submitted(entry)}</div></div>\n'
            if is_news
            else ""
        )
        main = (
            f"{parts.page_title(entry.title, field=True)}"
            '<div id="block-uclg-content" class="block block-system block-system-main-block">\n'
            f'<article role="article" about="{entry.path}" class="node node--type-{node_type} node--view-mode-full">\n'
            f"{meta}{parts.node_content(entry, self.terms, blocks_html(entry.body))}</article>\n</div>\n"
        )
        lang = "fr" if entry.path.startswith("/fr/") else "en"  # interface language, not the text's
        section = [("Media", NEWS), ("News", NEWS)] if is_news else [("Organisation", entry.path)]
        crumbs = [("Home", "/en"), *section]
        body_class = f"path-node page-node-type-{node_type}"
        return self.document(entry.title, parts.node_head(entry), body_class, lang, crumbs, main, entry.ident)

    def news_listing(self) -> None:
        chunks = [self.articles[i : i + PER_PAGE] for i in range(0, len(self.articles), PER_PAGE)]
        last = len(chunks) - 1
        # Drupal Views clamps a page number past the end to the last page: ?page=last+1 shows the last page.
        for number in range(last + 2):
            shown = min(number, last)
            teasers = "".join(parts.teaser_row(e) for e in chunks[shown])
            main = (
                f'{parts.page_title("All News")}<div class="view view-news view-id-news view-display-id-page_1">\n'
                f'<div class="view-content">\n{teasers}</div>\n{parts.pager(shown, last)}'
                f'<a href="{BASE}/rss.xml" class="feed-icon">Subscribe to RSS - News</a>\n</div>\n'
            )
            crumbs = [("Home", "/en"), ("Media", NEWS)]
            doc = self.document("All News", parts.listing_head(NEWS), "path-media", "en", crumbs, main, 0)
            self.tree.add("en/media/news/index.html" + (f"@page={number}" if number else ""), doc)
            self.non_items.append(NEWS + (f"?page={number}" if number else ""))

    def term_page(self, tid: int, name: str) -> None:
        tagged = [a for a in self.articles if tid in a.terms]
        path = f"/en/taxonomy/term/{tid}"
        feed = f"{path}/feed"
        teasers = "".join(parts.teaser_row(e) for e in tagged)
        main = (
            f'{parts.page_title(name)}<div class="view view-taxonomy-term view-id-taxonomy_term">\n'
            f'<div class="view-content">\n{teasers}</div>\n'
            f'<a href="{BASE}{feed}" class="feed-icon">Subscribe to RSS - {esc(name)}</a>\n</div>\n'
        )
        head = parts.listing_head(path, feed, name)
        self.tree.add_page(path, self.document(name, head, "path-taxonomy", "en", [("Home", "/en")], main, 0))
        self.non_items.append(path)
        self.tree.add(f"feeds/term-{tid}.xml", parts.rss(feed, tagged))
        self.tree.routes[feed] = {"file": f"feeds/term-{tid}.xml", "type": "application/rss+xml; charset=utf-8"}

    def home(self, lang: str, path: str) -> str:
        teasers = "".join(parts.teaser_row(e) for e in self.articles[:3])
        main = (
            f'<h1 class="page-title visually-hidden">{SITE}</h1>\n<div class="view view-frontpage">\n'
            f'<h2>{HOME_TITLES[lang]}</h2>\n<div class="view-content">\n{teasers}</div>\n'
            f'<a href="{BASE}{NEWS}" class="more-link">All News</a></div>\n'
        )
        return self.document(SITE, parts.listing_head(path, "/rss.xml", SITE), "path-frontpage", lang, [], main, 0)

    def document(
        self, title: str, head: str, body_class: str, lang: str, crumbs: list[tuple[str, str]], main: str, nid: int
    ) -> str:
        settings = {
            "path": {"baseUrl": "/", "currentPath": f"node/{nid}" if nid else "", "currentLanguage": lang},
            "ajaxTrustedUrl": {},
        }
        return (
            f'<!DOCTYPE html>\n<html lang="{lang}" dir="ltr" '
            'prefix="content: http://purl.org/rss/1.0/modules/content/  '
            'dc: http://purl.org/dc/terms/  og: http://ogp.me/ns#  schema: http://schema.org/">\n'
            f'<head>\n<meta charset="utf-8" />\n{head}'
            '<meta name="Generator" content="Drupal 8 (https://www.drupal.org)" />\n'
            '<meta name="MobileOptimized" content="width" />\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1.0" />\n'
            '<link rel="shortcut icon" href="/themes/custom/uclg/favicon.ico" type="image/vnd.microsoft.icon" />\n'
            f"<title>{esc(title)} | UCLG</title>\n"
            '<link rel="stylesheet" media="all" href="/themes/custom/uclg/css/style.css?q8x9ks" />\n</head>\n'
            f'<body class="{body_class}">\n'
            '<a href="#main-content" class="visually-hidden focusable skip-link">Skip to main content</a>\n'
            '<div class="dialog-off-canvas-main-canvas" data-off-canvas-main-canvas>\n<div class="layout-container">\n'
            f'{parts.header(lang)}{parts.breadcrumb(crumbs)}<main role="main"><a id="main-content" tabindex="-1"></a>\n'
            f'<div class="layout-content">\n<div class="region region-content">\n{main}</div>\n</div>\n'
            f"{parts.sidebar(self.articles[:3])}</main>\n{parts.FOOTER}</div>\n</div>\n{parts.COOKIES}"
            '<script type="application/json" data-drupal-selector="drupal-settings-json">'
            f"{json.dumps(settings)}</script>\n"
            '<script src="/core/assets/vendor/jquery/jquery.min.js?v=3.2.1"></script>\n</body>\n</html>\n'
        )

    # -- machine-readable -------------------------------------------------------------------

    def sitemap(self) -> str:
        newest = max(a.published for a in self.articles if a.published)
        rows = [("/en", newest, "daily", "1.0"), (NEWS, newest, "daily", "0.8")]
        rows += [(a.path, a.published, "yearly", "0.5") for a in self.articles if a.published]
        rows += [(p.path, p.modified, "monthly", "0.5") for p in self.pages if p.modified]
        return parts.sitemap(rows)

    def expected(self) -> dict[str, Any]:
        return {
            "site": "Drupal-era uclg.org / metropolis.org model (Drupal 8)",
            "discovery": {
                "robots": "/robots.txt",
                "feeds": ["/rss.xml"],
                "sitemaps": ["/sitemap.xml"],
                "listing": NEWS,
                "rest_api": None,
            },
            "articles": [expected_article(a, [f"/node/{a.ident}"], True) for a in self.articles],
            "not_items": sorted(self.non_items),
            "chrome_phrases": CHROME,
        }


def drupal_entries(raw: list[dict[str, Any]]) -> list[Entry]:
    """Drupal nodes from articles.yaml, newest first."""
    entries = [
        Entry(
            title=r["title"],
            path=r["path"],
            body=parse_blocks(r["body"]),
            published=parse_time(r.get("published")),
            modified=parse_time(r.get("modified") or r.get("published")),
            author=r.get("author"),
            language=r.get("language", "en"),
            ident=r["nid"],
            terms=r.get("terms", []),
            image=r.get("image"),
            author_org=r.get("author_org"),
        )
        for r in raw
    ]
    return sorted(entries, key=sort_key, reverse=True)


def build_uclg(content: dict[str, Any], root: Path) -> Path:
    """tests/sites/drupal: the Drupal-era UCLG model."""
    builder = DrupalBuilder(
        drupal_entries(content["drupal"]),
        drupal_entries(content["drupal_pages"]),
        {int(k): v for k, v in content["drupal_terms"].items()},
        root,
    )
    builder.build().write()
    write_expected(root, builder.expected())
    return root
