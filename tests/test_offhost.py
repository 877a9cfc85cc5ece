"""No request leaves the source: real crawl processes (``python -m crawlers.run``) against the
programmable local site of ``testing/faultsite.py`` on 127.0.0.1, and a second site on 127.0.0.2
that stands for "another host" (an internal service, a metadata endpoint) and must never be
asked anything.

Requests marked ``dont_filter`` — retries, re-checks of known articles, and the redirects that
follow them — are checked like any other: every hop, when it is about to be sent. IP addresses
in any spelling are refused unless they are the source's own, and so are metadata, private and
other special addresses. The address classification is a pure function, tested with a table.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawlers.offhost import InvalidHost, address_class, parse_ip
from testing.faultsite import FaultSite, NewsSite, article_html, flaky, generated_article, redirect
from tests.test_failfast import crawl_entry
from tests.test_robustness import Crawl, assert_ok, assert_stored_once, docs_at, documents, run_crawl, text_of

WARNING = re.compile(r"^\S+ \S+ \[[^\]]+\] WARNING: (.*)$", re.MULTILINE)


# -- the address classification ----------------------------------------------------------------

SPELLINGS = [  # host as written in a URL, the address it stands for, written the standard way
    ("127.0.0.1", "127.0.0.1", True),
    ("2130706433", "127.0.0.1", False),
    ("0x7f000001", "127.0.0.1", False),
    ("0X7F000001", "127.0.0.1", False),
    ("0177.0.0.1", "127.0.0.1", False),
    ("0177.0000.0000.0001", "127.0.0.1", False),
    ("127.1", "127.0.0.1", False),
    ("127.0.1", "127.0.0.1", False),
    ("0x7f.1", "127.0.0.1", False),
    ("127.0.0.1.", "127.0.0.1", False),
    ("[::ffff:127.0.0.1]", "::ffff:7f00:1", True),
    ("::ffff:7f00:1", "::ffff:7f00:1", True),
    ("169.254.169.254", "169.254.169.254", True),
    ("2852039166", "169.254.169.254", False),
    ("0xa9.0xfe.0xa9.0xfe", "169.254.169.254", False),
    ("[fd00:ec2::254]", "fd00:ec2::254", True),
    ("0", "0.0.0.0", False),
]


@pytest.mark.parametrize("host,address,standard", SPELLINGS)
def test_every_spelling_of_an_address_is_read_as_that_address(host: str, address: str, standard: bool) -> None:
    assert parse_ip(host) == (ipaddress.ip_address(address), standard)


@pytest.mark.parametrize("host", ["example.org", "www.uclg-mewa.org", "localhost", "1e100.net", "123.example.org"])
def test_names_are_not_addresses(host: str) -> None:
    assert parse_ip(host) is None


@pytest.mark.parametrize("host", ["1.2.3.4.5", "256.0.0.1", "08.0.0.1", "example.123", "4294967296", "[::zz]"])
def test_hosts_that_end_in_a_number_but_are_no_address_are_invalid(host: str) -> None:
    with pytest.raises(InvalidHost):
        parse_ip(host)


CLASSES = [
    ("169.254.169.254", "metadata"),
    ("fd00:ec2::254", "metadata"),
    ("::ffff:169.254.169.254", "metadata"),
    ("169.254.170.2", "metadata"),
    ("100.100.100.200", "metadata"),
    ("127.0.0.1", "loopback"),
    ("127.0.0.2", "loopback"),
    ("::1", "loopback"),
    ("::ffff:127.0.0.1", "loopback"),
    ("64:ff9b::7f00:1", "loopback"),  # NAT64
    ("2002:7f00:1::", "loopback"),  # 6to4
    ("10.0.0.1", "private"),
    ("172.16.5.4", "private"),
    ("192.168.1.1", "private"),
    ("100.64.0.1", "private"),  # carrier-grade NAT
    ("fd12:3456::1", "private"),
    ("::ffff:10.1.2.3", "private"),
    ("169.254.1.1", "link_local"),
    ("fe80::1", "link_local"),
    ("0.0.0.0", "unspecified"),
    ("0.1.2.3", "unspecified"),
    ("::", "unspecified"),
    ("224.0.0.1", "multicast"),
    ("ff02::1", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("192.0.2.10", "reserved"),  # documentation
    ("2001:db8::1", "reserved"),
    ("8.8.8.8", None),
    ("93.184.216.34", None),
    ("2606:4700:4700::1111", None),
    ("::ffff:8.8.8.8", None),
]


@pytest.mark.parametrize("address,kind", CLASSES)
def test_address_classes(address: str, kind: str | None) -> None:
    assert address_class(ipaddress.ip_address(address)) == kind


# -- crawls ------------------------------------------------------------------------------------

UNAVAILABLE = (503, {}, "<html><body><h1>503 Service Unavailable</h1><p>Try again later.</p></body></html>")


def _internal_page(site: FaultSite, prefix: str = "/") -> None:
    """Every path under ``prefix`` answers with a page that would be stored, were it ever fetched."""
    secret = generated_article(7, "internal")
    site.prefix(prefix, lambda req: (200, {}, article_html(site.url, secret, req.path)))


@pytest.fixture
def site() -> Iterator[FaultSite]:
    with FaultSite() as s:
        yield s
    assert s.errors == [], f"test site handler errors: {s.errors}"


@pytest.fixture
def other() -> Iterator[FaultSite]:
    """Another host: 127.0.0.2. It must never receive a request."""
    with FaultSite(host="127.0.0.2") as s:
        _internal_page(s)
        yield s


def refusals(crawl: Crawl) -> dict[str, int]:
    return {k: v for k, v in (crawl.summary.get("skipped_requests") or {}).items() if k.startswith("offhost_")}


def warnings_about(crawl: Crawl, url: str) -> list[str]:
    """The WARNING lines that say ``url`` (host and path, any scheme) was refused."""
    where = url.split("//", 1)[-1]
    return [w for w in WARNING.findall(crawl.log) if w.startswith("refused ") and where in w.split(" ")[1]]


@pytest.mark.slow
def test_retried_request_redirected_to_another_host_is_refused(site: FaultSite, other: FaultSite, tmp_path: Path,
                                                               seeded_corpus: Path) -> None:
    """A 503 (retried: ``dont_filter``) then a 302 to another host or to the same server under
    another spelling of its address: no hop is fetched, each is reported once; a redirect to
    one of the source's other hosts (``localhost``) is followed."""
    news = NewsSite(site)
    port = site.port
    targets = {
        "other-host": f"{other.url}/latest/meta-data/",
        "metadata": "http://169.254.169.254/latest/meta-data/",
        "hex": f"http://0x7f000001:{port}/spelled/hex/",
        "decimal": f"http://2130706433:{port}/spelled/decimal/",
        "octal": f"http://0177.0.0.1:{port}/spelled/octal/",
        "short": f"http://127.1:{port}/spelled/short/",
        "mapped": f"http://[::ffff:127.0.0.1]:{port}/spelled/mapped/",
    }
    _internal_page(site, "/spelled/")
    paths = {}
    for i, (name, target) in enumerate(targets.items()):
        article = generated_article(i, f"moved-{name}")
        path = f"/en/{article.slug}/"
        site.route(path, flaky([UNAVAILABLE], redirect(target, 302)))
        news.listing_links.append((path, article.title, article.paragraphs[0][:150]))
        paths[name] = path
    # The same addresses as links in every page's footer: never requested either.
    news.footer_extra = "<ul>" + "".join(
        f'<li><a href="{t.replace("/spelled/", "/spelled/link-")}">{n}</a></li>' for n, t in targets.items()) + "</ul>"
    # A redirect to another host of the source is followed.
    alias = generated_article(20, "alias")
    alias_path = news.add_article(alias, "/en/regional-office-opens-in-the-old-market-hall/", register=False)
    site.route("/en/old-market-hall/", flaky([UNAVAILABLE], redirect(f"http://localhost:{port}{alias_path}", 302)))
    news.listing_links.append(("/en/old-market-hall/", alias.title, alias.paragraphs[0][:150]))

    crawl = run_crawl(tmp_path, seeded_corpus, news.url, "    hosts: [localhost]\n")
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    assert other.log == [], f"127.0.0.2 was asked {[h.target for h in other.log]}"
    assert [h.target for h in site.hits(prefix="/spelled/")] == [], "the site was reached under another spelling"
    for name, path in paths.items():
        assert [h.status for h in site.hits(path=path)] == [503, 302], name
        assert docs_at(seeded_corpus, news.base, path) == [], name
    assert refusals(crawl) == {"offhost_loopback": 6, "offhost_metadata": 1}, crawl.brief()
    for name, target in targets.items():
        lines = warnings_about(crawl, target)
        assert len(lines) == 1, f"{name}: {lines}\n{crawl.brief()}"
        assert ("offhost_metadata" if name == "metadata" else "offhost_loopback") in lines[0], lines[0]
    # Refusals are not errors of the site, and nothing else reports them.
    assert crawl.summary.get("errors") == {}, crawl.brief()
    assert [w for w in WARNING.findall(crawl.log) if not w.startswith("refused ")] == [], crawl.brief()
    stored = [d for d in documents(seeded_corpus) if d["url"] and alias_path in d["url"]]
    assert len(stored) == 1 and text_of(seeded_corpus, stored[0]).startswith(alias.title), crawl.brief()
    assert not [d for d in documents(seeded_corpus) if "internal" in (d["url"] or "") or "spelled" in (d["url"] or "")]


