"""Where the crawler may connect: the source's own hosts, never private or special addresses.

``OffHostMiddleware`` checks every request when the downloader is about to send it — start
requests, links, robots.txt, every redirect hop (HTTP or meta refresh) and every retry, whatever
their ``dont_filter`` or ``allow_offsite`` flags — and refuses:

- a scheme other than http(s), and hosts that cannot be read the same way by the URL parser and
  by the HTTP client (user info, bad ports): ``scheme``, ``invalid_host``;
- a host that is not one of the source's (``Source.all_hosts``; ``www.`` or not): ``other_host``;
- an IP address written as the host, in any spelling (``2130706433``, ``0x7f000001``,
  ``0177.0.0.1``, ``127.1``, ``[::ffff:127.0.0.1]``), unless it is the very address of the
  source's URL: ``ip_literal``, or the kind of address it is (below);
- a name of the source that resolves to a loopback, private, link-local, metadata, multicast,
  unspecified or reserved address, unless the source's own host resolves there too (a site on
  this machine or on an intranet): ``loopback``, ``private``, ``link_local``, ``metadata``,
  ``multicast``, ``unspecified``, ``reserved``. A metadata address is refused even then.

A refused request ends there (``IgnoreRequest``, not passed to the spider's errback): one
WARNING names the URL and why, and ``harvest/skipped_requests/offhost_<reason>`` counts it.
Names are resolved through the reactor's resolver, which the HTTP client uses too (Scrapy's
DNS cache then hands the connection the very addresses checked here), once per host and crawl.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from typing import Any

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred, succeed
from twisted.internet.interfaces import IResolutionReceiver
from twisted.python.failure import Failure
from twisted.web.client import URI
from zope.interface import provider

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

STAT_PREFIX = "harvest/skipped_requests/offhost_"

# Cloud instance metadata services (AWS, GCP, Azure, OpenStack; AWS IPv6; ECS tasks; Alibaba).
METADATA = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "fd00:ec2::254", "169.254.170.2", "100.100.100.200"))
_PRIVATE = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7", "fec0::/10"))
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NUMBER = re.compile(r"^(0[xX][0-9a-fA-F]*|[0-9]+)$")


class InvalidHost(ValueError):
    """A host that looks like an IP address but is not a valid one."""


def _ipv4_part(part: str) -> int:
    """One part of a dotted IPv4 address as browsers and ``inet_aton`` read it: decimal, octal
    with a leading 0, hexadecimal with 0x."""
    if part[:2].lower() == "0x":
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        if not all(c in "01234567" for c in part):
            raise InvalidHost(f"{part!r} is not an octal number")
        return int(part, 8)
    return int(part)


def parse_ip(host: str) -> tuple[IPAddress, bool] | None:
    """The IP address a host written as an address stands for, and whether it is written the
    standard way (dotted decimal, or IPv6); ``None`` for a name.

    Every IPv4 spelling that ``inet_aton`` and browsers accept counts: ``2130706433``,
    ``0x7f000001``, ``0177.0.0.1``, ``127.1``. A host whose last label is a number but that is
    no valid address raises ``InvalidHost``."""
    text = host.strip().lower()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if ":" in text:
        try:
            return ipaddress.IPv6Address(text), True
        except ValueError:
            raise InvalidHost(f"{host!r} is not a valid IPv6 address") from None
    labels = text.split(".")
    if len(labels) > 1 and labels[-1] == "":
        labels = labels[:-1]
    if not labels or not _NUMBER.match(labels[-1]):
        return None
    if len(labels) > 4 or not all(_NUMBER.match(label) for label in labels):
        raise InvalidHost(f"{host!r} ends in a number but is not an IPv4 address")
    numbers = [_ipv4_part(label) for label in labels]
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        raise InvalidHost(f"{host!r} is out of the IPv4 range")
    value = last
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))
    ip = ipaddress.IPv4Address(value)
    return ip, text == str(ip)


def embedded_ipv4(ip: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 address carries (IPv4-mapped, IPv4-compatible, 6to4, Teredo,
    NAT64), else the address itself."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return ip
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if int(ip) >> 32 == 0 and int(ip) > 1:  # ::a.b.c.d (deprecated IPv4-compatible form)
        return ipaddress.IPv4Address(int(ip))
    return ip


def address_class(ip: IPAddress) -> str | None:
    """What kind of special address ``ip`` is — ``metadata``, ``unspecified``, ``loopback``,
    ``link_local``, ``multicast``, ``private`` or ``reserved`` — or ``None`` for a public one.
    An IPv6 address carrying an IPv4 address is judged by the IPv4 address it reaches."""
    if ip in METADATA:
        return "metadata"
    inner = embedded_ipv4(ip)
    if inner != ip:
        return address_class(inner)
    return _plain_class(ip)


def _plain_class(ip: IPAddress) -> str | None:
    if ip.is_unspecified or ip in _THIS_NETWORK:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link_local"
    if ip.is_multicast:
        return "multicast"
    if any(ip in net for net in _PRIVATE if net.version == ip.version):
        return "private"
    if ip.is_reserved or ip.is_private or not ip.is_global:
        return "reserved"
    return None


def _label(kind: str | None) -> str:
    return kind.replace("_", "-") if kind else "public"


def _bare(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _client_host(url: str) -> str | None:
    """The host the HTTP client (Twisted's ``URI``) connects to for ``url``, lower-case and
    without brackets; ``None`` when it cannot read the URL."""
    try:
        host = URI.fromBytes(url.split("#", 1)[0].encode("ascii")).host.decode("ascii")
    except (UnicodeError, ValueError):
        return None
    return host.strip("[]").lower()


def resolve(host: str) -> Deferred[list[str]]:
    """The addresses the reactor's resolver — the one the HTTP client connects with — gives
    for ``host`` (an empty list when it does not resolve)."""
    from twisted.internet import reactor

    done: Deferred[list[str]] = Deferred()
    found: list[str] = []

    @provider(IResolutionReceiver)
    class Receiver:
        @staticmethod
        def resolutionBegan(resolution: Any) -> None:
            pass

        @staticmethod
        def addressResolved(address: Any) -> None:
            found.append(address.host)

        @staticmethod
        def resolutionComplete() -> None:
            done.callback(found)

    try:
        reactor.nameResolver.resolveHostName(Receiver, host, portNumber=0)  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - a resolver that fails at once: the host does not resolve
        if not done.called:
            done.callback([])
    return done


class HostPolicy:
    """The hosts of one source and the address its URL names (when it is an IP address)."""

    def __init__(self, url: str, hosts: list[str]):
        self.url = url
        self.hosts = {_bare(h) for h in hosts if h}
        self.main = _client_host(url) or ""
        try:
            literal = parse_ip(self.main) if self.main else None
        except InvalidHost:
            literal = None
        self.source_ip = literal[0] if literal and literal[1] else None

    def has(self, host: str) -> bool:
        return not self.hosts or _bare(host) in self.hosts


class OffHostMiddleware:
    """Downloader middleware: refuse every request (and redirect hop, and retry) that would
    reach a host outside the source, or a private or special address; see the module."""

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self._policy: HostPolicy | None = None
        self._resolved: dict[str, list[str]] = {}  # host -> its addresses (hosts that resolved)
        self._waiting: dict[str, list[Deferred[list[str]]]] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> OffHostMiddleware:
        return cls(crawler)

    def policy(self, spider: Any) -> HostPolicy:
        if self._policy is None:
            source = getattr(spider, "source", None)
            if source is not None:
                self._policy = HostPolicy(source.url, source.all_hosts)
            else:
                hosts = list(getattr(spider, "allowed_domains", None) or [])
                self._policy = HostPolicy(f"http://{hosts[0]}/" if hosts else "", hosts)
        return self._policy

    async def process_request(self, request: Any, spider: Any = None) -> None:
        spider = spider if spider is not None else self.crawler.spider
        refused = await self.refusal(request.url, urlparse_cached(request), self.policy(spider))
        if refused is None:
            return None
        reason, why = refused
        self.crawler.stats.inc_value(STAT_PREFIX + reason)
        origin = request.meta.get("redirect_urls")
        via = f" (redirected from {origin[-1]})" if origin else ""
        logger.warning("refused %s%s: %s [offhost_%s]", request.url, via, why, reason, extra={"spider": spider})
        # A decision, not a fault of the site: the request ends here, silently for the spider.
        request.errback = None
        raise IgnoreRequest(f"refused {request.url}: {why}")

    async def refusal(self, url: str, parts: Any, policy: HostPolicy) -> tuple[str, str] | None:
        """``(reason, explanation)`` when ``url`` must not be fetched, else ``None``."""
        if parts.scheme not in ("http", "https"):
            return "scheme", f"only http and https are fetched, not {parts.scheme or 'no scheme'}"
        host = (parts.hostname or "").lower()
        client_host = _client_host(url)
        if not host or "@" in parts.netloc or client_host is None or client_host != host:
            return "invalid_host", f"the host of {parts.netloc!r} is not plain (user info, port or spelling)"
        try:
            literal = parse_ip(host)
        except InvalidHost as exc:
            return "invalid_host", str(exc)
        if literal is not None:
            ip, standard = literal
            kind = address_class(ip)
            if standard and ip == policy.source_ip and kind != "metadata":
                return None
            named = f"{host} is an IP address" if host == str(ip) else f"{host} is the IP address {ip}"
            return kind or "ip_literal", f"{named} ({_label(kind)}), not the source's"
        if not policy.has(host):
            return "other_host", f"{host} is not a host of the source"
        addresses = await maybe_deferred_to_future(self._lookup(client_host))
        if not addresses:  # does not resolve: the download fails with the DNS error
            return None
        trusted = await self._trusted(policy)
        for address in addresses:
            try:
                ip = ipaddress.ip_address(address)
            except ValueError:
                return "invalid_host", f"{host} resolves to {address!r}, which is not an IP address"
            kind = address_class(ip)
            if kind is not None and (kind == "metadata" or ip not in trusted):
                return kind, f"{host} resolves to {ip} ({_label(kind)})"
        return None

    async def _trusted(self, policy: HostPolicy) -> set[IPAddress]:
        """The addresses of the source's own host: where the source is, even if private."""
        if policy.source_ip is not None:
            return {policy.source_ip}
        if not policy.main:
            return set()
        out: set[IPAddress] = set()
        for address in await maybe_deferred_to_future(self._lookup(policy.main)):
            try:
                out.add(ipaddress.ip_address(address))
            except ValueError:
                pass
        return out

    def _lookup(self, host: str) -> Deferred[list[str]]:
        """``resolve(host)``, once per host while it resolves (lookups that fail are repeated)."""
        if host in self._resolved:
            return succeed(self._resolved[host])
        mine: Deferred[list[str]] = Deferred()
        waiting = self._waiting.setdefault(host, [])
        waiting.append(mine)
        if len(waiting) == 1:
            resolve(host).addBoth(self._done, host)
        return mine

    def _done(self, result: list[str] | Failure, host: str) -> None:
        addresses = result if isinstance(result, list) else []
        if addresses:
            self._resolved[host] = addresses
        for d in self._waiting.pop(host, []):
            d.callback(list(addresses))
