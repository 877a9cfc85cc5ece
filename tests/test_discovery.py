import gzip
import re

import pytest

from crawlers import discovery as d
from storage.ids import canonical_url, strip_tracking


def sitemap(body: bytes) -> tuple[str, list[d.FeedEntry]]:
    kind, entries = d.parse_sitemap(body)
    return kind, list(entries)


def feed(body: bytes, base: str) -> list[d.FeedEntry] | None:
    entries = d.parse_feed(body, base)
    return None if entries is None else list(entries)


@pytest.mark.parametrize("url,kind", [
    ("https://uclg-mewa.org/en/cooperation-protocol-signed/", "candidate"),
    ("https://uclg-mewa.org/en/news/page/2/", "listing"),
    ("https://uclg-mewa.org/en/tag/gender-equality/", "listing"),
    ("https://uclg-mewa.org/en/category/news/", "listing"),
    ("https://www.uclg.org/en/media/news?page=3", "listing"),
    ("https://www.uclg.org/en/taxonomy/term/856", "listing"),
    ("https://www.paeria.cat/ca/actualitat/noticies/noticies?b_start:int=30", "listing"),
    ("https://uclg-mewa.org/en/", "listing"),
    ("https://uclg-aspac.org/2013/11", "listing"),
    ("https://www.uclg.org/node/2024", "candidate"),
    ("https://uclg-mewa.org/wp-content/uploads/2023/01/report.pdf", "deny"),
    ("https://uclg-mewa.org/en/feed/", "deny"),
    ("https://uclg-mewa.org/wp-admin/options.php", "deny"),
    ("https://www.paeria.cat/ca/actualitat/noticies/23460/@@redirect_language", "deny"),
])
def test_classify_url(url: str, kind: str) -> None:
    assert d.classify_url(url, [], []) == kind


def test_allow_and_deny_patterns() -> None:
    allow = [re.compile(r"/en/[^/]+/$")]
    assert d.classify_url("https://x.org/en/story/", allow, []) == "candidate"
    assert d.classify_url("https://x.org/about/team/", allow, []) == "other"
    assert d.classify_url("https://x.org/en/story/", allow, [re.compile("story")]) == "deny"


def test_sitemap_index_urlset_and_gzip() -> None:
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://x.org/wp-sitemap-posts-post-1.xml</loc></sitemap></sitemapindex>"""
    assert sitemap(index) == ("index", [d.FeedEntry("https://x.org/wp-sitemap-posts-post-1.xml")])
    urlset = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc> https://x.org/a/ </loc><lastmod>2024-01-02</lastmod></url></urlset>"""
    assert sitemap(gzip.compress(urlset)) == ("urlset", [d.FeedEntry("https://x.org/a/", "2024-01-02")])
    assert d.parse_sitemap(b"<html><body>not a sitemap</body></html>")[0] == "invalid"


def test_sitemap_entities_are_not_expanded() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>
      <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.org/&b;</loc></url></urlset>"""
    kind, entries = sitemap(bomb)
    assert all("aaaaaaaaaa" not in e.url for e in entries)


def test_rss_and_atom_feeds() -> None:
    rss = b"""<rss version="2.0"><channel><item><title>T</title><link>https://x.org/a/</link>
      <pubDate>Fri, 04 Sep 2020 10:00:00 +0000</pubDate></item></channel></rss>"""
    assert feed(rss, "https://x.org/") == [d.FeedEntry("https://x.org/a/", "Fri, 04 Sep 2020 10:00:00 +0000", "T")]
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>U</title>
      <link rel="alternate" href="/b"/><updated>2021-01-01T00:00:00Z</updated></entry></feed>"""
    assert feed(atom, "https://x.org/") == [d.FeedEntry("https://x.org/b", "2021-01-01T00:00:00Z", "U")]
    assert d.parse_feed(b"<html><body>hi</body></html>", "https://x.org/") is None


def test_wordpress_rest_answer() -> None:
    body = (b'[{"id": 1, "link": "https://x.org/en/a/", "modified_gmt": "2024-01-01T00:00:00", '
            b'"title": {"rendered": "A"}}]')
    assert d.parse_wp_posts(body) == [d.FeedEntry("https://x.org/en/a/", "2024-01-01T00:00:00", "A")]
    assert d.parse_wp_posts(b'{"code": "rest_no_route"}') is None


def test_links_and_hosts() -> None:
    assert d.clean_link("https://x.org/en/", "../b#frag") == "https://x.org/b"
    assert d.clean_link("https://x.org/", "mailto:a@b.c") is None
    assert d.clean_link("https://x.org/", "file:///etc/passwd") is None
    assert d.host_matches("https://www.x.org/a", ["x.org"])
    assert not d.host_matches("https://evil.org/a", ["x.org"])


BAD_URLS = ["http://127.0.0.1:99999/a/", "http://[::1/a/", "//[::1/a/", "https://[::1", "http://x.org:port/a"]