@pytest.mark.slow
def test_rechecked_article_redirected_to_another_host_is_refused(site: FaultSite, other: FaultSite, tmp_path: Path,
                                                                 seeded_corpus: Path) -> None:
    """A known article is re-checked (``revisit_days``: ``dont_filter``). It now answers a 302
    to another host, or a page whose meta refresh leads there: neither is followed, and the
    stored articles stay as they were."""
    news = NewsSite(site)
    extra = "    revisit_days: 0.000001\n"  # every known article is re-checked
    first = run_crawl(tmp_path, seeded_corpus, news.url, extra)
    assert_ok(first)
    assert_stored_once(seeded_corpus, news)
    before = {d["url"]: text_of(seeded_corpus, d) for d in documents(seeded_corpus)}

    moved, refreshed = news.path(news.articles[0]), news.path(news.articles[1])
    site.route(moved, redirect(f"{other.url}/latest/meta-data/", 302))
    site.page(refreshed, f'<html><head><meta http-equiv="refresh" content="0; url={other.url}/refresh/">'
                         '<title>Moved</title></head><body><p>This page has moved.</p></body></html>')
    site.clear()
    second = run_crawl(tmp_path, seeded_corpus, news.url, extra)
    assert_ok(second)
    assert second.summary.get("rechecked", 0) >= len(news.articles), second.brief()
    assert [h.status for h in site.hits(path=moved)] == [302]
    assert [h.status for h in site.hits(path=refreshed)] == [200]
    assert other.log == [], f"127.0.0.2 was asked {[h.target for h in other.log]}"
    assert refusals(second) == {"offhost_loopback": 2}, second.brief()
    assert len(warnings_about(second, f"{other.url}/latest/meta-data/")) == 1, second.brief()
    assert len(warnings_about(second, f"{other.url}/refresh/")) == 1, second.brief()
    assert_stored_once(seeded_corpus, news)
    assert {d["url"]: text_of(seeded_corpus, d) for d in documents(seeded_corpus)} == before
    assert second.summary.get("errors") == {}, second.brief()


