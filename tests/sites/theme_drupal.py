"""Drupal 8-style site modelled on the Drupal-era uclg.org / metropolis.org."""

from __future__ import annotations

import json
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from sitegen import BASE, Entry, SiteTree, blocks_html, esc, expected_article, parse_blocks, parse_time, write_expected

SITE = "United Cities and Local Governments"
NEWS = "/en/media/news"
PER_PAGE = 3
LANG_LABELS = {"en": "English", "es": "Español", "fr": "Français"}
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


def short_date(when: datetime) -> str:
    return when.strftime("%d/%m/%Y")


def submitted(entry: Entry) -> str:
    assert entry.published is not None
    when = f'<span class="field field--name-created field--type-created">{entry.published:%A} {short_date(entry.published)}</span>'
    if entry.author:
        who = f'<span class="field field--name-uid"><span lang="" typeof="schema:Person" property="schema:name">{esc(entry.author)}</span></span>'
        if entry.author_org:
            who += f" ({esc(entry.author_org)})"
        return f"Submitted by {who} on {when}"
    return f"Submitted on {when}"


class DrupalBuilder:
    """Generate the Drupal-like site into a SiteTree."""

    def __init__(self, articles: list[Entry], pages: list[Entry], terms: dict[int, str], root: Path) -> None:
        self.articles = articles  # newest first
        self.pages = pages
        self.terms = terms
        self.tree = SiteTree(root)
        self.non_items: list[str] = []

    def build(self) -> SiteTree:
        for article in self.articles:
            self.tree.add_page(article.path, self.node_page(article))
            self.tree.routes[f"/node/{article.ident}"] = {"file": article.path.lstrip("/")}
        for page in self.pages:
            self.tree.add_page(page.path, self.node_page(page))
            self.tree.routes[f"/node/{page.ident}"] = {"file": page.path.lstrip("/")}
            self.non_items.append(page.path)
        self.news_listing()
        for tid, name in self.terms.items():
            self.term_page(tid, name)
        for lang, path in (("en", "/"), ("en", "/en"), ("es", "/es"), ("fr", "/fr")):
            self.tree.add(f"{path.strip('/')}/index.html".lstrip("/"), self.home(lang, path))
            self.non_items.append(path)
        self.tree.add("rss.xml", self.rss("/rss.xml", self.articles))
        self.tree.routes["/rss.xml"] = {"file": "rss.xml", "type": "application/rss+xml; charset=utf-8"}
        self.tree.add("sitemap.xml", self.sitemap())
        self.tree.add("robots.txt", ROBOTS)
        return self.tree

    # -- pages ----------------------------------------------------------------------------

    def node_page(self, entry: Entry) -> str:
        is_news = entry.published is not None
        meta = f'<div class="node__meta"><div class="node__submitted">{submitted(entry)}</div></div>\n' if is_news else ""
        image = (
            '<div class="field field--name-field-image field--type-image field--label-hidden field__item">'
            f'<img src="/sites/default/files/styles/large/public/{entry.image}" width="480" height="320" '
            f'alt="{esc(entry.title)}" typeof="foaf:Image" /></div>\n'
            if entry.image
            else ""
        )
        tags = "".join(
            f'<div class="field__item"><a href="{BASE}/en/taxonomy/term/{t}" hreflang="en">{esc(self.terms[t])}</a></div>'
            for t in entry.terms
        )
        tags_html = (
            '<div class="field field--name-field-tags field--type-entity-reference field--label-above">'
            f'<div class="field__label">Tags</div><div class="field__items">{tags}</div></div>\n'
            if tags
            else ""
        )
        links = (
            '<ul class="links inline"><li class="print-html"><a href="#" onclick="window.print(); return false;" '
            'class="print-page" rel="nofollow">Print</a></li><li class="addtoany"><a class="a2a_dd addtoany_share" '
            f'href="https://www.addtoany.com/share#url={BASE}{entry.path}" rel="nofollow">Share</a></li></ul>\n'
        )
        node_type = "news" if is_news else "page"
        main = (
            f'<div id="block-uclg-page-title" class="block block-core block-page-title-block"><h1 class="page-title">'
            f'<span class="field field--name-title field--type-string field--label-hidden">{esc(entry.title)}</span></h1></div>\n'
            '<div id="block-uclg-content" class="block block-system block-system-main-block">\n'
            f'<article role="article" about="{entry.path}" class="node node--type-{node_type} node--view-mode-full">\n'
            f'{meta}<div class="node__content clearfix">\n{image}'
            '<div class="clearfix text-formatted field field--name-body field--type-text-with-summary '
            f'field--label-hidden field__item">{blocks_html(entry.body)}</div>\n{tags_html}{links}'
            "</div>\n</article>\n</div>\n"
        )
        head = node_head(entry)
        lang = "fr" if entry.path.startswith("/fr/") else "en"
        crumbs = [("Home", "/en"), ("Media", NEWS), ("News", NEWS)] if is_news else [("Home", "/en"), ("Organisation", entry.path)]
        return self.document(entry.title, head, f"path-node page-node-type-{node_type}", lang, crumbs, main, entry.ident)

    def teasers(self, entries: list[Entry]) -> str:
        rows = []
        for e in entries:
            assert e.published is not None
            rows.append(
                '<div class="views-row"><div class="views-field views-field-field-image"><div class="field-content">'
                f'<img src="/sites/default/files/styles/thumbnail/public/{e.image}" alt="{esc(e.title)}" /></div></div>'
                f'<div class="views-field views-field-title"><span class="field-content"><a href="{BASE}{e.path}" hreflang="en">'
                f'{esc(e.title)}</a></span></div><div class="views-field views-field-created"><span class="field-content">'
                f"- {short_date(e.published)}</span></div>"
                f'<div class="views-field views-field-body"><div class="field-content"><p>{esc(e.summary())} '
                f'<a href="{BASE}{e.path}" class="more">(+)</a></p></div></div></div>\n'
            )
        return "".join(rows)

    def news_listing(self) -> None:
        chunks = [self.articles[i : i + PER_PAGE] for i in range(0, len(self.articles), PER_PAGE)]
        last = len(chunks) - 1
        # Drupal Views clamps a page number past the end to the last page: ?page=2 shows page 1.
        for number in range(last + 2):
            shown = min(number, last)
            main = (
                '<div id="block-uclg-page-title" class="block block-core block-page-title-block">'
                '<h1 class="page-title">All News</h1></div>\n'
                '<div class="view view-news view-id-news view-display-id-page_1">\n'
                f'<div class="view-content">\n{self.teasers(chunks[shown])}</div>\n{pager(shown, last)}'
                f'<a href="{BASE}/rss.xml" class="feed-icon">Subscribe to RSS - News</a>\n</div>\n'
            )
            doc = self.document("All News", news_head(), "path-media", "en", [("Home", "/en"), ("Media", NEWS)], main, 0)
            self.tree.add("en/media/news/index.html" + (f"@page={number}" if number else ""), doc)
            self.non_items.append(NEWS + (f"?page={number}" if number else ""))

    def term_page(self, tid: int, name: str) -> None:
        tagged = [a for a in self.articles if tid in a.terms]
        path = f"/en/taxonomy/term/{tid}"
        feed = f"{path}/feed"
        main = (
            f'<div id="block-uclg-page-title" class="block block-core block-page-title-block"><h1 class="page-title">{esc(name)}</h1></div>\n'
            f'<div class="view view-taxonomy-term view-id-taxonomy_term">\n<div class="view-content">\n{self.teasers(tagged)}</div>\n'
            f'<a href="{BASE}{feed}" class="feed-icon">Subscribe to RSS - {esc(name)}</a>\n</div>\n'
        )
        head = f'<link rel="canonical" href="{BASE}{path}" />\n<link rel="alternate" type="application/rss+xml" title="{esc(name)}" href="{BASE}{feed}" />\n'
        self.tree.add_page(path, self.document(name, head, "path-taxonomy", "en", [("Home", "/en")], main, 0))
        self.non_items.append(path)
        self.tree.add(f"feeds/term-{tid}.xml", self.rss(feed, tagged))
        self.tree.routes[feed] = {"file": f"feeds/term-{tid}.xml", "type": "application/rss+xml; charset=utf-8"}

    def home(self, lang: str, path: str) -> str:
        main = (
            f'<h1 class="page-title visually-hidden">{SITE}</h1>\n<div class="view view-frontpage">\n'
            f'<h2>{HOME_TITLES[lang]}</h2>\n<div class="view-content">\n{self.teasers(self.articles[:3])}</div>\n'
            f'<a href="{BASE}{NEWS}" class="more-link">All News</a></div>\n'
        )
        head = f'<link rel="canonical" href="{BASE}{path}" />\n<link rel="alternate" type="application/rss+xml" title="{SITE}" href="{BASE}/rss.xml" />\n'
        return self.document(SITE, head, "path-frontpage", lang, [], main, 0)

    def document(self, title: str, head: str, body_class: str, lang: str, crumbs: list[tuple[str, str]], main: str, nid: int) -> str:
        crumb_html = " › ".join(f'<li><a href="{BASE}{href}">{esc(label)}</a></li>' for label, href in crumbs)
        breadcrumb = (
            '<div id="block-uclg-breadcrumbs" class="block block-system block-system-breadcrumb-block"><nav class="breadcrumb" '
            'role="navigation" aria-labelledby="system-breadcrumb"><h2 id="system-breadcrumb" class="visually-hidden">Breadcrumb</h2>'
            f"<ol>{crumb_html}</ol></nav></div>\n"
            if crumbs
            else ""
        )
        settings = {"path": {"baseUrl": "/", "currentPath": f"node/{nid}" if nid else "", "currentLanguage": lang}, "ajaxTrustedUrl": {}}
        return (
            f'<!DOCTYPE html>\n<html lang="{lang}" dir="ltr" prefix="content: http://purl.org/rss/1.0/modules/content/  '
            'dc: http://purl.org/dc/terms/  og: http://ogp.me/ns#  schema: http://schema.org/">\n<head>\n<meta charset="utf-8" />\n'
            f'{head}<meta name="Generator" content="Drupal 8 (https://www.drupal.org)" />\n<meta name="MobileOptimized" content="width" />\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1.0" />\n'
            '<link rel="shortcut icon" href="/themes/custom/uclg/favicon.ico" type="image/vnd.microsoft.icon" />\n'
            f"<title>{esc(title)} | UCLG</title>\n"
            '<link rel="stylesheet" media="all" href="/themes/custom/uclg/css/style.css?q8x9ks" />\n</head>\n'
            f'<body class="{body_class}">\n<a href="#main-content" class="visually-hidden focusable skip-link">Skip to main content</a>\n'
            f'<div class="dialog-off-canvas-main-canvas" data-off-canvas-main-canvas>\n<div class="layout-container">\n{header(lang)}'
            f'{breadcrumb}<main role="main"><a id="main-content" tabindex="-1"></a>\n<div class="layout-content">\n'
            f'<div class="region region-content">\n{main}</div>\n</div>\n{self.sidebar()}</main>\n{FOOTER}</div>\n</div>\n{COOKIES}'
            f'<script type="application/json" data-drupal-selector="drupal-settings-json">{json.dumps(settings)}</script>\n'
            '<script src="/core/assets/vendor/jquery/jquery.min.js?v=3.2.1"></script>\n</body>\n</html>\n'
        )

    def sidebar(self) -> str:
        items = "".join(f'<li><a href="{BASE}{a.path}" hreflang="en">{esc(a.title)}</a></li>' for a in self.articles[:3])
        return (
            '<aside class="layout-sidebar-second" role="complementary"><div class="region region-sidebar-second">'
            f'<div id="block-views-block-news-latest" class="block block-views"><h2>Latest news</h2><div class="item-list"><ul>{items}</ul></div>'
            f'<a href="{BASE}/rss.xml" class="feed-icon">Subscribe to RSS - News</a></div></div></aside>\n'
        )

    # -- machine-readable -------------------------------------------------------------------

    def rss(self, self_path: str, entries: list[Entry]) -> str:
        items = []
        for e in entries:
            assert e.published is not None
            description = xml_escape(f"<p>{esc(e.summary())}</p>")
            items.append(
                f"    <item>\n  <title>{xml_escape(e.title)}</title>\n  <link>{BASE}{e.path}</link>\n"
                f"  <description>{description}</description>\n  <pubDate>{format_datetime(e.published)}</pubDate>\n"
                f"  <dc:creator>{xml_escape(e.author or 'comunicacio')}</dc:creator>\n"
                f'  <guid isPermaLink="false">{e.ident} at {BASE}</guid>\n    </item>\n'
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            f'<rss version="2.0" xml:base="{BASE}/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">\n'
            f"  <channel>\n    <title>{SITE}</title>\n    <link>{BASE}/</link>\n    <description></description>\n"
            f'    <language>en</language>\n    <atom:link href="{BASE}{self_path}" rel="self" type="application/rss+xml" />\n'
            f"{''.join(items)}  </channel>\n</rss>\n"
        )

    def sitemap(self) -> str:
        newest = max(a.published for a in self.articles if a.published)
        rows = [(a.path, a.published, "yearly", "0.5") for a in self.articles]
        rows += [(p.path, p.modified, "monthly", "0.5") for p in self.pages]
        rows = [("/en", newest, "daily", "1.0"), (NEWS, newest, "daily", "0.8")] + rows
        urls = "".join(
            f"<url><loc>{BASE}{path}</loc><lastmod>{when.isoformat(timespec='minutes')}</lastmod>"  # type: ignore[union-attr]
            f"<changefreq>{freq}</changefreq><priority>{prio}</priority></url>\n"
            for path, when, freq, prio in rows
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
            f"{urls}</urlset>\n"
        )

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


