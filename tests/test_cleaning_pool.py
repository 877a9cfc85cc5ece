"""The cleaning pool's workers get each page through memory they share with the crawl process
(``crawlers.cleaner.SharedPage``) when it fits, through their pipe otherwise: either way the
result is the one ``clean_job`` gives in the crawl process itself, page after page, and a worker
replaced after a time-out gets a buffer of its own."""

from __future__ import annotations

import os
import time

import pytest

from crawlers import cleaner
from crawlers.cleaner import CleaningPool, SharedPage, clean_job
from crawlers.cleaning import Cleaned
from crawlers.contracts import CleanOptions
from testing.faultsite import article_html, generated_article

BASE = "http://127.0.0.1:8080"
OPTIONS = CleanOptions(200, False, "utf-8", True)


def pages(n: int) -> list[tuple[bytes, str]]:
    found = []
    for i in range(n):
        path = f"/en/news/item-{i}/"
        found.append((article_html(BASE, generated_article(i), path).encode("utf-8"), BASE + path))
    return found


def summary(result: tuple[object, object]) -> tuple[object, ...]:
    cleaned, links = result
    assert isinstance(cleaned, Cleaned), cleaned
    return cleaned.title, tuple(cleaned.paragraphs), cleaned.meta.get("_simhash"), tuple(links or ())


@pytest.mark.parametrize("shared_bytes", [cleaner.SHARED_BYTES, 2_000], ids=["shared-memory", "pipe"])
def test_each_page_reaches_its_worker_whole_and_cleans_as_in_process(
        shared_bytes: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages of different sizes one after the other through one worker: a shorter page after a
    longer one is not mixed with the rest of the longer one; with a 2,000-byte buffer every page
    goes through the pipe instead."""
    monkeypatch.setattr(cleaner, "SHARED_BYTES", shared_bytes)
    put = SharedPage.put
    through_memory: list[int] = []

    def counted(self: SharedPage, page: bytes) -> int:
        through_memory.append(len(page))
        return put(self, page)

    monkeypatch.setattr(SharedPage, "put", counted)
    site = pages(6)
    site.sort(key=lambda p: -len(p[0]))  # longest first
    assert all(len(body) > 2_000 for body, _ in site)
    pool = CleaningPool(1, timeout=60)
    try:
        got = [pool.submit(body, url, OPTIONS).result(timeout=120) for body, url in site]
    finally:
        pool.shutdown()
    assert [summary(r) for r in got] == [summary(clean_job(body, url, OPTIONS)) for body, url in site]
    memory = shared_bytes > 2_000 and hasattr(os, "memfd_create")
    assert through_memory == ([len(body) for body, _ in site] if memory else [])


def test_a_worker_replaced_after_a_time_out_reads_pages_from_a_buffer_of_its_own() -> None:
    """A page that holds its worker past the limit is cut (``clean_timeout``); the worker that
    takes its place cleans the next pages right, through its own shared buffer. Each page's
    tally says what its cleaning cost the worker: nothing known for the page cut (its worker
    was killed), a few milliseconds of CPU for each of the others."""
    site = pages(3)
    # A page whose cleaning takes far longer than the limit: 20,000 paragraphs, about 3 s in one
    # process (deeply nested markup, tried before, took 40-50 ms warm: about the limit itself).
    trap = (b"<html><body><article>" + b"<div><p>Some words here and there, a sentence of text.</p></div>" * 20_000
            + b"</article></body></html>")
    pool = CleaningPool(1, timeout=0.05)
    try:
        cut: list[float] = []
        stuck, _ = pool.submit(trap, BASE + "/en/trap/", OPTIONS, tally=cut.append).result(timeout=120)
        assert getattr(stuck, "reason", None) == "clean_timeout", stuck
        spent: list[float] = []
        got = [pool.submit(body, url, OPTIONS, timeout=60, tally=spent.append).result(timeout=120)
               for body, url in site]
    finally:
        pool.shutdown()
    assert [summary(r) for r in got] == [summary(clean_job(body, url, OPTIONS)) for body, url in site]
    assert cut == [0.0]
    assert len(spent) == 3 and all(0 < cpu < 10 for cpu in spent), spent


def test_a_worker_that_waited_for_its_pages_cleans_them_as_in_process() -> None:
    """A worker gives its heap's free pages back while it waits (``cleaner.TRIM_IDLE``), as in a
    polite crawl: the pages that come after each wait are cleaned as the crawl process cleans them."""
    site = pages(3)
    pool = CleaningPool(1, timeout=60)
    got = []
    try:
        for body, url in site:
            got.append(pool.submit(body, url, OPTIONS).result(timeout=120))
            time.sleep(cleaner.TRIM_IDLE + 0.2)
    finally:
        pool.shutdown()
    assert [summary(r) for r in got] == [summary(clean_job(body, url, OPTIONS)) for body, url in site]


@pytest.mark.skipif(not hasattr(os, "memfd_create"), reason="no memfd_create on this system")
def test_a_shared_page_buffer_is_its_own_memory_and_closes() -> None:
    shared = SharedPage.create(4096)
    assert shared is not None
    try:
        assert shared.take(shared.put(b"abc")) == b"abc"
        assert shared.take(shared.put(b"z")) == b"z"
        with pytest.raises((IndexError, ValueError)):
            shared.put(b"x" * 4097)
    finally:
        shared.close()
    with pytest.raises(OSError):
        os.fstat(shared.fd)


def test_a_pool_on_a_running_loop_is_driven_by_it_and_shuts_down_from_it() -> None:
    """Made on a running event loop (the crawl's), the pool is driven by that loop: no thread per
    worker waits for the results. Shut down from the loop itself (a crawl ends in a callback of
    the loop) while a page is being cleaned, it waits for that page, hands its result over, and
    stops its worker; the page queued behind it is cancelled."""
    import asyncio

    site = pages(1)
    slow = (b"<html><body><article>" + b"<div><p>Some words here and there, a sentence of text.</p></div>" * 20_000
            + b"</article></body></html>", BASE + "/en/slow/")  # about 3 s of cleaning
    before = {t.name for t in __import__("threading").enumerate()}

    async def crawl() -> tuple[object, bool, set[str], object]:
        pool = CleaningPool(1, timeout=60)
        assert pool.loop is asyncio.get_running_loop()
        first = await pool.clean(*site[0], OPTIONS)  # the worker has started
        worker = pool._slots[0].worker  # noqa: SLF001
        assert worker is not None
        threads = {t.name for t in __import__("threading").enumerate()} - before
        busy = asyncio.ensure_future(pool.clean(*slow, OPTIONS))
        queued = asyncio.ensure_future(pool.clean(*site[0], OPTIONS))
        while pool._slots[0].job is None:  # noqa: SLF001 (the slow page sent to the worker)
            await asyncio.sleep(0.01)
        assert not busy.done()
        job = pool._slots[0].job  # noqa: SLF001
        pool.shutdown()
        assert job[0].done()  # the slow page's result: waited for by the shutdown itself
        got = await busy
        assert summary(first) == summary(clean_job(*site[0], OPTIONS))
        await asyncio.sleep(0)
        return got, queued.cancelled(), threads, worker

    got, cancelled, threads, worker = asyncio.run(crawl())
    assert repr(got) == repr(clean_job(*slow, OPTIONS))  # its result, as the crawl process gives it
    assert cancelled
    assert not any(name.startswith("harvest-clean") for name in threads), threads
    assert worker.process.exitcode is not None  # type: ignore[attr-defined]  # stopped