@pytest.mark.slow
def test_metadata_and_private_addresses_are_refused_even_as_hosts_of_the_source(
        site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    """Links to the cloud metadata service and to a private address, with those addresses
    declared as hosts of the source: the spider follows the links, the host check refuses
    them (the test's network guard, which refuses all but loopback, is never reached)."""
    news = NewsSite(site)
    # Distinct paths: the hosts of a source are one site, a path is requested once.
    links = ["http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/latest/meta-data/iam/",
             "http://10.0.0.1/intranet/staff-news/"]
    news.footer_extra = "<ul>" + "".join(f'<li><a href="{u}">Partner</a></li>' for u in links) + "</ul>"
    # Hosts that are not loopback keep the least politeness delay.
    entry = (f"  - name: site\n    url: {news.url}\n"
             '    hosts: ["169.254.169.254", "fd00:ec2::254", "10.0.0.1"]\n    delay: 0.25\n')
    crawl = crawl_entry(tmp_path, entry, seeded_corpus, timeout=120)
    assert "network guard" not in crawl.log, crawl.brief()
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    assert refusals(crawl) == {"offhost_metadata": 2, "offhost_private": 1}, crawl.brief()
    for url in links:
        assert len(warnings_about(crawl, url)) == 1, url
    assert crawl.summary.get("errors") == {}, crawl.brief()
    assert crawl.summary.get("requests") == len(site.log), crawl.brief()
