"""WordPress-style page chrome, feeds, sitemaps and REST API for the generated sites."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import wordpress_parts as parts
from sitegen import (
    BASE,
    Entry,
    SiteTree,
    esc,
    expected_article,
    rfc822,
    wordpress_entries,
    write_expected,
)


@dataclass(frozen=True)
class Config:
    """What differs between the UCLG-MEWA model and the demo site."""

    name: str
    tagline: str
    prefix: str  # "/en" (WPML language prefix) or ""
    news_title: str
    per_page: int
    feed_size: int
    address: str
    full_chrome: bool  # sidebar, taxonomies, related posts, post navigation
    rest_api: bool
    tag_names: dict[str, str]

    @property
    def home(self) -> str:
        return f"{self.prefix}/"

    @property
    def news(self) -> str:
        return f"{self.prefix}/news/"

    @property
    def feed(self) -> str:
        return f"{self.prefix}/feed/"


MEWA = Config(
    name="UCLG-MEWA",
    tagline="United Cities and Local Governments Middle East and West Asia Section",
    prefix="/en",
    news_title="News",
    per_page=3,
    feed_size=5,
    address="Yerebatan Caddesi, Salkımsöğüt Sokak No: 2, 34410 Cağaloğlu, Fatih, Istanbul",
    full_chrome=True,
    rest_api=True,
    tag_names={
        "gender-equality": "Gender Equality",
        "sdgs": "SDGs",
        "migration": "Migration",
        "climate": "Climate",
        "decentralised-cooperation": "Decentralised Cooperation",
    },
)

DEMO = Config(
    name="Network of Mediterranean Cities",
    tagline="A fictional network of local governments (localgov-harvest demo site)",
    prefix="",
    news_title="News",
    per_page=2,
    feed_size=10,
    address="Fictional Square 1, 00000 Mediterranean City",
    full_chrome=False,
    rest_api=False,
    tag_names={"sdgs": "SDGs", "gender-equality": "Gender Equality"},
)

MEWA_CHROME = [
    "Skip to content",
    "We use cookies to ensure that we give you the best experience on our website",
    "Accept",
    "Share on Facebook",
    "Share on Twitter",
    "Share on LinkedIn",
    "Related posts",
    "Recent Posts",
    "Comments are disabled",
    "All rights reserved",
    "Posted in",
    "Post navigation",
    "Search for:",
]


class WordPressBuilder:
    """Generate one WordPress-like site into a SiteTree."""

    def __init__(self, cfg: Config, posts: list[Entry], pages: list[Entry], root: Path) -> None:
        self.cfg = cfg
        self.posts = posts  # newest first
        self.pages = pages
        self.tree = SiteTree(root)
        self.non_items: list[str] = []  # HTML pages that are not news items

    def build(self) -> SiteTree:
        cfg = self.cfg
        for index, post in enumerate(self.posts):
            self.tree.add_page(post.path, self.post_page(post, index))
            self.tree.routes[f"/?p={post.ident}"] = {"redirect": BASE + post.path}
        for page in self.pages:
            self.tree.add_page(page.path, self.static_page(page))
            self.non_items.append(page.path)
            self.tree.routes[f"/?page_id={page.ident}"] = {"redirect": BASE + page.path}
        self.listing(cfg.news, cfg.news_title, self.posts)
        for home in dict.fromkeys(["/", cfg.home]):
            self.tree.add_page(home, self.home_page(home))
            self.non_items.append(home)
        if cfg.full_chrome:
            self.listing(f"{cfg.prefix}/category/news/", "Category: News", self.posts)
            self.listing(f"{cfg.prefix}/category/events/", "Category: Events", [])
            for slug, name in cfg.tag_names.items():
                tagged = [p for p in self.posts if slug in p.tags]
                self.listing(f"{cfg.prefix}/tag/{slug}/", f"Tag: {name}", tagged)
        self.feed()
        self.sitemaps()
        if cfg.rest_api:
            self.rest_api()
        self.tree.add("robots.txt", parts.robots_txt())
        return self.tree

    # -- HTML pages ---------------------------------------------------------------------

    def post_page(self, post: Entry, index: int) -> str:
        cfg = self.cfg
        head = parts.post_head(cfg, post)
        newer = self.posts[index - 1] if index > 0 else None
        older = self.posts[index + 1] if index + 1 < len(self.posts) else None
        related = [p for p in self.posts if p is not post][:3]
        main = parts.post_article(cfg, post)
        main += parts.share_links(post)
        if cfg.full_chrome:
            main += parts.related_posts(related)
        main += parts.comments_closed()
        if cfg.full_chrome:
            main += parts.post_navigation(older, newer)
        body_class = f"post-template-default single single-post postid-{post.ident} single-format-standard"
        return self.document(f"{post.title} - {cfg.name}", post.path, head, body_class, main)

    def static_page(self, page: Entry) -> str:
        cfg = self.cfg
        head = parts.website_head(cfg, page.title, page.path, page.excerpt(30))
        main = parts.page_article(page)
        body_class = f"page-template-default page page-id-{page.ident}"
        return self.document(f"{page.title} - {cfg.name}", page.path, head, body_class, main)

    def home_page(self, path: str) -> str:
        cfg = self.cfg
        head = parts.website_head(cfg, cfg.name, path, cfg.tagline)
        teasers = "".join(parts.teaser(cfg, p) for p in self.posts[:3])
        main = (
            f'<section class="home-intro"><h1 class="home-title">{esc(cfg.name)}</h1>\n'
            f"<p>{esc(cfg.tagline)}</p></section>\n"
            f'<section class="latest-news"><h2 class="section-title">Latest News</h2>\n{teasers}'
            f'<a class="button all-news" href="{BASE}{cfg.news}">All News</a></section>\n'
        )
        return self.document(f"{cfg.name} - {cfg.tagline}", path, head, "home page-template-default", main)

    def listing(self, base: str, title: str, posts: list[Entry]) -> None:
        """Paginated archive at base, base/page/2/, ..."""
        per = self.cfg.per_page
        chunks = [posts[i : i + per] for i in range(0, len(posts), per)] or [[]]
        for number, chunk in enumerate(chunks, start=1):
            path = base if number == 1 else f"{base}page/{number}/"
            head = parts.website_head(self.cfg, title, path, f"{title} archive")
            main = parts.archive(self.cfg, title, chunk, base, number, len(chunks))
            suffix = f" - Page {number} of {len(chunks)}" if number > 1 else ""
            doc = self.document(f"{title}{suffix} - {self.cfg.name}", path, head, "archive blog", main)
            self.tree.add_page(path, doc)
            self.non_items.append(path)

    def document(self, title: str, path: str, head: str, body_class: str, main: str) -> str:
        cfg = self.cfg
        sidebar = parts.sidebar(cfg, self.posts[:5]) if cfg.full_chrome else ""
        return (
            '<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="UTF-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)}</title>\n{head}{parts.common_head(cfg, path)}</head>\n"
            f'<body class="{body_class}">\n'
            '<a class="skip-link screen-reader-text" href="#content">Skip to content</a>\n'
            f'<div id="page" class="site">\n{parts.header(cfg)}'
            '<div id="content" class="site-content"><div class="container">\n'
            f'<div id="primary" class="content-area"><main id="main" class="site-main">\n{main}'
            f"</main></div>\n{sidebar}</div></div>\n{parts.footer(cfg)}</div>\n"
            f"{parts.cookie_banner()}{parts.scripts()}</body>\n</html>\n"
        )

    # -- machine-readable endpoints -------------------------------------------------------

    def feed(self) -> None:
        cfg = self.cfg
        latest = self.posts[: cfg.feed_size]
        items = "".join(parts.feed_item(cfg, p) for p in latest)
        built = max(p.modified or p.published for p in latest if p.published)  # type: ignore[type-var]
        rss = (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
            '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
            '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
            '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
            '\txmlns:atom="http://www.w3.org/2005/Atom"\n'
            '\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"\n'
            '\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"\n\t>\n\n<channel>\n'
            f"\t<title>{xml_escape(cfg.name)}</title>\n"
            f'\t<atom:link href="{BASE}{cfg.feed}" rel="self" type="application/rss+xml" />\n'
            f"\t<link>{BASE}{cfg.home}</link>\n"
            f"\t<description>{xml_escape(cfg.tagline)}</description>\n"
            f"\t<lastBuildDate>{rfc822(built)}</lastBuildDate>\n"
            "\t<language>en-US</language>\n\t<sy:updatePeriod>\n\thourly\t</sy:updatePeriod>\n"
            "\t<sy:updateFrequency>\n\t1\t</sy:updateFrequency>\n"
            "\t<generator>https://wordpress.org/?v=6.4.3</generator>\n"
            f"{items}</channel>\n</rss>\n"
        )
        rel = f"{cfg.feed.strip('/')}/index.xml"
        self.tree.add(rel, rss)
        self.tree.routes[cfg.feed] = {"file": rel, "type": "application/rss+xml; charset=UTF-8"}
        self.tree.routes[cfg.feed.rstrip("/")] = {"redirect": BASE + cfg.feed}

    def sitemaps(self) -> None:
        posts = [(p.path, p.modified or p.published) for p in self.posts]
        pages = [(p.path, p.modified) for p in self.pages]
        self.tree.add("wp-sitemap.xml", parts.sitemap_index(["posts-post-1", "posts-page-1"]))
        self.tree.add("wp-sitemap-posts-post-1.xml", parts.urlset(posts))
        self.tree.add("wp-sitemap-posts-page-1.xml", parts.urlset(pages))

    def rest_api(self) -> None:
        index = {
            "name": self.cfg.name,
            "description": self.cfg.tagline,
            "url": BASE,
            "home": f"{BASE}{self.cfg.home}",
            "gmt_offset": "3",
            "timezone_string": "Europe/Istanbul",
            "namespaces": ["wp/v2"],
            "authentication": [],
            "routes": {"/wp/v2/posts": {"namespace": "wp/v2", "methods": ["GET"]}},
        }
        self.tree.add("wp-json/index.json", json.dumps(index, indent=1) + "\n")
        for key in ("/wp-json", "/wp-json/"):
            self.tree.routes[key] = {"file": "wp-json/index.json", "type": "application/json; charset=UTF-8"}
        # The posts collection is answered by the server from one file of every post, like
        # WordPress: page / per_page / after / modified_after / _fields, X-WP-Total(Pages).
        data = [parts.rest_post(self.cfg, p) for p in self.posts]
        self.tree.add("wp-json/wp/v2/all-posts.json", json.dumps(data, ensure_ascii=False) + "\n")
        self.tree.routes["/wp-json/wp/v2/posts"] = {"wp_posts": "wp-json/wp/v2/all-posts.json"}

    def expected(self) -> dict[str, Any]:
        cfg = self.cfg
        feed_paths = {p.path for p in self.posts[: cfg.feed_size]}
        articles = [
            expected_article(p, [f"/?p={p.ident}"], p.path in feed_paths) for p in self.posts
        ]
        return {
            "site": "UCLG-MEWA model (WordPress + WPML)",
            "discovery": {
                "robots": "/robots.txt",
                "feeds": [cfg.feed],
                "sitemaps": ["/wp-sitemap.xml"],
                "listing": cfg.news,
                "rest_api": "/wp-json/wp/v2/posts" if cfg.rest_api else None,
            },
            "articles": articles,
            "not_items": sorted(self.non_items),
            "chrome_phrases": MEWA_CHROME,
        }


def build_mewa(content: dict[str, Any], root: Path) -> Path:
    """tests/sites/wordpress: the UCLG-MEWA model."""
    posts = wordpress_entries(content["wordpress"], MEWA.prefix)
    pages = wordpress_entries(content["wordpress_pages"], MEWA.prefix)
    builder = WordPressBuilder(MEWA, posts, pages, root)
    builder.build().write()
    write_expected(root, builder.expected())
    return root


def build_demo(content: dict[str, Any], root: Path) -> Path:
    """flows/demo_site: the small fictional WordPress site."""
    posts = wordpress_entries(content["demo"], DEMO.prefix)
    pages = wordpress_entries(content["demo_pages"], DEMO.prefix)
    WordPressBuilder(DEMO, posts, pages, root).build().write()
    return root