def node_head(entry: Entry) -> str:
    url = f"{BASE}{entry.path}"
    head = (
        f'<meta name="description" content="{esc(entry.summary())}" />\n<link rel="canonical" href="{url}" />\n'
        f'<link rel="shortlink" href="{BASE}/node/{entry.ident}" />\n<meta property="og:site_name" content="UCLG" />\n'
        f'<meta property="og:type" content="{"article" if entry.published else "website"}" />\n'
        f'<meta property="og:url" content="{url}" />\n<meta property="og:title" content="{esc(entry.title)}" />\n'
    )
    if entry.published:
        head += f'<meta property="article:published_time" content="{entry.published.isoformat()}" />\n'
    if entry.author:
        head += f'<meta name="author" content="{esc(entry.author)}" />\n'
    return head + f'<link rel="alternate" type="application/rss+xml" title="UCLG - News" href="{BASE}/rss.xml" />\n'


def news_head() -> str:
    return f'<link rel="canonical" href="{BASE}{NEWS}" />\n<link rel="alternate" type="application/rss+xml" title="UCLG - News" href="{BASE}/rss.xml" />\n'


def pager(current: int, last: int) -> str:
    """Drupal full pager with relative ?page=N links (zero-based)."""
    items = []
    if current > 0:
        items.append('<li class="pager__item pager__item--first"><a href="?page=0" title="Go to first page">« first</a></li>')
        items.append(f'<li class="pager__item pager__item--previous"><a href="?page={current - 1}" title="Go to previous page" rel="prev">‹ previous</a></li>')
    for n in range(last + 1):
        active = " is-active" if n == current else ""
        items.append(f'<li class="pager__item{active}"><a href="?page={n}" title="Go to page {n + 1}">{n + 1}</a></li>')
    if current < last:
        items.append(f'<li class="pager__item pager__item--next"><a href="?page={current + 1}" title="Go to next page" rel="next">next ›</a></li>')
        items.append(f'<li class="pager__item pager__item--last"><a href="?page={last}" title="Go to last page">last »</a></li>')
    return (
        '<nav class="pager" role="navigation" aria-labelledby="pagination-heading"><h4 id="pagination-heading" class="visually-hidden">'
        f'Pagination</h4><ul class="pager__items js-pager__items">{"".join(items)}</ul></nav>\n'
    )


