"""HTML and XML fragments of the WordPress theme (markup modelled on a WPML + Jetpack site)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape as xml_escape

from sitegen import BASE, Entry, blocks_html, esc, rfc822, utc_iso

if TYPE_CHECKING:
    from theme_wordpress import Config


def human_date(when: datetime) -> str:
    return f"{when:%B} {when.day}, {when:%Y}"


def tag_links(cfg: Config, post: Entry) -> str:
    return ", ".join(
        f'<a href="{BASE}{cfg.prefix}/tag/{t}/" rel="tag">{esc(cfg.tag_names[t])}</a>' for t in post.tags
    )


# -- <head> -------------------------------------------------------------------------------


def common_head(cfg: Config, path: str) -> str:
    rest = f'<link rel="https://api.w.org/" href="{BASE}/wp-json/">\n' if cfg.rest_api else ""
    hreflang = (
        f'<link rel="alternate" hreflang="en" href="{BASE}{path}">\n'
        f'<link rel="alternate" hreflang="x-default" href="{BASE}{path}">\n'
        if cfg.prefix
        else ""
    )
    return (
        f'<link rel="canonical" href="{BASE}{path}">\n'
        f'<link rel="alternate" type="application/rss+xml" title="{esc(cfg.name)} &raquo; Feed" '
        f'href="{BASE}{cfg.feed}">\n{rest}{hreflang}'
        f"<link rel='stylesheet' id='theme-style-css' href='{BASE}/wp-content/themes/citynet/style.css?ver=6.4.3' "
        "media='all'>\n"
        '<meta name="generator" content="WordPress 6.4.3">\n'
        + ('<meta name="generator" content="WPML ver:4.6.9 stt:5,1,53;">\n' if cfg.prefix else "")
    )


def post_head(cfg: Config, post: Entry) -> str:
    assert post.published is not None and post.modified is not None
    url = f"{BASE}{post.path}"
    ld = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": post.title,
        "datePublished": post.published.isoformat(),
        "dateModified": post.modified.isoformat(),
        "author": {"@type": "Person", "name": post.author},
        "publisher": {"@type": "Organization", "name": cfg.name},
        "inLanguage": "en-US",
    }
    if post.image:
        ld["image"] = f"{BASE}/wp-content/uploads/{post.image}"
    return (
        '<meta name="robots" content="index, follow, max-image-preview:large">\n'
        '<meta property="og:locale" content="en_US">\n<meta property="og:type" content="article">\n'
        f'<meta property="og:title" content="{esc(post.title)}">\n'
        f'<meta property="og:description" content="{esc(post.excerpt(30))}">\n'
        f'<meta property="og:url" content="{url}">\n'
        f'<meta property="og:site_name" content="{esc(cfg.name)}">\n'
        f'<meta property="article:published_time" content="{post.published.isoformat()}">\n'
        f'<meta property="article:modified_time" content="{post.modified.isoformat()}">\n'
        f'<meta name="author" content="{esc(post.author or "")}">\n'
        f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>\n'
        f"<link rel='shortlink' href='{BASE}/?p={post.ident}'>\n"
    )


def website_head(cfg: Config, title: str, path: str, description: str) -> str:
    return (
        '<meta name="robots" content="index, follow">\n'
        '<meta property="og:locale" content="en_US">\n<meta property="og:type" content="website">\n'
        f'<meta property="og:title" content="{esc(title)}">\n'
        f'<meta property="og:description" content="{esc(description)}">\n'
        f'<meta property="og:url" content="{BASE}{path}">\n'
        f'<meta property="og:site_name" content="{esc(cfg.name)}">\n'
    )


# -- page chrome ----------------------------------------------------------------------------


def header(cfg: Config) -> str:
    p = cfg.prefix
    menu = [("Home", cfg.home), ("About", f"{p}/about-us/" if p else "/about/")]
    if cfg.full_chrome:
        menu.append(("Members", f"{p}/about-us/#members"))
    menu.append(("News", cfg.news))
    if cfg.full_chrome:
        menu += [("Events", f"{p}/category/events/"), ("Contact", f"{p}/contact/")]
    items = "".join(
        f'<li class="menu-item menu-item-type-post_type"><a href="{BASE}{href}">{label}</a></li>'
        for label, href in menu
    )
    switcher = (
        '<div class="wpml-ls-statics-shortcode_actions wpml-ls"><ul>'
        f'<li class="wpml-ls-item wpml-ls-item-tr"><a href="{BASE}/" class="wpml-ls-link">'
        '<span class="wpml-ls-native" lang="tr">Türkçe</span></a></li>'
        '<li class="wpml-ls-item wpml-ls-item-en wpml-ls-current-language"><a href="#" class="wpml-ls-link">'
        '<span class="wpml-ls-native">English</span></a></li></ul></div>\n'
        if p
        else ""
    )
    return (
        '<header id="masthead" class="site-header">\n<div class="site-branding">'
        f'<a href="{BASE}{cfg.home}" class="custom-logo-link" rel="home">'
        f'<img src="{BASE}/wp-content/uploads/logo.png" class="custom-logo" alt="{esc(cfg.name)}"></a>'
        f'<p class="site-description">{esc(cfg.tagline)}</p></div>\n{switcher}'
        '<nav id="site-navigation" class="main-navigation">'
        '<button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false">Menu</button>'
        f'<ul id="primary-menu" class="menu">{items}</ul></nav>\n</header>\n'
    )


def sidebar(cfg: Config, recent: list[Entry]) -> str:
    links = "".join(f'<li><a href="{BASE}{p.path}">{esc(p.title)}</a></li>\n' for p in recent)
    return (
        '<aside id="secondary" class="widget-area">\n'
        '<section id="search-2" class="widget widget_search">'
        f'<form role="search" method="get" class="search-form" action="{BASE}{cfg.home}">'
        '<label><span class="screen-reader-text">Search for:</span>'
        '<input type="search" class="search-field" placeholder="Search &hellip;" value="" name="s"></label>'
        '<input type="submit" class="search-submit" value="Search"></form></section>\n'
        '<section id="recent-posts-2" class="widget widget_recent_entries">'
        f'<h2 class="widget-title">Recent Posts</h2>\n<ul>\n{links}</ul></section>\n'
        '<section id="categories-2" class="widget widget_categories"><h2 class="widget-title">Categories</h2>'
        f'<ul><li class="cat-item"><a href="{BASE}{cfg.prefix}/category/events/">Events</a></li>'
        f'<li class="cat-item"><a href="{BASE}{cfg.prefix}/category/news/">News</a></li></ul></section>\n'
        "</aside>\n"
    )


def footer(cfg: Config) -> str:
    social = "".join(
        f'<li><a href="https://www.{site}.com/uclgmewa" target="_blank" rel="noopener">{label}</a></li>'
        for site, label in (
            ("facebook", "Facebook"),
            ("twitter", "Twitter"),
            ("instagram", "Instagram"),
            ("youtube", "YouTube"),
        )
    )
    return (
        '<footer id="colophon" class="site-footer">\n<div class="footer-widgets">'
        f'<section class="widget widget_text"><h2 class="widget-title">Contact</h2><div class="textwidget">'
        f"<p>{esc(cfg.address)}</p></div></section>\n"
        '<section class="widget widget_social"><h2 class="widget-title">Follow Us</h2>'
        f'<ul class="social-links">{social}</ul></section>'
        f'</div>\n<div class="site-info">© 2024 {esc(cfg.name)}. All rights reserved.</div>\n</footer>\n'
    )


def cookie_banner() -> str:
    return (
        '<div id="cookie-notice" role="dialog" class="cookie-notice-hidden cookie-revoke-hidden cn-position-bottom" '
        'aria-label="Cookie Notice"><div class="cookie-notice-container">'
        '<span id="cn-notice-text" class="cn-text-container">'
        "We use cookies to ensure that we give you the best experience on our website. If you continue to use "
        "this site we will assume that you are happy with it.</span>"
        '<span id="cn-notice-buttons" class="cn-buttons-container"><a href="#" id="cn-accept-cookie" '
        'data-cookie-set="accept" class="cn-set-cookie cn-button" aria-label="Accept">Accept</a></span></div></div>\n'
    )


def scripts() -> str:
    return (
        f"<script src='{BASE}/wp-includes/js/jquery/jquery.min.js?ver=3.7.1' id='jquery-core-js'></script>\n"
        "<script id='cookie-notice-front-js-before'>var cnArgs = {\"ajaxUrl\":\"\\/wp-admin\\/admin-ajax.php\","
        "\"cookieName\":\"cookie_notice_accepted\",\"cookieTime\":2592000,\"onScroll\":false};</script>\n"
    )


# -- content --------------------------------------------------------------------------------


def post_article(cfg: Config, post: Entry) -> str:
    assert post.published is not None and post.modified is not None
    thumb = (
        f'<div class="post-thumbnail"><img width="1024" height="683" src="{BASE}/wp-content/uploads/{post.image}" '
        f'class="attachment-post-thumbnail wp-post-image" alt="" decoding="async"></div>\n'
        if post.image
        else ""
    )
    footer_html = (
        f'<footer class="entry-footer"><span class="cat-links">Posted in <a href="{BASE}{cfg.prefix}/category/news/" '
        f'rel="category tag">News</a></span> <span class="tags-links">Tagged {tag_links(cfg, post)}</span></footer>\n'
        if cfg.full_chrome
        else ""
    )
    tag_classes = " ".join(f"tag-{t}" for t in post.tags)
    return (
        f'<article id="post-{post.ident}" class="post-{post.ident} post type-post status-publish format-standard '
        f'has-post-thumbnail hentry category-news {tag_classes}">\n<header class="entry-header">\n'
        f'<h1 class="entry-title">{esc(post.title)}</h1>\n<div class="entry-meta"><span class="posted-on">'
        f'<a href="{BASE}{post.path}" rel="bookmark"><time class="entry-date published" '
        f'datetime="{post.published.isoformat()}">{human_date(post.published)}</time>'
        f'<time class="updated" datetime="{post.modified.isoformat()}">{human_date(post.modified)}</time></a></span>'
        f'<span class="byline"> by <span class="author vcard">{esc(post.author or "")}</span></span></div>\n'
        f'</header>\n{thumb}<div class="entry-content">\n{blocks_html(post.body)}\n</div>\n{footer_html}</article>\n'
    )


def page_article(page: Entry) -> str:
    return (
        f'<article id="post-{page.ident}" class="post-{page.ident} page type-page status-publish hentry">\n'
        f'<header class="entry-header"><h1 class="entry-title">{esc(page.title)}</h1></header>\n'
        f'<div class="entry-content">\n{blocks_html(page.body)}\n</div>\n</article>\n'
    )


def share_links(post: Entry) -> str:
    url = f"{BASE}{post.path}"
    services = (
        ("facebook", "Facebook", "https://www.facebook.com/sharer.php?u="),
        ("twitter", "Twitter", "https://twitter.com/intent/tweet?url="),
        ("linkedin", "LinkedIn", "https://www.linkedin.com/shareArticle?mini=true&amp;url="),
    )
    items = "".join(
        f'<li class="share-{key}"><a rel="nofollow noopener noreferrer" class="share-{key} sd-button" '
        f'href="{prefix}{url}" target="_blank" title="Click to share on {label}"><span>Share on {label}</span></a></li>'
        for key, label, prefix in services
    )
    return (
        '<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social">'
        f'<h3 class="sd-title">Share this:</h3><div class="sd-content"><ul>{items}</ul></div></div></div>\n'
    )


def related_posts(related: list[Entry]) -> str:
    items = "".join(
        f'<div class="jp-relatedposts-post"><h4 class="jp-relatedposts-post-title"><a href="{BASE}{p.path}">'
        f'{esc(p.title)}</a></h4>'
        f'<p class="jp-relatedposts-post-date">{human_date(p.published)}</p>'  # type: ignore[arg-type]
        f'<p class="jp-relatedposts-post-context">In &quot;News&quot;</p></div>'
        for p in related
    )
    return (
        '<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline">'
        f'<em>Related posts</em></h3><div class="jp-relatedposts-items">{items}</div></div>\n'
    )


def comments_closed() -> str:
    return '<div id="comments" class="comments-area"><p class="nocomments">Comments are disabled</p></div>\n'


def post_navigation(older: Entry | None, newer: Entry | None) -> str:
    prev_html = (
        f'<div class="nav-previous"><a href="{BASE}{older.path}" rel="prev">&larr; {esc(older.title)}</a></div>'
        if older
        else ""
    )
    next_html = (
        f'<div class="nav-next"><a href="{BASE}{newer.path}" rel="next">{esc(newer.title)} &rarr;</a></div>'
        if newer
        else ""
    )
    return (
        '<nav class="navigation post-navigation" aria-label="Posts"><h2 class="screen-reader-text">Post navigation</h2>'
        f'<div class="nav-links">{prev_html}{next_html}</div></nav>\n'
    )


def teaser(cfg: Config, post: Entry) -> str:
    assert post.published is not None
    return (
        f'<article id="post-{post.ident}" class="post-{post.ident} post type-post status-publish hentry '
        'category-news">\n'
        f'<header class="entry-header"><h2 class="entry-title"><a href="{BASE}{post.path}" rel="bookmark">'
        f"{esc(post.title)}</a></h2>"
        f'<div class="entry-meta"><time class="entry-date published" datetime="{post.published.isoformat()}">'
        f"{human_date(post.published)}</time></div></header>\n"
        f'<div class="entry-summary"><p>{esc(post.excerpt())}</p></div>\n'
        f'<a class="more-link" href="{BASE}{post.path}">Read More</a>\n</article>\n'
    )


def archive(cfg: Config, title: str, posts: list[Entry], base: str, number: int, total: int) -> str:
    def href(n: int) -> str:
        return f"{BASE}{base}" if n == 1 else f"{BASE}{base}page/{n}/"

    links = []
    if number > 1:
        links.append(f'<a class="prev page-numbers" href="{href(number - 1)}">&laquo; Previous</a>')
    for n in range(1, total + 1):
        if n == number:
            links.append(f'<span aria-current="page" class="page-numbers current">{n}</span>')
        else:
            links.append(f'<a class="page-numbers" href="{href(n)}">{n}</a>')
    if number < total:
        links.append(f'<a class="next page-numbers" href="{href(number + 1)}">Next &raquo;</a>')
    pager = (
        '<nav class="navigation pagination" aria-label="Posts"><h2 class="screen-reader-text">Posts navigation</h2>'
        f'<div class="nav-links">{"".join(links)}</div></nav>\n'
        if total > 1
        else ""
    )
    teasers = "".join(teaser(cfg, p) for p in posts) or (
        '<section class="no-results not-found"><h2 class="page-title">Nothing Found</h2>'
        "<p>It seems we can&rsquo;t find what you&rsquo;re looking for.</p></section>\n"
    )
    return f'<header class="page-header"><h1 class="page-title">{esc(title)}</h1></header>\n{teasers}{pager}'


# -- feeds, sitemaps, REST ------------------------------------------------------------------


def feed_item(cfg: Config, post: Entry) -> str:
    assert post.published is not None
    cats = "".join(f"\t\t<category><![CDATA[{cfg.tag_names[t]}]]></category>\n" for t in post.tags)
    excerpt = post.excerpt()
    return (
        f"\t<item>\n\t\t<title>{xml_escape(post.title)}</title>\n\t\t<link>{BASE}{post.path}</link>\n"
        f"\t\t<dc:creator><![CDATA[{post.author}]]></dc:creator>\n\t\t<pubDate>{rfc822(post.published)}</pubDate>\n"
        f"\t\t<category><![CDATA[News]]></category>\n{cats}"
        f'\t\t<guid isPermaLink="false">{BASE}/?p={post.ident}</guid>\n'
        f"\t\t<description><![CDATA[{excerpt}]]></description>\n\t</item>\n"
    )


def sitemap_index(names: list[str]) -> str:
    items = "".join(f"<sitemap><loc>{BASE}/wp-sitemap-{n}.xml</loc></sitemap>" for n in names)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<?xml-stylesheet type="text/xsl" href="{BASE}/wp-sitemap-index.xsl" ?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>\n'
    )


def urlset(entries: list[tuple[str, datetime | None]]) -> str:
    items = "".join(
        f"<url><loc>{BASE}{path}</loc>" + (f"<lastmod>{utc_iso(when)}+00:00</lastmod>" if when else "") + "</url>"
        for path, when in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<?xml-stylesheet type="text/xsl" href="{BASE}/wp-sitemap.xsl" ?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>\n'
    )


def rest_post(cfg: Config, post: Entry) -> dict[str, Any]:
    assert post.published is not None and post.modified is not None
    tag_ids = {slug: 20 + i for i, slug in enumerate(cfg.tag_names)}
    return {
        "id": post.ident,
        "date": post.published.replace(tzinfo=None).isoformat(),
        "date_gmt": utc_iso(post.published),
        "guid": {"rendered": f"{BASE}/?p={post.ident}"},
        "modified": post.modified.replace(tzinfo=None).isoformat(),
        "modified_gmt": utc_iso(post.modified),
        "slug": post.slug,
        "status": "publish",
        "type": "post",
        "link": f"{BASE}{post.path}",
        "title": {"rendered": esc(post.title)},
        "content": {"rendered": blocks_html(post.body) + "\n", "protected": False},
        "excerpt": {"rendered": f"<p>{esc(post.excerpt())}</p>\n", "protected": False},
        "author": 3,
        "featured_media": 0,
        "comment_status": "closed",
        "ping_status": "closed",
        "sticky": False,
        "format": "standard",
        "categories": [1],
        "tags": [tag_ids[t] for t in post.tags],
        "lang": "en",
    }


def rest_route(file: str, total: int, pages: int, link: str) -> dict[str, Any]:
    headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages), "Allow": "GET"}
    if link:
        headers["Link"] = link
    return {"file": file, "type": "application/json; charset=UTF-8", "headers": headers}


def rest_invalid_page() -> dict[str, Any]:
    error = {
        "code": "rest_post_invalid_page_number",
        "message": "The page number requested is larger than the number of pages available.",
        "data": {"status": 400},
    }
    return {"status": 400, "type": "application/json; charset=UTF-8", "body": json.dumps(error)}


def robots_txt() -> str:
    return (
        "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
        f"Sitemap: {BASE}/wp-sitemap.xml\n"
    )
