"""The source registry: ``sources.yaml`` → validated ``Source`` values.

Every error names the file, the line and the key, e.g.
``sources.yaml:12: sources[3].allow[0]: bad regular expression: missing ), unterminated subpattern``.

A load parses the YAML once (one compose pass; the values are constructed from the same node
tree, which keeps the line numbers), and a process loads a file once: the result is kept
until the file's content changes (a digest of its bytes: a rewrite of the same size within
the file system's timestamp granularity is seen too).
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from cronsim import CronSim, CronSimError

BUNDLED = Path(__file__).with_name("sources.yaml")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_CRON_FIELDS = ("minute", "hour", "day-of-month", "month", "day-of-week")
_CRON_RANGES = ("0-59", "0-23", "1-31", "1-12 or JAN-DEC", "0-7 or SUN-SAT")
# A term of a field: "*", a number or a three-letter name. cronsim's extensions (L, LW, 5L,
# 1#2) are refused: Prefect's scheduler refuses some of them, and they were never accepted here.
_CRON_TERM = re.compile(r"\*|\d+|[A-Za-z]{3}")


def cron_error(expr: str) -> str | None:
    """Why ``expr`` is not a 5-field cron expression (minute hour day-of-month month
    day-of-week), or None when it is one. Values, ranges and steps are checked by cronsim."""
    fields = expr.split()
    if len(fields) != 5:
        return (f"not a 5-field cron expression: {expr!r} has {len(fields)} field{'s' * (len(fields) != 1)} "
                f"({' '.join(_CRON_FIELDS)})")
    for name, allowed, text in zip(_CRON_FIELDS, _CRON_RANGES, fields):
        if not all(_CRON_TERM.fullmatch(term) for term in re.split(r"[,/-]", text)):
            return (f"bad cron expression {expr!r}: {name} {text!r} "
                    f"(values {allowed}, '*', ranges a-b, steps /n, lists a,b)")
    problem = _cronsim_error(expr)
    if problem is None:
        return None
    name = problem.removeprefix("Bad ").strip()  # cronsim says "Bad minute", ..., "Bad day-of-week"
    if name not in _CRON_FIELDS:
        return f"bad cron expression {expr!r}: {problem}"
    i = _CRON_FIELDS.index(name)
    if re.search(r"/0+(,|$)", fields[i]):
        why = "a step of 0"
    elif name == "day-of-month" and _cronsim_error(f"0 0 {fields[2]} * *") is None:
        why = f"no month {fields[3]!r} has that day"
    else:
        why = f"values {_CRON_RANGES[i]}" + (", a range from low to high" if "-" in fields[i] else "")
    return f"bad cron expression {expr!r}: {name} {fields[i]!r} ({why})"


def _cronsim_error(expr: str) -> str | None:
    try:
        CronSim(expr, datetime(2000, 1, 1, tzinfo=timezone.utc))
    except CronSimError as exc:
        return str(exc)
    return None


class ConfigError(Exception):
    """A configuration problem, with where it is."""

    def __init__(self, message: str, file: str | Path | None = None, line: int | None = None, key: str | None = None):
        self.message, self.file, self.line, self.key = message, file, line, key
        where = ":".join(str(p) for p in (file, line) if p is not None)
        super().__init__(": ".join(p for p in (where, key, message) if p))


@dataclass
class Source:
    """One site (or section of a site) to crawl."""

    name: str
    url: str
    hosts: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    listings: list[str] = field(default_factory=list)
    allow: list[str] = field(default_factory=list)
    deny: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    schedule: str | None = None
    group: str | None = None
    wordpress: bool | None = None
    max_pages: int = 500
    max_listing_pages: int = 50
    min_chars: int = 250
    keep_pages: bool = False
    revisit_days: float = 0
    stop_after_known_pages: int = 1
    delay: float | None = None
    enabled: bool = True
    notes: str = ""

    @property
    def all_hosts(self) -> list[str]:
        """The start URL's host first, then the declared aliases (lower-case, no duplicates)."""
        out: list[str] = []
        for host in [urlsplit(self.url).hostname or "", *self.hosts]:
            host = host.lower()
            if host and host not in out:
                out.append(host)
        return out

    def host_aliases(self) -> dict[str, str]:
        """alias → main host, without ``www.`` (for canonical URLs)."""
        bare = [h[4:] if h.startswith("www.") else h for h in self.all_hosts]
        return {h: bare[0] for h in bare[1:] if h != bare[0]}