@pytest.mark.parametrize("url", BAD_URLS)
def test_malformed_urls_never_raise(url: str) -> None:
    assert d.parse_link("https://x.org/en/", url) == (None, True)
    assert d.clean_link("https://x.org/en/", url) is None
    assert not d.host_matches(url, ["127.0.0.1", "x.org", "::1"])
    assert isinstance(canonical_url(url, {"www.x.org": "x.org"}), str)
    assert isinstance(strip_tracking(url), str)
    assert isinstance(d.listing_key(url, {}), str)
    assert d.strip_view_params(url) == url or isinstance(d.strip_view_params(url), str)
    assert d.repeating_path(url) is False
    d.classify_url(url, [], [])
    d.site_root(url), d.url_dir(url)


def test_links_that_are_not_malformed() -> None:
    assert d.parse_link("https://x.org/", "mailto:a@b.c") == (None, False)
    assert d.parse_link("https://x.org/", "ftp://x.org/a") == (None, False)
    assert d.parse_link("https://x.org/en/", "b/?q=1#f") == ("https://x.org/en/b/?q=1", False)
    assert d.parse_link("https://x.org/", "http://[::1]:8080/a") == ("http://[::1]:8080/a", False)
    assert canonical_url("http://www.x.org:443/a/#f") == "https://x.org:443/a"


def _joined(base: str, href: str) -> tuple[str | None, bool]:
    """``parse_link`` as ``urljoin`` and ``urlsplit`` give it, every link parsed in full."""
    from urllib.parse import urljoin, urlsplit, urlunsplit

    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None, False
    try:
        parts = urlsplit(urljoin(base, href))
        host, port = parts.hostname, parts.port
    except ValueError:
        return None, True
    if parts.scheme not in ("http", "https"):
        return None, False
    if not host or port == 0:
        return None, True
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, "")), False


LINK_BASES = ["https://x.org/en/news/", "http://127.0.0.1:8080/a", "http://x.org:0/", "http://[::1]:80/p", "http://[bad/p",
              "ftp://x.org/", "", "HTTP://X.ORG/a", "http:///x", "http://xé.org/", "https://x.org/a;b/c"]
LINK_HREFS = ["/", "/?", "/a?", "/a?b?c", "/./a", "/../a", "/a/..", "//y.org/a", "/a;b", "/a\tb", "/a#f", "/a:b@c",
              "/a\\b", "/é", "/a//b", "/?q=1&x=2", "/a%20b", "http://y.org", "http://y.org?", "http://y.org/./a/../b",
              "http:///x", "http://", "http://?q", "http://\t/x", "http://y.org:0/", "http://[::1]/a", "http://y.org/a;p?q",
              "http://u:p@y.org/a", "http://y.org:/a", "http://Y.ORG/A", "http:y.org/a", "https://y.org/a#f",
              "http://y.org?q=1", "http://Y.org:8080/a?b#c", "http://y.org:00080/a", "http://y.org:65536/", "http://-/"]


@pytest.mark.parametrize("base", LINK_BASES)
def test_links_join_as_urljoin_joins_them(base: str) -> None:
    # The short ways of parse_link (a plain root-relative link, an absolute one) give what
    # urljoin gives.
    for href in LINK_HREFS:
        assert d.parse_link(base, href) == _joined(base, href), (base, href)


def test_feed_and_sitemap_keep_going_after_a_malformed_link() -> None:
    rss = b"""<rss version="2.0"><channel><item><link>http://[::1/a</link></item>
      <item><link>/b/</link></item></channel></rss>"""
    assert [e.url for e in feed(rss, "https://x.org/")] == ["http://[::1/a", "https://x.org/b/"]
    urls = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc>http://x.org:99999/a</loc></url><url><loc>https://x.org/b</loc></url></urlset>"""
    assert [e.url for e in sitemap(urls)[1]] == ["http://x.org:99999/a", "https://x.org/b"]


def _big_urlset(count: int) -> bytes:
    rows = "".join(f"<url><loc>https://x.org/item-{i:07d}/</loc></url>\n" for i in range(count))
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</urlset>\n'.encode()


def test_sitemaps_and_feeds_are_read_up_to_the_size_limit() -> None:
    body = _big_urlset(20_000)  # about 1 MB
    kind, entries = d.parse_sitemap(gzip.compress(body), max_size=100_000)
    urls = [e.url for e in entries]
    assert kind == "urlset" and entries.truncated
    assert 1000 < len(urls) < 2000 and urls == [f"https://x.org/item-{i:07d}/" for i in range(len(urls))]
    kind, entries = d.parse_sitemap(gzip.compress(body))
    assert len(list(entries)) == 20_000 and not entries.truncated
    items = "".join(f"<item><link>https://x.org/n-{i}/</link></item>" for i in range(20_000))
    rss = f'<rss version="2.0"><channel>{items}</channel></rss>'.encode()
    entries = d.parse_feed(rss, "https://x.org/", max_size=100_000)  # 47 bytes an item
    assert 1000 < len(list(entries)) < 100_000 // 47 and entries.truncated


