"""The ``HARVEST_*`` settings, each declared once: name, type, default and meaning.

The environment sets them (``value`` reads one, parsed to its type); ``crawlers/settings.py``
turns each into the Scrapy setting of the same name (all but ``HARVEST_LOOPBACK_ONLY``, which
the network guard reads before Scrapy starts, and ``HARVEST_PREFECT_SERVER``,
``HARVEST_SERVER_IDLE`` and ``HARVEST_FORK_SERVER``, which only the ``harvest`` command reads),
which a crawl can override again (``scrapy crawl … -s HARVEST_CORPUS=…``,
``crawlers.run.crawl_settings``). Code reading a Scrapy setting that may be missing takes its
fallback from ``default`` instead of writing the number again. README.md (the command line:
"Defaults come from the environment") and ``harvest --help`` document them;
tests/test_config.py checks that every ``HARVEST_*`` name of the code is declared here and that
the README names each.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


@dataclass(frozen=True)
class Variable:
    """One ``HARVEST_*`` setting: its type (``str``, ``int``, ``float`` or ``bool``), its value
    when the environment does not set it, and what it is for."""

    name: str
    type: type
    default: Any
    doc: str

    def parse(self, text: str) -> Any:
        """``text`` (the environment's value) as this variable's type; ``ValueError`` naming the
        variable when it is not one."""
        if self.type is str:
            return text
        if self.type is bool:
            word = text.strip().lower()
            if word in _TRUE or word in _FALSE:
                return word in _TRUE
            raise ValueError(f"{self.name} must be 1 or 0 (true/false, yes/no, on/off), got {text!r}")
        try:
            return self.type(text)
        except ValueError:
            kind = "an integer" if self.type is int else "a number"
            raise ValueError(f"{self.name} must be {kind}, got {text!r}") from None


VARIABLES: dict[str, Variable] = {v.name: v for v in (
    Variable("HARVEST_CONFIG", str, None,
             "sources YAML (unset: ./sources.yaml for the harvest command if present, else the bundled one)"),
    Variable("HARVEST_CORPUS", str, "corpus", "corpus folder"),
    Variable("HARVEST_INDEX", str, "",
             "where the corpus index is: empty for the corpus folder's index.sqlite, or a postgresql:// URL"),
    Variable("HARVEST_CONTACT", str, "set HARVEST_CONTACT to an e-mail or URL",
             "e-mail or URL named in the crawler's User-Agent"),
    Variable("HARVEST_CLEAN_WORKERS", int, -1,
             "cleaning processes per crawl: -1 one per core, 0 clean in the crawl process itself"),
    Variable("HARVEST_CLEAN_TIMEOUT", float, 30.0,
             "seconds a cleaning worker may spend on one page before it is replaced (0: no limit)"),
    Variable("HARVEST_PDF_TIMEOUT", float, 60.0,
             "seconds a cleaning worker may spend reading one PDF before it is replaced (0: no limit)"),
    Variable("HARVEST_MAX_HEADERS", int, 100, "header fields a response may have, past which it is dropped"),
    Variable("HARVEST_MAX_HEADER_BYTES", int, 64 * 1024,
             "bytes of headers a response may have, past which it is dropped"),
    Variable("HARVEST_RETRY_BACKOFF", float, 1.0, "seconds before a request's first retry, doubled at each retry"),
    Variable("HARVEST_RETRY_AFTER_MAX", float, 120.0,
             "longest Retry-After honoured, in seconds; past it the request is given up"),
    Variable("HARVEST_LOOPBACK_ONLY", bool, False,
             "1: crawl processes refuse every connection that is not to loopback"),
    Variable("HARVEST_MAX_HOPS", int, 2, "links followed from article pages: article → article → article"),
    Variable("HARVEST_MAX_SITEMAP_DEPTH", int, 3, "sitemap indexes nested below the first sitemap"),
    Variable("HARVEST_MAX_SITEMAPS", int, 200, "sitemap files requested per crawl"),
    Variable("HARVEST_DEAD_END_CAP", int, 32,
             "most runs a dead end (404, refused, not an item) is left alone before it is checked again"),
    Variable("HARVEST_DEAD_END_RECHECKS", int, 5, "dead ends checked again in one run, at most"),
    Variable("HARVEST_FRUITLESS_WALK", int, 5,
             "requests of the walk from article to article that may find no new item before it stops"),
    Variable("HARVEST_PREFECT_SERVER", str, "local",
             "Prefect server of `harvest crawl` when PREFECT_API_URL is unset: local (started once and "
             "reused) or temporary (Prefect's, started and stopped by each command)"),
    Variable("HARVEST_CACHE", str, None,
             "folder of files a crawl can rebuild (the language model unpacked, 66 MB); unset: "
             "$XDG_CACHE_HOME/localgov-harvest or ~/.cache/localgov-harvest; empty: none"),
    Variable("HARVEST_SERVER_IDLE", float, 86400.0,
             "seconds the local Prefect server (and the fork server) stays unused before it stops itself (0: never)"),
    Variable("HARVEST_FORK_SERVER", bool, True,
             "`harvest crawl` runs in a child of a long-lived fork server that has Prefect loaded "
             "(0: in its own process, importing Prefect each time)"),
)}


def declared(name: str) -> Variable:
    """The declaration of ``name``; ``KeyError`` saying so when there is none."""
    try:
        return VARIABLES[name]
    except KeyError:
        raise KeyError(f"{name} is not a declared setting (crawlers/config.py)") from None


def default(name: str) -> Any:
    """The value of ``name`` when the environment does not set it."""
    return declared(name).default


def value(name: str, environ: Mapping[str, str] | None = None) -> Any:
    """The value of ``name`` from ``environ`` (default: the process environment), parsed to
    its type, or its default when it is not set. A value that does not parse raises
    ``ValueError`` naming the variable."""
    variable = declared(name)
    text = (os.environ if environ is None else environ).get(name)
    return variable.default if text is None else variable.parse(text)
