"""``RunSummary``: what one source crawl reports, and whether it read the whole site.

The summary is the contract between a crawl process (``crawlers.run``), the process that
started it (``flows.runner``), the flow's report and the index's ``runs`` table: it travels as
a JSON object. ``to_dict`` gives that object, with the keys in the order below and only the
keys the summary has: a full crawl has every one; a crawl that never started (bad
configuration, a crash, a timeout) has a few (``source``, ``status``, ``error``…), and
summaries recorded by older versions lack the keys added since. ``from_dict`` reads any of
them back.

Crawl policy lives here, not in the index: a run is ``complete`` unless a budget or a size cap
cut part of the site (``BUDGET_CUTS``); the index stores the flag beside the run, and only a
complete successful run becomes the next crawl's watermark.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any

# Cut reasons that leave a crawl partial: a budget or a size cap left part of the site unread.
# Trap defences (link depth, repeating paths, sitemap indexes nested too deep) do not.
BUDGET_CUTS = frozenset({"page_budget", "listing_budget", "sitemap_budget", "sitemap_size", "feed_size"})


class _Unset:
    """The value of a field the summary does not have (until the constructor fills in its default)."""

    def __repr__(self) -> str:
        return "<unset>"


_UNSET: Any = _Unset()


def _opt(default: Any = None, factory: Any = None) -> Any:
    """A field that a summary may lack: unset it reads as ``default`` (or ``factory()``) and is
    left out of ``to_dict``."""
    return field(default=_UNSET, metadata={"default": default, "factory": factory})


@dataclass(kw_only=True)
class RunSummary:
    """One source crawl: outcome, timing and counts, in the order of the summary JSON.

    ``status`` is ``ok``, ``failed`` or ``interrupted``; a failed run says what kind of failure
    it was (``error_kind``) and whether a new attempt of the whole source could cure it
    (``retryable``). ``skipped``, ``errors``, ``skipped_requests`` and ``cut`` count by reason;
    ``discovered`` is what discovery found (feeds, sitemaps, the WordPress API); ``items`` lists
    the stored items; ``cleaning`` is what cleaning the pages cost: ``pages`` cleaned (and
    documents read) and the ``cpu_seconds`` the cleaning workers spent on them."""

    source: str
    status: str
    error: str | None = _opt()
    error_kind: str | None = _opt()
    retryable: bool = _opt(False)
    started_at: str | None = _opt()
    finished_at: str | None = _opt()
    seconds: float = _opt(0.0)
    requests: int = _opt(0)
    pages_fetched: int = _opt(0)
    new: int = _opt(0)
    updated: int = _opt(0)
    unchanged: int = _opt(0)
    duplicate: int = _opt(0)
    near_duplicate: int = _opt(0)
    not_modified: int = _opt(0)
    rechecked: int = _opt(0)
    skipped: dict[str, int] = _opt(factory=dict)
    errors: dict[str, int] = _opt(factory=dict)
    skipped_requests: dict[str, int] = _opt(factory=dict)
    cut: dict[str, int] = _opt(factory=dict)
    discovered: dict[str, Any] = _opt(factory=dict)
    cleaning: dict[str, Any] = _opt(factory=dict)
    items: list[dict[str, Any]] = _opt(factory=list)
    finish_reason: str | None = _opt()
    _keys: set[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys = set()
        for f in fields(self):
            if not f.init:
                continue
            if getattr(self, f.name) is _UNSET:
                factory = f.metadata["factory"]
                object.__setattr__(self, f.name, factory() if factory else f.metadata["default"])
            else:
                keys.add(f.name)
        object.__setattr__(self, "_keys", keys)

    def __setattr__(self, name: str, value: Any) -> None:
        # A field set after construction becomes part of the summary.
        super().__setattr__(name, value)
        keys = self.__dict__.get("_keys")
        if keys is not None and name in _NAMES:
            keys.add(name)

    @property
    def complete(self) -> bool:
        """No budget or size cap cut the crawl short (``BUDGET_CUTS``): it read the whole site,
        so what is older than its start was seen by it."""
        return read_whole_site(self.cut or {})

    def to_dict(self) -> dict[str, Any]:
        """The summary JSON object: the keys this summary has, in the order of the fields."""
        return {name: getattr(self, name) for name in _NAMES if name in self._keys}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunSummary:
        """A summary from its JSON object. Missing keys read as their defaults (and stay missing
        in ``to_dict``); keys that are not fields are ignored."""
        known = {name: data[name] for name in _NAMES if name in data}
        summary = cls(**{"source": "", "status": "", **known})
        summary._keys.intersection_update(known)
        return summary


_NAMES = tuple(f.name for f in fields(RunSummary) if f.init)


def read_whole_site(cuts: Iterable[str]) -> bool:
    """Whether a crawl with these cuts read the whole site: no budget or size cap among them."""
    return not set(cuts) & BUDGET_CUTS