def header(lang: str) -> str:
    switch = "".join(
        f'<li hreflang="{code}" class="{code}{" is-active" if code == lang else ""}"><a href="{BASE}/{code}" class="language-link" '
        f'hreflang="{code}">{label}</a></li>'
        for code, label in LANG_LABELS.items()
    )
    menu = "".join(
        f'<li class="menu-item"><a href="{BASE}{href}">{label}</a></li>'
        for label, href in (("Home", "/en"), ("Organisation", "/en/organisation/presidency"), ("Media", NEWS), ("Localizing the SDGs", "/en/taxonomy/term/856"))
    )
    return (
        '<header role="banner"><div class="region region-header">\n<div id="block-uclg-branding" class="block block-system-branding-block">'
        f'<a href="{BASE}/en" title="Home" rel="home" class="site-logo"><img src="/themes/custom/uclg/logo.svg" alt="Home" /></a>'
        f'<div class="site-name"><a href="{BASE}/en" title="Home" rel="home">{SITE}</a></div></div>\n'
        f'<div class="language-switcher-language-url block block-language" id="block-languageswitcher" role="navigation"><ul class="links">{switch}</ul></div>\n'
        '</div></header>\n<div class="region region-primary-menu"><nav role="navigation" aria-labelledby="block-uclg-main-menu-menu" '
        f'id="block-uclg-main-menu"><h2 class="visually-hidden" id="block-uclg-main-menu-menu">Main navigation</h2><ul class="menu">{menu}</ul></nav></div>\n'
    )


