"""Tests for testing.localsite: URL mapping, {{BASE}}, query files, routes, validators, safety."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

import pytest

from testing.localsite import LocalSite

REPO = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> Reply:
    """One request with urllib; redirects and errors are returned, not raised or followed."""
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with _OPENER.open(request, timeout=10) as response:
            return Reply(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Reply(error.code, dict(error.headers), error.read())


def write(root: Path, rel: str, content: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


ROUTES = {
    "/feed/": {"file": "feed/index.xml", "type": "application/rss+xml"},
    "/feed": {"redirect": "{{BASE}}/feed/"},
    "/old": {"redirect": "/new/", "status": 302},
    "/gone": {"status": 410, "body": "<p>gone</p>"},
    "/api/items": {
        "file": "api/items.json",
        "headers": {"X-Total": "3", "Link": "<{{BASE}}/api/items?page=2>; rel=\"next\""},
    },
    "/api/items?page=9": {"status": 400, "type": "application/json", "body": "{\"code\": \"bad_page\"}"},
    "/alias/7": {"file": "articles/seven"},
}


@pytest.fixture(scope="module")
def site_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    write(root, "index.html", "<html><body>home {{BASE}}/</body></html>")
    write(root, "news/index.html", "<p>news page 0</p>")
    write(root, "news/index.html@page=1", "<p>news page 1</p>")
    write(root, "news/index.html@b_start:int=30", "<p>plone batch 30</p>")
    write(root, "articles/seven", "<h1>seven</h1><a href=\"{{BASE}}/articles/seven\">self</a>")
    write(root, "en/m\u0131grat\u0131on/index.html", "<h1>dotless</h1>")
    write(root, "data/a.xml", "<urlset><loc>{{BASE}}/a</loc></urlset>")
    write(root, "data/a.rss", "<rss/>")
    write(root, "data/a.atom", "<feed/>")
    write(root, "data/a.json", "{\"url\": \"{{BASE}}\"}")
    write(root, "data/a.txt", "Sitemap: {{BASE}}/sitemap.xml")
    write(root, "data/a.gz", gzip.compress(b"{{BASE}}", mtime=0))
    write(root, "data/a.css", "body{}")
    write(root, "feed/index.xml", "<rss><channel><link>{{BASE}}/</link></channel></rss>")
    write(root, "api/items.json", "[1, 2]")
    write(root, "api/items.json@page=2", "[3]")
    write(root, "_routes.json", json.dumps(ROUTES))
    return root


@pytest.fixture(scope="module")
def site(site_root: Path) -> Iterator[LocalSite]:
    with LocalSite(site_root) as running:
        yield running


# -- basics and mapping --------------------------------------------------------------------


def test_url_is_loopback_base_without_trailing_slash(site: LocalSite) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", site.url)


def test_root_and_directories_serve_index_html(site: LocalSite) -> None:
    assert fetch(site.url + "/").text == f"<html><body>home {site.url}/</body></html>"
    with_slash, without = fetch(site.url + "/news/"), fetch(site.url + "/news")
    assert with_slash.status == without.status == 200  # Drupal style: no redirect
    assert with_slash.text == without.text == "<p>news page 0</p>"


def test_file_without_extension_is_html(site: LocalSite) -> None:
    reply = fetch(site.url + "/articles/seven")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert f'href="{site.url}/articles/seven"' in reply.text


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("a.xml", "application/xml"),
        ("a.rss", "application/rss+xml"),
        ("a.atom", "application/atom+xml"),
        ("a.json", "application/json"),
        ("a.txt", "text/plain; charset=utf-8"),
        ("a.gz", "application/gzip"),
        ("a.css", "text/css"),
    ],
)
def test_content_type_by_extension(site: LocalSite, name: str, content_type: str) -> None:
    assert fetch(f"{site.url}/data/{name}").headers["Content-Type"] == content_type


def test_base_placeholder_replaced_in_text_files_only(site: LocalSite) -> None:
    assert fetch(site.url + "/data/a.xml").text == f"<urlset><loc>{site.url}/a</loc></urlset>"
    assert json.loads(fetch(site.url + "/data/a.json").body) == {"url": site.url}
    assert fetch(site.url + "/data/a.txt").text == f"Sitemap: {site.url}/sitemap.xml"
    assert gzip.decompress(fetch(site.url + "/data/a.gz").body) == b"{{BASE}}"


def test_percent_encoded_utf8_path(site: LocalSite) -> None:
    reply = fetch(site.url + "/en/m%C4%B1grat%C4%B1on/")
    assert (reply.status, reply.text) == (200, "<h1>dotless</h1>")


# -- query strings -------------------------------------------------------------------------


def test_query_selects_variant_file(site: LocalSite) -> None:
    assert fetch(site.url + "/news?page=1").text == "<p>news page 1</p>"
    assert fetch(site.url + "/news/?page=1").text == "<p>news page 1</p>"


def test_query_reduced_to_pagination_keys(site: LocalSite) -> None:
    assert fetch(site.url + "/news?utm_source=x&page=1&sort=asc").text == "<p>news page 1</p>"
    assert fetch(site.url + "/news?b_start%3Aint=30").text == "<p>plone batch 30</p>"
    assert fetch(site.url + "/news?b_start:int=30&set_language=ca").text == "<p>plone batch 30</p>"


def test_unknown_query_is_ignored(site: LocalSite) -> None:
    assert fetch(site.url + "/news?utm_source=newsletter").text == "<p>news page 0</p>"
    assert fetch(site.url + "/news?page=7").text == "<p>news page 0</p>"


# -- routes --------------------------------------------------------------------------------


def test_route_type_overrides_extension(site: LocalSite) -> None:
    reply = fetch(site.url + "/feed/")
    assert reply.headers["Content-Type"] == "application/rss+xml"
    assert reply.text == f"<rss><channel><link>{site.url}/</link></channel></rss>"


def test_route_redirects(site: LocalSite) -> None:
    permanent = fetch(site.url + "/feed")
    assert (permanent.status, permanent.headers["Location"]) == (301, f"{site.url}/feed/")
    temporary = fetch(site.url + "/old")
    assert (temporary.status, temporary.headers["Location"]) == (302, "/new/")


def test_route_status_and_inline_body(site: LocalSite) -> None:
    reply = fetch(site.url + "/gone")
    assert (reply.status, reply.text) == (410, "<p>gone</p>")


def test_route_headers_and_query_lookup_on_route_file(site: LocalSite) -> None:
    first = fetch(site.url + "/api/items")
    assert first.headers["X-Total"] == "3"
    assert first.headers["Link"] == f'<{site.url}/api/items?page=2>; rel="next"'
    assert first.headers["Content-Type"] == "application/json"
    assert json.loads(first.body) == [1, 2]
    # matched on the path alone, so <file>@<query> applies to the route's file
    assert json.loads(fetch(site.url + "/api/items?page=2&per_page=2").body) == [3]


def test_route_exact_query_match_including_reduced_query(site: LocalSite) -> None:
    for query in ("page=9", "per_page=5&page=9"):
        reply = fetch(f"{site.url}/api/items?{query}")
        assert reply.status == 400
        assert json.loads(reply.body) == {"code": "bad_page"}


def test_route_alias_serves_the_same_bytes(site: LocalSite) -> None:
    assert fetch(site.url + "/alias/7").body == fetch(site.url + "/articles/seven").body


# -- validators and methods ---------------------------------------------------------------


def test_etag_and_if_none_match(site: LocalSite) -> None:
    first = fetch(site.url + "/articles/seven")
    etag = first.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{40}"', etag)
    again = fetch(site.url + "/articles/seven", headers={"If-None-Match": etag})
    assert (again.status, again.body, again.headers["ETag"]) == (304, b"", etag)
    weak = fetch(site.url + "/articles/seven", headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak.status == 304
    assert fetch(site.url + "/articles/seven", headers={"If-None-Match": '"other"'}).status == 200


def test_if_modified_since(site: LocalSite, site_root: Path) -> None:
    mtime = (site_root / "articles" / "seven").stat().st_mtime
    reply = fetch(site.url + "/articles/seven")
    assert reply.headers["Last-Modified"] == formatdate(int(mtime), usegmt=True)
    later = formatdate(mtime + 60, usegmt=True)
    earlier = formatdate(mtime - 3600, usegmt=True)
    assert fetch(site.url + "/articles/seven", headers={"If-Modified-Since": later}).status == 304
    assert fetch(site.url + "/articles/seven", headers={"If-Modified-Since": earlier}).status == 200


def test_conditional_get_on_route_file(site: LocalSite) -> None:
    etag = fetch(site.url + "/feed/").headers["ETag"]
    assert fetch(site.url + "/feed/", headers={"If-None-Match": etag}).status == 304


def test_head_has_headers_but_no_body(site: LocalSite) -> None:
    get, head = fetch(site.url + "/news/"), fetch(site.url + "/news/", method="HEAD")
    assert (head.status, head.body) == (200, b"")
    assert head.headers["Content-Length"] == str(len(get.body))
    assert head.headers["ETag"] == get.headers["ETag"]


# -- errors and safety ---------------------------------------------------------------------


def test_missing_file_is_404_html(site: LocalSite) -> None:
    reply = fetch(site.url + "/no/such/page")
    assert reply.status == 404
    assert reply.headers["Content-Type"].startswith("text/html")
    assert "Not Found" in reply.text


@pytest.mark.parametrize(
    "path",
    ["/../secret.txt", "/news/../../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/_routes.json"],
)
def test_outside_root_and_routes_file_are_not_served(site: LocalSite, site_root: Path, path: str) -> None:
    (site_root.parent / "secret.txt").write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    reply = fetch(site.url + path)
    assert reply.status == 404
    assert b"TOP-SECRET-CONTENT" not in reply.body and b'"redirect"' not in reply.body


def test_request_log(site_root: Path) -> None:
    with LocalSite(site_root) as fresh:
        fetch(fresh.url + "/news?page=1", headers={"User-Agent": "harvest-test"})
        fetch(fresh.url + "/missing", method="HEAD")
        fetch(fresh.url + "/feed")
    assert [(r.method, r.path, r.status) for r in fresh.requests] == [
        ("GET", "/news?page=1", 200),
        ("HEAD", "/missing", 404),
        ("GET", "/feed", 301),
    ]
    assert fresh.requests[0].headers["User-Agent"] == "harvest-test"


def test_stop_closes_the_port(site_root: Path) -> None:
    running = LocalSite(site_root).start()
    url = running.url
    running.stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "/", timeout=2)


def test_cli_prints_url_and_serves(site_root: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "testing.localsite", str(site_root), "--port", "0"]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) as proc:
        try:
            assert proc.stdout is not None
            url = proc.stdout.readline().strip()
            assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
            assert fetch(url + "/news?page=1").text == "<p>news page 1</p>"
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            assert proc.stderr is not None
            proc.stderr.close()
            proc.stdout.close()


# -- the committed test sites --------------------------------------------------------------


@pytest.mark.parametrize("name", ["wordpress", "drupal"])
def test_fixture_site_serves_every_expected_page(name: str) -> None:
    expected = json.loads((SITES / name / "expected.json").read_text(encoding="utf-8"))
    with LocalSite(SITES / name) as fixture:
        for article in expected["articles"]:
            page = fetch(fixture.url + article["path"])
            assert page.status == 200, article["path"]
            assert f'rel="canonical" href="{fixture.url}{article["canonical_path"]}"' in page.text
            assert "{{BASE}}" not in page.text
            for alias in article["aliases"]:
                reply = fetch(fixture.url + alias)
                assert reply.body == page.body or reply.headers.get("Location") == fixture.url + article["path"]
        for path in expected["not_items"]:
            assert fetch(fixture.url + path).status == 200, path
        discovery = expected["discovery"]
        for feed in discovery["feeds"]:
            assert fetch(fixture.url + feed).headers["Content-Type"].startswith("application/rss+xml")
        robots = fetch(fixture.url + "/robots.txt").text
        assert f"Sitemap: {fixture.url}{discovery['sitemaps'][0]}" in robots


def test_wordpress_rest_api_pages() -> None:
    with LocalSite(SITES / "wordpress") as wp:
        first = fetch(wp.url + "/wp-json/wp/v2/posts?per_page=5")
        assert (first.headers["X-WP-Total"], first.headers["X-WP-TotalPages"]) == ("7", "2")
        second = fetch(wp.url + "/wp-json/wp/v2/posts?page=2&per_page=5")
        assert len(json.loads(first.body)) + len(json.loads(second.body)) == 7
        assert "{{BASE}}" not in second.body.decode() and wp.url in second.body.decode()
        recent = json.loads(fetch(wp.url + "/wp-json/wp/v2/posts?modified_after=2023-01-01T00:00:00&_fields=link").body)
        assert len(recent) == 3 and all(set(p) == {"link"} for p in recent)
        assert json.loads(fetch(wp.url + "/wp-json/wp/v2/posts?modified_after=2030-01-01T00:00:00").body) == []
        beyond = fetch(wp.url + "/wp-json/wp/v2/posts?per_page=5&page=3")
        assert beyond.status == 400
        assert json.loads(beyond.body)["code"] == "rest_post_invalid_page_number"
        assert json.loads(fetch(wp.url + "/wp-json/").body)["namespaces"] == ["wp/v2"]
    with LocalSite(SITES / "drupal") as drupal:
        assert fetch(drupal.url + "/wp-json/").status == 404
