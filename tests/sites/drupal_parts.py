"""HTML and XML fragments of the Drupal 8 theme (markup modelled on the Drupal-era uclg.org)."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape as xml_escape

from sitegen import BASE, Entry, esc

SITE = "United Cities and Local Governments"
NEWS = "/en/media/news"
LANG_LABELS = {"en": "English", "es": "Español", "fr": "Français"}
FEED_LINK = f'<link rel="alternate" type="application/rss+xml" title="UCLG - News" href="{BASE}/rss.xml" />\n'


def short_date(when: datetime) -> str:
    return when.strftime("%d/%m/%Y")


def submitted(entry: Entry) -> str:
    """The "Submitted by ... on Friday 15/07/2016" line of a news node."""
    assert entry.published is not None
    when = (
        '<span class="field field--name-created field--type-created">'
        f"{entry.published:%A} {short_date(entry.published)}</span>"
    )
    if not entry.author:
        return f"Submitted on {when}"
    who = (
        '<span class="field field--name-uid"><span lang="" typeof="schema:Person" property="schema:name">'
        f"{esc(entry.author)}</span></span>"
    )
    if entry.author_org:
        who += f" ({esc(entry.author_org)})"
    return f"Submitted by {who} on {when}"


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
    return head + FEED_LINK


def listing_head(path: str, feed: str = "/rss.xml", feed_title: str = "UCLG - News") -> str:
    return (
        f'<link rel="canonical" href="{BASE}{path}" />\n'
        f'<link rel="alternate" type="application/rss+xml" title="{esc(feed_title)}" href="{BASE}{feed}" />\n'
    )


def node_content(entry: Entry, terms: dict[int, str], body_html: str) -> str:
    """Image, body field, tags and Print/Share links of a full node."""
    image = (
        '<div class="field field--name-field-image field--type-image field--label-hidden field__item">'
        f'<img src="/sites/default/files/styles/large/public/{entry.image}" width="480" height="320" '
        f'alt="{esc(entry.title)}" typeof="foaf:Image" /></div>\n'
        if entry.image
        else ""
    )
    tags = "".join(
        f'<div class="field__item"><a href="{BASE}/en/taxonomy/term/{t}" hreflang="en">{esc(terms[t])}</a></div>'
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
    body = (
        '<div class="clearfix text-formatted field field--name-body field--type-text-with-summary '
        f'field--label-hidden field__item">{body_html}</div>\n'
    )
    return f'<div class="node__content clearfix">\n{image}{body}{tags_html}{links}</div>\n'


def page_title(title: str, field: bool = False) -> str:
    inner = (
        f'<span class="field field--name-title field--type-string field--label-hidden">{esc(title)}</span>'
        if field
        else esc(title)
    )
    return (
        '<div id="block-uclg-page-title" class="block block-core block-page-title-block">'
        f'<h1 class="page-title">{inner}</h1></div>\n'
    )


def teaser_row(entry: Entry) -> str:
    """One views row: image, title link, "- dd/mm/yyyy", summary and the "(+)" link."""
    assert entry.published is not None
    link = f'{BASE}{entry.path}'
    return (
        '<div class="views-row"><div class="views-field views-field-field-image"><div class="field-content">'
        f'<img src="/sites/default/files/styles/thumbnail/public/{entry.image}" alt="{esc(entry.title)}" />'
        '</div></div><div class="views-field views-field-title"><span class="field-content">'
        f'<a href="{link}" hreflang="en">{esc(entry.title)}</a></span></div>'
        '<div class="views-field views-field-created"><span class="field-content">'
        f"- {short_date(entry.published)}</span></div>"
        '<div class="views-field views-field-body"><div class="field-content">'
        f'<p>{esc(entry.summary())} <a href="{link}" class="more">(+)</a></p></div></div></div>\n'
    )


def pager(current: int, last: int) -> str:
    """Drupal full pager with relative ?page=N links (zero-based)."""

    def item(css: str, page: int, title: str, label: str, rel: str = "") -> str:
        rel_attr = f' rel="{rel}"' if rel else ""
        return f'<li class="pager__item{css}"><a href="?page={page}" title="{title}"{rel_attr}>{label}</a></li>'

    items = []
    if current > 0:
        items.append(item(" pager__item--first", 0, "Go to first page", "« first"))
        items.append(item(" pager__item--previous", current - 1, "Go to previous page", "‹ previous", "prev"))
    for n in range(last + 1):
        items.append(item(" is-active" if n == current else "", n, f"Go to page {n + 1}", str(n + 1)))
    if current < last:
        items.append(item(" pager__item--next", current + 1, "Go to next page", "next ›", "next"))
        items.append(item(" pager__item--last", last, "Go to last page", "last »"))
    return (
        '<nav class="pager" role="navigation" aria-labelledby="pagination-heading">'
        '<h4 id="pagination-heading" class="visually-hidden">Pagination</h4>'
        f'<ul class="pager__items js-pager__items">{"".join(items)}</ul></nav>\n'
    )


def breadcrumb(crumbs: list[tuple[str, str]]) -> str:
    if not crumbs:
        return ""
    items = " › ".join(f'<li><a href="{BASE}{href}">{esc(label)}</a></li>' for label, href in crumbs)
    return (
        '<div id="block-uclg-breadcrumbs" class="block block-system block-system-breadcrumb-block">'
        '<nav class="breadcrumb" role="navigation" aria-labelledby="system-breadcrumb">'
        f'<h2 id="system-breadcrumb" class="visually-hidden">Breadcrumb</h2><ol>{items}</ol></nav></div>\n'
    )


def header(lang: str) -> str:
    switch = "".join(
        f'<li hreflang="{code}" class="{code}{" is-active" if code == lang else ""}">'
        f'<a href="{BASE}/{code}" class="language-link" hreflang="{code}">{label}</a></li>'
        for code, label in LANG_LABELS.items()
    )
    menu_items = (
        ("Home", "/en"),
        ("Organisation", "/en/organisation/presidency"),
        ("Media", NEWS),
        ("Localizing the SDGs", "/en/taxonomy/term/856"),
    )
    menu = "".join(f'<li class="menu-item"><a href="{BASE}{href}">{label}</a></li>' for label, href in menu_items)
    return (
        '<header role="banner"><div class="region region-header">\n'
        '<div id="block-uclg-branding" class="block block-system-branding-block">'
        f'<a href="{BASE}/en" title="Home" rel="home" class="site-logo">'
        '<img src="/themes/custom/uclg/logo.svg" alt="Home" /></a>'
        f'<div class="site-name"><a href="{BASE}/en" title="Home" rel="home">{SITE}</a></div></div>\n'
        '<div class="language-switcher-language-url block block-language" id="block-languageswitcher" '
        f'role="navigation"><ul class="links">{switch}</ul></div>\n'
        '</div></header>\n<div class="region region-primary-menu"><nav role="navigation" '
        'aria-labelledby="block-uclg-main-menu-menu" id="block-uclg-main-menu">'
        '<h2 class="visually-hidden" id="block-uclg-main-menu-menu">Main navigation</h2>'
        f'<ul class="menu">{menu}</ul></nav></div>\n'
    )


def sidebar(latest: list[Entry]) -> str:
    items = "".join(f'<li><a href="{BASE}{a.path}" hreflang="en">{esc(a.title)}</a></li>' for a in latest)
    return (
        '<aside class="layout-sidebar-second" role="complementary"><div class="region region-sidebar-second">'
        '<div id="block-views-block-news-latest" class="block block-views"><h2>Latest news</h2>'
        f'<div class="item-list"><ul>{items}</ul></div>'
        f'<a href="{BASE}/rss.xml" class="feed-icon">Subscribe to RSS - News</a></div></div></aside>\n'
    )


def rss(self_path: str, entries: list[Entry]) -> str:
    """Drupal's RSS 2.0 (summary as escaped HTML, dates in the site's time zone)."""
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
        f'<rss version="2.0" xml:base="{BASE}/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom">\n'
        f"  <channel>\n    <title>{SITE}</title>\n    <link>{BASE}/</link>\n    <description></description>\n"
        "    <language>en</language>\n"
        f'    <atom:link href="{BASE}{self_path}" rel="self" type="application/rss+xml" />\n'
        f"{''.join(items)}  </channel>\n</rss>\n"
    )


def sitemap(rows: list[tuple[str, datetime, str, str]]) -> str:
    """xmlsitemap-style urlset: (path, lastmod, changefreq, priority) rows."""
    urls = "".join(
        f"<url><loc>{BASE}{path}</loc><lastmod>{when.isoformat(timespec='minutes')}</lastmod>"
        f"<changefreq>{freq}</changefreq><priority>{prio}</priority></url>\n"
        for path, when, freq, prio in rows
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
        f"{urls}</urlset>\n"
    )


FOOTER = (
    '<footer role="contentinfo"><div class="region region-footer">\n'
    '<div id="block-newsletter" class="block block-simplenews"><h2>Subscribe to newsletter</h2>'
    f'<form action="{BASE}/en/newsletter/subscribe" method="post">'
    '<input type="email" name="mail" placeholder="E-mail" /><input type="submit" value="Subscribe" /></form></div>\n'
    '<div id="block-footer-address" class="block block-block-content"><p>United Cities and Local Governments<br />'
    "Carrer Avinyó, 15 - 08002 Barcelona - Spain<br />Tel: +34 933 428 750</p>"
    "<p>© United Cities and Local Governments</p></div>\n</div></footer>\n"
)

COOKIES = (
    '<div class="eu-cookie-compliance-banner eu-cookie-compliance-banner-info eu-cookie-compliance-banner--default">'
    '<div class="popup-content info"><div id="popup-text"><p>This website uses cookies to improve your experience. '
    "By continuing to browse the site you agree to our use of cookies.</p>"
    '<button type="button" class="find-more-button eu-cookie-compliance-more-button">More info</button></div>'
    '<div id="popup-buttons"><button type="button" class="agree-button eu-cookie-compliance-default-button">'
    "OK, I agree</button></div></div></div>\n"
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
