"""What a site's lists say of a URL: the date each kind of list gives it (a sitemap's
``<lastmod>``, a feed entry's updated date, the REST API's ``modified_gmt``), as given.

Kept per URL in the seen-store (``urls.listed``) as a JSON object ``{"sitemap": …, "feed": …}``,
so that a URL is fetched again when a list says something else of it than last time, whatever
those dates are relative to the crawler's clock, and a feed's publication date is never
compared with a sitemap's modification date. With them, under ``FOUND``, where the page was
found when it was last decided on (``via|found_on``): a later crawl that does not read that
list again, as it did not change, still knows it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

FOUND = "_via"  # the key of where the URL was found ("via|found_on"), kept with the dates


def parse(text: str | None) -> dict[str, str] | None:
    """The stored value as {list kind: date}; ``None`` when there is none or it is not one."""
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    return {str(k): str(v) for k, v in value.items() if v}


def merge(stored: str | None, new: dict[str, str] | None) -> str | None:
    """``stored`` with the dates of ``new`` (by list kind) in place: the value to store."""
    if not new:
        return stored
    merged = {**(parse(stored) or {}), **new}
    return json.dumps(merged, sort_keys=True, ensure_ascii=False)


def changed(stored: str | None, kind: str, given: str | None) -> bool | None:
    """Whether the ``kind`` list now gives another date than it did: ``True``/``False``, or
    ``None`` when it gives none now or gave none before (nothing to compare)."""
    if not given:
        return None
    before = (parse(stored) or {}).get(kind)
    if before is None:
        return None
    return not same_date(before, given)


def same_date(a: str | None, b: str | None) -> bool:
    """Whether two dates as sites write them are the same: the same text, or the same instant
    written another way."""
    if a is None or b is None:
        return False
    if a.strip() == b.strip():
        return True
    x, y = parse_date(a), parse_date(b)
    return x is not None and x == y


def parse_date(value: str | None) -> datetime | None:
    """An ISO-8601 or RFC 822 date as an aware UTC datetime (naive ones are taken as UTC)."""
    if not value:
        return None
    value = value.strip()
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)
