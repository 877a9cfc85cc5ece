import gzip
import re

import pytest

from crawlers import discovery as d


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
    assert d.parse_sitemap(index) == ("index", [d.FeedEntry("https://x.org/wp-sitemap-posts-post-1.xml")])
    urlset = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc> https://x.org/a/ </loc><lastmod>2024-01-02</lastmod></url></urlset>"""
    assert d.parse_sitemap(gzip.compress(urlset)) == ("urlset", [d.FeedEntry("https://x.org/a/", "2024-01-02")])
    assert d.parse_sitemap(b"<html><body>not a sitemap</body></html>")[0] == "invalid"


def test_sitemap_entities_are_not_expanded() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>
      <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.org/&b;</loc></url></urlset>"""
    kind, entries = d.parse_sitemap(bomb)
    assert all("aaaaaaaaaa" not in e.url for e in entries)


def test_rss_and_atom_feeds() -> None:
    rss = b"""<rss version="2.0"><channel><item><title>T</title><link>https://x.org/a/</link>
      <pubDate>Fri, 04 Sep 2020 10:00:00 +0000</pubDate></item></channel></rss>"""
    assert d.parse_feed(rss, "https://x.org/") == [d.FeedEntry("https://x.org/a/", "Fri, 04 Sep 2020 10:00:00 +0000", "T")]
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>U</title>
      <link rel="alternate" href="/b"/><updated>2021-01-01T00:00:00Z</updated></entry></feed>"""
    assert d.parse_feed(atom, "https://x.org/") == [d.FeedEntry("https://x.org/b", "2021-01-01T00:00:00Z", "U")]
    assert d.parse_feed(b"<html><body>hi</body></html>", "https://x.org/") is None


def test_wordpress_rest_answer() -> None:
    body = b'[{"id": 1, "link": "https://x.org/en/a/", "modified_gmt": "2024-01-01T00:00:00", "title": {"rendered": "A"}}]'
    assert d.parse_wp_posts(body) == [d.FeedEntry("https://x.org/en/a/", "2024-01-01T00:00:00", "A")]
    assert d.parse_wp_posts(b'{"code": "rest_no_route"}') is None


def test_links_and_hosts() -> None:
    assert d.clean_link("https://x.org/en/", "../b#frag") == "https://x.org/b"
    assert d.clean_link("https://x.org/", "mailto:a@b.c") is None
    assert d.clean_link("https://x.org/", "file:///etc/passwd") is None
    assert d.host_matches("https://www.x.org/a", ["x.org"])
    assert not d.host_matches("https://evil.org/a", ["x.org"])