_LIST_KEYS = ("hosts", "feeds", "sitemaps", "listings", "allow", "deny", "languages")
_TYPES: dict[str, tuple[type, ...]] = {
    "name": (str,), "url": (str,), "schedule": (str,), "group": (str,), "notes": (str,),
    "wordpress": (bool,), "enabled": (bool,), "keep_pages": (bool,),
    "max_pages": (int,), "max_listing_pages": (int,), "min_chars": (int,), "delay": (int, float),
    "revisit_days": (int, float), "stop_after_known_pages": (int,),
}
KNOWN_KEYS = set(_TYPES) | set(_LIST_KEYS)


def _line(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def _mapping_lines(node: yaml.Node | None) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


# libyaml's parser when PyYAML has it (the same documents, several times faster).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Resolved path → (digest of the bytes read, their sources).
_LOADED: dict[str, tuple[bytes, tuple[Source, ...]]] = {}


def load_sources(path: str | Path | None = None) -> list[Source]:
    """Read and validate a sources file (the bundled one by default).

    Loaded once per process while the file is unchanged: a later call for the same file
    returns the same ``Source`` values (treat them as read-only)."""
    path = Path(path) if path else BUNDLED
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", path) from None
    key, digest = os.path.realpath(path), hashlib.blake2b(raw, digest_size=16).digest()
    cached = _LOADED.get(key)
    if cached is not None and cached[0] == digest:
        return list(cached[1])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ConfigError(f"not UTF-8 text: {exc.reason} at byte {exc.start}", path, line) from None
    sources = _parse(text, path)
    _LOADED[key] = (digest, tuple(sources))
    return sources


def _parse(text: str, path: Path) -> list[Source]:
    """Validate the sources of one YAML text, parsed once: the node tree keeps the line
    numbers, and the values are constructed from it."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"invalid YAML: {problem}", path, mark.line + 1 if mark else None) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict) or "sources" not in data:
        raise ConfigError("expected a mapping with a 'sources:' list", path, _line(root), "sources")
    for key, line in _mapping_lines(root).items():
        if key not in ("sources", "defaults"):
            raise ConfigError("unknown top-level key (expected 'sources' or 'defaults')", path, line, key)
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise ConfigError("'defaults' must be a mapping", path, _line(_child(root, "defaults")), "defaults")
    _check_entry(defaults, _child(root, "defaults"), path, "defaults", need_required=False)
    entries, nodes = data["sources"], _child(root, "sources")
    if not isinstance(entries, list):
        raise ConfigError("'sources' must be a list", path, _line(nodes), "sources")
    sources: list[Source] = []
    seen: dict[str, int | None] = {}
    for i, entry in enumerate(entries):
        node = nodes.value[i] if isinstance(nodes, yaml.SequenceNode) else None
        where = f"sources[{i}]"
        if not isinstance(entry, dict):
            raise ConfigError("each source must be a mapping with at least 'name' and 'url'", path, _line(node), where)
        merged = {**{k: v for k, v in defaults.items()}, **entry}
        _check_entry(merged, node, path, where, need_required=True)
        if merged["name"] in seen:
            raise ConfigError(f"duplicate source name {merged['name']!r} (first on line {seen[merged['name']]})",
                              path, _mapping_lines(node).get("name"), f"{where}.name")
        seen[merged["name"]] = _mapping_lines(node).get("name")
        sources.append(Source(**{k: v for k, v in merged.items()}))
    return sources


def _check_entry(entry: dict[str, Any], node: yaml.Node | None, path: Path, where: str, need_required: bool) -> None:
    lines = _mapping_lines(node)
    line_of = lambda key: lines.get(key, _line(node))  # noqa: E731
    for key, value in entry.items():
        if key not in KNOWN_KEYS:
            raise ConfigError(f"unknown key (known: {', '.join(sorted(KNOWN_KEYS))})", path, line_of(key), f"{where}.{key}")
        if key in _LIST_KEYS:
            if isinstance(value, str):
                entry[key] = value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError("must be a list of strings", path, line_of(key), f"{where}.{key}")
        elif not isinstance(value, _TYPES[key]) or (isinstance(value, bool) and bool not in _TYPES[key]):
            want = " or ".join(t.__name__ for t in _TYPES[key])
            raise ConfigError(f"must be {want}, not {type(value).__name__}", path, line_of(key), f"{where}.{key}")
        elif isinstance(value, float) and not math.isfinite(value):
            # .nan compares false with every bound (a NaN delay switches throttling off), .inf
            # is no count of pages or seconds.
            raise ConfigError(f"must be a finite number, not {value}", path, line_of(key), f"{where}.{key}")
    if need_required:
        for key in ("name", "url"):
            if key not in entry:
                raise ConfigError(f"missing required key '{key}'", path, _line(node), f"{where}.{key}")
        if not NAME_RE.match(entry["name"]):
            raise ConfigError("name must be lower-case letters, digits, '-' or '_'", path, line_of("name"), f"{where}.name")
    for key in ("url", "feeds", "sitemaps", "listings"):
        values = entry.get(key)
        for j, url in enumerate([values] if isinstance(values, str) else values or []):
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                sub = key if key == "url" else f"{key}[{j}]"
                raise ConfigError(f"not an http(s) URL: {url!r}", path, line_of(key), f"{where}.{sub}")
    for key in ("allow", "deny"):
        for j, pattern in enumerate(entry.get(key) or []):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ConfigError(f"bad regular expression {pattern!r}: {exc}", path, line_of(key), f"{where}.{key}[{j}]") from None
    schedule = entry.get("schedule")
    if schedule is not None:
        problem = cron_error(schedule)
        if problem:
            raise ConfigError(problem, path, line_of("schedule"), f"{where}.schedule")
    for key in ("max_pages", "max_listing_pages", "min_chars", "revisit_days", "stop_after_known_pages"):
        if key in entry and entry[key] < 0:
            raise ConfigError("must not be negative", path, line_of(key), f"{where}.{key}")
    delay = entry.get("delay")
    if delay is not None and delay < 0:
        raise ConfigError("must not be negative", path, line_of("delay"), f"{where}.delay")
    if need_required and delay is not None and delay < MIN_DELAY:
        # Politeness off (benchmark mode) only for sites on this machine.
        hosts = [urlsplit(entry["url"]).hostname or ""] + list(entry.get("hosts") or [])
        if not all(_loopback(h) for h in hosts):
            raise ConfigError(f"a delay under {MIN_DELAY} s is allowed only for loopback hosts (127.0.0.1, "
                              "localhost, ::1): it switches politeness off", path, line_of("delay"), f"{where}.delay")


MIN_DELAY = 0.25  # seconds between requests to a real site, at the least


def _loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def select(sources: list[Source], names: list[str] | None) -> list[Source]:
    """The enabled sources, or the named ones (enabled or not); unknown names are an error."""
    if not names:
        return [s for s in sources if s.enabled]
    by_name = {s.name: s for s in sources}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise ConfigError(f"unknown source(s): {', '.join(unknown)} (known: {', '.join(by_name) or 'none'})")
    return [by_name[n] for n in names]