FOOTER = (
    '<footer role="contentinfo"><div class="region region-footer">\n'
    '<div id="block-newsletter" class="block block-simplenews"><h2>Subscribe to newsletter</h2>'
    f'<form action="{BASE}/en/newsletter/subscribe" method="post"><input type="email" name="mail" placeholder="E-mail" />'
    '<input type="submit" value="Subscribe" /></form></div>\n'
    '<div id="block-footer-address" class="block block-block-content"><p>United Cities and Local Governments<br />'
    "Carrer Avinyó, 15 - 08002 Barcelona - Spain<br />Tel: +34 933 428 750</p>"
    "<p>© United Cities and Local Governments</p></div>\n</div></footer>\n"
)

COOKIES = (
    '<div class="eu-cookie-compliance-banner eu-cookie-compliance-banner-info eu-cookie-compliance-banner--default">'
    '<div class="popup-content info"><div id="popup-text"><p>This website uses cookies to improve your experience. '
    "By continuing to browse the site you agree to our use of cookies.</p>"
    '<button type="button" class="find-more-button eu-cookie-compliance-more-button">More info</button></div>'
    '<div id="popup-buttons"><button type="button" class="agree-button eu-cookie-compliance-default-button">OK, I agree</button>'
    "</div></div></div>\n"
)