def test_entries_are_parsed_as_they_are_read() -> None:
    """A caller that stops early does not pay for the rest; a broken document ends where it breaks."""
    kind, entries = d.parse_sitemap(gzip.compress(_big_urlset(200_000)))
    first = [e.url for _, e in zip(range(3), entries)]
    assert first == [f"https://x.org/item-{i:07d}/" for i in range(3)]
    broken = gzip.compress(_big_urlset(100))[:-200]  # a gzip stream cut short
    kind, entries = d.parse_sitemap(broken)
    assert kind == "urlset" and 0 < len(list(entries)) < 100


# Articles about real member cities and topics whose names start with a service word.
ARTICLES_WITH_SERVICE_WORDS = [
    "https://www.uclg.org/news/cartagena-hosts-summit/",
    "https://uclg-mewa.org/en/carthage-mayor/",
    "https://www.cartagena.es/noticias/cartagena-acoge-la-cumbre/",
    "https://www.ciudad.es/noticias/cartagena-acoge-la-cumbre/",
    "https://uclg-aspac.org/news/tagbilaran-city-joins-network/",
    "https://www.ccre.org/en/printemps-des-villes/",
    "https://www.ccre.org/fr/printemps-des-villes.html",
    "https://www.uclg.org/news/feeding-cities-food-security-forum/",
    "https://www.uclg.org/news/searching-for-urban-solutions/",
    "https://www.uclg.org/news/accountability-in-local-budgets/",
    "https://www.clgf.org.uk/news/logistics-hub-for-local-councils/",
    "https://www.uclg.org/en/media/news/users-of-public-transport-in-curitiba",
    "https://www.uclg.org/news/sharing-cities-summit/",
    "https://www.uclg.org/news/checkout-free-markets-in-kigali/",
    "https://www.uclg.org/en/node/additional-funding-for-cities",
    "https://eurocities.eu/latest/cartography-of-urban-heat/",
    "https://www.uclg.org/news/basketball-court-opens-in-bursa/",
    "https://www.uclg.org/news/signing-ceremony-in-carthage.php",
    "https://login.city.example/news/mayors-meet-in-carthage/",
    "https://cart.city.example/en/carthage-mayor/",
    "https://search.city.example/news/city-budget-2024/",
]


@pytest.mark.parametrize("url", ARTICLES_WITH_SERVICE_WORDS)
def test_service_words_inside_names_are_article_candidates(url: str) -> None:
    assert not d.DENY_DEFAULT.search(url)
    assert not d.LISTING_RE.search(url)
    assert d.classify_url(url, [], []) == "candidate"


SERVICE_URLS = [
    "https://shop.example.org/cart",
    "https://shop.example.org/cart/",
    "https://shop.example.org/cart?add-to-cart=12",
    "https://shop.example.org/en/cart.php",
    "https://shop.example.org/checkout/",
    "https://shop.example.org/checkout/order-received/123/",
    "https://shop.example.org/my-account/",
    "https://shop.example.org/account?tab=orders",
    "https://shop.example.org/basket",
    "https://x.org/login",
    "https://x.org/login/",
    "https://x.org/login?next=/en/news/",
    "https://x.org/login.php?redirect=1",
    "https://x.org/en/login.aspx",
    "https://x.org/logout/",
    "https://x.org/user/login",
    "https://x.org/user/42",
    "https://x.org/user",
    "https://x.org/wp-login.php",
    "https://x.org/wp-login.php?action=lostpassword",
    "https://x.org/xmlrpc.php",
    "https://x.org/node/add/article",
    "https://x.org/node/add",
    "https://x.org/search",
    "https://x.org/en/search/",
    "https://x.org/search?q=budget",
    "https://x.org/search.php?q=budget",
    "https://x.org/?s=budget",
    "https://x.org/en/feed/",
    "https://x.org/en/news/rss.xml",
    "https://x.org/en/news/story/print/",
    "https://x.org/en/news/story/?print=1",
    "https://x.org/en/news/story/embed/",
    "https://x.org/en/news/story/trackback/",
    "https://x.org/comments/feed/",
    "https://x.org/wp-json/wp/v2/posts",
    "https://x.org/wp-admin/",
]


@pytest.mark.parametrize("url", SERVICE_URLS)
def test_service_pages_are_still_denied(url: str) -> None:
    assert d.classify_url(url, [], []) == "deny"


@pytest.mark.parametrize("url", [
    "https://x.org/tag/climate/",
    "https://x.org/en/tags/cities/",
    "https://x.org/category/news/",
    "https://x.org/noticias/",
    "https://x.org/en/news/page/3/",
])
def test_listings_are_still_listings(url: str) -> None:
    assert d.classify_url(url, [], []) == "listing"
