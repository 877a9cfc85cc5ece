"""The source registry: ``sources.yaml`` → validated ``Source`` values.

What a file may hold is a pydantic model (``SourcesFile``: ``defaults`` and a list of
``SourceModel``); its errors are reported as ``file:line: key: problem``, with the line of the
key in the YAML, e.g.
``sources.yaml:12: sources[3].allow[0]: bad regular expression: missing ), unterminated subpattern``.
The first problem of a file is reported.

A load parses the YAML once (one compose pass; the values are constructed from the same node
tree, which keeps the line numbers), and a process loads a file once: the result is kept
until the file's content changes (a digest of its bytes: a rewrite of the same size within
the file system's timestamp granularity is seen too).
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, get_origin
from urllib.parse import urlsplit

import yaml
from cronsim import CronSim, CronSimError
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails, PydanticCustomError

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
        CronSim(expr, datetime(2000, 1, 1, tzinfo=UTC))
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
    documents: bool = True  # PDFs linked from its pages or listed by its sitemaps are items
    documents_allow: list[str] = field(default_factory=list)  # regexes: only PDFs whose URL matches one
    documents_max_mb: float = 50  # a larger PDF is not downloaded (skipped as too_large)

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


# The model of a sources file -------------------------------------------------------------------
#
# ``SourceDefaults`` (the ``defaults:`` section: every key optional) and ``SourceModel`` (one
# entry of ``sources:``, after its defaults are applied) say what a value may be; ``SourcesFile``
# is the whole file. Strict: a string is no number and a number no string, as YAML typed them.
# Each problem of a value is a pydantic error whose type (below) says which check it failed;
# ``_problem`` turns it into ``file:line: key: message``.


def _check(kind: str, message: str) -> PydanticCustomError:
    """A failed check of the sources file: ``kind`` is the error type, ``message`` its text
    (passed as context, so that braces in a value are not read as placeholders)."""
    return PydanticCustomError(kind, "{message}", {"message": message})


def _given(want: str) -> BeforeValidator:
    """For a key whose default is None (not set): an explicit null is refused like any value
    that is not a ``want``."""
    def refuse_null(value: Any) -> Any:
        if value is None:
            raise _check("null", f"must be {want}, not NoneType")
        return value
    return BeforeValidator(refuse_null)


def _one_or_many(value: Any) -> Any:
    """A list key given one string is a list of that string."""
    return [value] if isinstance(value, str) else value


def _http_url(url: str) -> str:
    try:
        parts = urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        ok = False
    if not ok:
        raise _check("http_url", f"not an http(s) URL: {url!r}")
    return url


def _regex(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise _check("regex", f"bad regular expression {pattern!r}: {exc}") from None
    return pattern


def _cron(expr: str) -> str:
    problem = cron_error(expr)
    if problem:
        raise _check("cron", problem)
    return expr


HttpUrlStr = Annotated[str, AfterValidator(_http_url)]
Strings = Annotated[list[str], BeforeValidator(_one_or_many)]
HttpUrls = Annotated[list[HttpUrlStr], BeforeValidator(_one_or_many)]
Regexes = Annotated[list[Annotated[str, AfterValidator(_regex)]], BeforeValidator(_one_or_many)]
Count = Annotated[int, Field(ge=0)]
# A number of days or seconds: .nan would compare false with every bound (a NaN delay switches
# throttling off), .inf is no count of pages or seconds.
Amount = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class SourceDefaults(BaseModel):
    """The ``defaults:`` section: any key of a source, each optional; a source's own keys
    override them."""

    model_config = ConfigDict(strict=True, extra="forbid", regex_engine="python-re")

    name: Annotated[str | None, _given("str")] = None
    url: Annotated[HttpUrlStr | None, _given("str")] = None
    hosts: Strings = Field(default_factory=list)
    feeds: HttpUrls = Field(default_factory=list)
    sitemaps: HttpUrls = Field(default_factory=list)
    listings: HttpUrls = Field(default_factory=list)
    allow: Regexes = Field(default_factory=list)
    deny: Regexes = Field(default_factory=list)
    languages: Strings = Field(default_factory=list)
    schedule: Annotated[Annotated[str, AfterValidator(_cron)] | None, _given("str")] = None
    group: Annotated[str | None, _given("str")] = None
    wordpress: Annotated[bool | None, _given("bool")] = None
    max_pages: Count = 500
    max_listing_pages: Count = 50
    min_chars: Count = 250
    keep_pages: bool = False
    revisit_days: Amount = 0
    stop_after_known_pages: Count = 1
    delay: Annotated[Amount | None, _given("int or float")] = None
    enabled: bool = True
    notes: str = ""
    documents: bool = True
    documents_allow: Regexes = Field(default_factory=list)
    documents_max_mb: Annotated[float, Field(gt=0, allow_inf_nan=False)] = 50


class SourceModel(SourceDefaults):
    """One entry of ``sources:`` with its defaults applied: ``name`` and ``url`` are required,
    and a delay under ``MIN_DELAY`` is for sites on this machine only."""

    name: Annotated[str, Field(pattern=NAME_RE.pattern)]
    url: HttpUrlStr

    @model_validator(mode="after")
    def _politeness(self) -> SourceModel:
        """Politeness off (benchmark mode) only for sites on this machine."""
        if self.delay is not None and self.delay < MIN_DELAY:
            hosts = [urlsplit(self.url).hostname or "", *self.hosts]
            if not all(_loopback(h) for h in hosts):
                raise _check("loopback", f"a delay under {MIN_DELAY} s is allowed only for loopback hosts "
                                         "(127.0.0.1, localhost, ::1): it switches politeness off")
        return self

    def source(self) -> Source:
        """The ``Source`` of these values."""
        return Source(**dict(self))


class SourcesFile(BaseModel):
    """A sources file: optional ``defaults:`` and the ``sources:`` list."""

    model_config = ConfigDict(strict=True, extra="forbid")

    defaults: SourceDefaults = Field(default_factory=SourceDefaults)
    sources: list[SourceModel]

    @model_validator(mode="before")
    @classmethod
    def _apply_defaults(cls, data: Any) -> Any:
        """Each source is the defaults overridden by its own keys (an empty ``defaults:`` is none)."""
        if not isinstance(data, dict):
            return data
        defaults = data.get("defaults") or {}
        data = {**data, "defaults": defaults} if "defaults" in data else data
        entries = data.get("sources")
        if isinstance(defaults, dict) and defaults and isinstance(entries, list):
            data = {**data, "sources": [{**defaults, **e} if isinstance(e, dict) else e for e in entries]}
        return data


KNOWN_KEYS = set(SourceModel.model_fields)
_LIST_KEYS = tuple(k for k, f in SourceModel.model_fields.items() if get_origin(f.annotation) is list)
_WANT = {"int_type": "int", "float_type": "int or float", "bool_type": "bool", "string_type": "str"}
_URL_KEYS = ("url", "feeds", "sitemaps", "listings")
_NON_NEGATIVE = ("max_pages", "max_listing_pages", "min_chars", "revisit_days", "stop_after_known_pages", "delay")


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
    numbers, and the values are constructed from it.

    The first problem is reported, in the file's order: the top level, then the defaults,
    then each source in turn (its keys' types in the order written, then the required keys
    and the name, URLs, regexes, schedule, bounds), and a name already taken by an earlier
    source."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        data: Any = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"invalid YAML: {problem}", path, mark.line + 1 if mark else None) from None
    finally:
        loader.dispose()
    try:
        model = SourcesFile.model_validate(data)
    except ValidationError as exc:
        rank, error = min((_problem(e, data, root, path) for e in exc.errors(include_url=False)),
                          key=lambda found: found[0])
        if rank[0] == 3:  # in sources[i]: the sources before it are valid, one may repeat a name
            defaults = data.get("defaults") or {}
            names = [{**defaults, **entry}["name"] for entry in data["sources"][:rank[1]]]
            error = _duplicate(names, root, path) or error
        raise error from None
    duplicate = _duplicate([entry.name for entry in model.sources], root, path)
    if duplicate:
        raise duplicate
    return [entry.source() for entry in model.sources]


def _duplicate(names: list[str], root: yaml.Node, path: Path) -> ConfigError | None:
    """The first source whose name an earlier one has, at the line of its ``name:`` key."""
    nodes = _child(root, "sources")
    seen: dict[str, int | None] = {}
    for i, name in enumerate(names):
        line = _mapping_lines(nodes.value[i] if isinstance(nodes, yaml.SequenceNode) else None).get("name")
        if name in seen:
            return ConfigError(f"duplicate source name {name!r} (first on line {seen[name]})",
                               path, line, f"sources[{i}].name")
        seen[name] = line
    return None


def _problem(error: ErrorDetails, data: Any, root: yaml.Node | None, path: Path) -> tuple[tuple[int, ...], ConfigError]:
    """A pydantic error as a ``ConfigError`` at the line of its key, with its rank in the
    order the checks are made (the smallest is reported): the top level, the defaults, then
    each source; in an entry, the keys' types in the order written, then the required keys
    and the name, URLs, regexes, schedule, bounds and the delay's politeness."""
    kind, loc = error["type"], error["loc"]
    if len(loc) <= 1 and kind in ("missing", "list_type", "model_type"):
        if loc == ("defaults",):
            line = _line(_child(root, "defaults"))
            return (1, 0), ConfigError("'defaults' must be a mapping", path, line, "defaults")
        if loc == ("sources",) and kind == "list_type":
            return (2,), ConfigError("'sources' must be a list", path, _line(_child(root, "sources")), "sources")
        return (0, 0), ConfigError("expected a mapping with a 'sources:' list", path, _line(root), "sources")
    if len(loc) == 1:  # a key beside sources and defaults: the first one written is reported
        pairs = root.value if isinstance(root, yaml.MappingNode) else []
        unknown = [k for k, _ in pairs if isinstance(k, yaml.ScalarNode) and k.value not in ("sources", "defaults")]
        first = unknown[0] if unknown else None
        name, line = (first.value, _line(first)) if first is not None else (str(loc[0]), None)
        return (0, 1), ConfigError("unknown top-level key (expected 'sources' or 'defaults')", path, line, name)
    entry: dict[Any, Any]
    if loc[0] == "defaults":
        node, where, entry, inner = _child(root, "defaults"), "defaults", data["defaults"], loc[1:]
        section: tuple[int, ...] = (1, 1)
    else:
        i = int(loc[1])
        nodes = _child(root, "sources")
        node = nodes.value[i] if isinstance(nodes, yaml.SequenceNode) else None
        where, section = f"sources[{i}]", (3, i, 1)
        if len(loc) == 2 and kind != "loopback":
            return (3, i, 0), ConfigError("each source must be a mapping with at least 'name' and 'url'",
                                          path, _line(node), where)
        defaults = data.get("defaults") or {}
        entry, inner = {**defaults, **data["sources"][i]}, loc[2:]
    # The key as written (a key that is no string is not the one pydantic names: the first such).
    key: Any = inner[0] if inner else "delay"  # a check of the whole source: the delay's
    if kind == "invalid_key":
        key = next(k for k in entry if not isinstance(k, str))
    j = int(inner[1]) if len(inner) > 1 else 0
    line = _mapping_lines(node).get(key, _line(node))
    keys = list(entry)
    rank: tuple[int, ...] = (0, keys.index(key) if key in keys else len(keys))
    message = str((error.get("ctx") or {}).get("message", error["msg"]))
    if kind in ("extra_forbidden", "invalid_key"):
        message = f"unknown key (known: {', '.join(sorted(KNOWN_KEYS))})"
    elif key in _LIST_KEYS and kind in ("list_type", "string_type"):
        message = "must be a list of strings"
    elif kind in _WANT:
        message = f"must be {_WANT[kind]}, not {type(error['input']).__name__}"
    elif kind == "finite_number":
        message = f"must be a finite number, not {error['input']}"
    elif kind == "missing":
        rank, message, line = (1, ("name", "url").index(key)), f"missing required key '{key}'", _line(node)
    elif kind == "string_pattern_mismatch":  # the name
        rank, message = (1, 2), "name must be lower-case letters, digits, '-' or '_'"
    elif kind == "http_url":
        rank = (2, _URL_KEYS.index(key), j)
        key = key if len(inner) == 1 else f"{key}[{j}]"
    elif kind == "regex":
        rank, key = (3, ("allow", "deny", "documents_allow").index(key), j), f"{key}[{j}]"
    elif kind == "cron":
        rank = (4,)
    elif kind == "greater_than_equal":
        rank, message = (5, _NON_NEGATIVE.index(key)), "must not be negative"
    elif kind == "greater_than":  # documents_max_mb
        rank, message = (5, len(_NON_NEGATIVE)), "must be more than 0"
    elif kind == "loopback":
        rank = (6,)
    elif kind != "null":  # no other check is made: pydantic's words, last
        rank = (7,)
    return (*section, *rank), ConfigError(message, path, line, f"{where}.{key}")


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