ROBOTS = f"""#
# robots.txt
#
# This file is to prevent the crawling and indexing of certain parts
# of your site by web crawlers and spiders run by sites like Yahoo!
# and Google. By telling these "robots" where not to go on your site,
# you save bandwidth and server resources.
#
# For more information about the robots.txt standard, see:
# http://www.robotstxt.org/robotstxt.html

User-agent: *
# CSS, JS, Images
Allow: /core/*.css$
Allow: /core/*.js$
Allow: /core/*.gif
Allow: /core/*.jpg
Allow: /core/*.png
Allow: /core/*.svg
# Directories
Disallow: /core/
Disallow: /profiles/
# Files
Disallow: /README.txt
Disallow: /web.config
# Paths (clean URLs)
Disallow: /admin/
Disallow: /comment/reply/
Disallow: /filter/tips
Disallow: /node/add/
Disallow: /search/
Disallow: /user/register/
Disallow: /user/password/
Disallow: /user/login/
Disallow: /user/logout/
# Paths (no clean URLs)
Disallow: /index.php/admin/
Disallow: /index.php/comment/reply/
Disallow: /index.php/filter/tips
Disallow: /index.php/node/add/
Disallow: /index.php/search/
Disallow: /index.php/user/password/
Disallow: /index.php/user/register/
Disallow: /index.php/user/login/
Disallow: /index.php/user/logout/

Sitemap: {BASE}/sitemap.xml
"""


def drupal_entries(raw: list[dict[str, Any]]) -> list[Entry]:
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
    return sorted(entries, key=lambda e: e.published or e.modified, reverse=True)  # type: ignore[arg-type,return-value]


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
