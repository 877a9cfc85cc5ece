"""The crawl writer's batches (``crawlers.store.StoreThread``): pages are grouped a few at a time,
and a lone page waits a little for company, never long."""

from __future__ import annotations

import queue
import threading
import time
from typing import Any

from crawlers.store import PageJob, StoreThread


def writer() -> StoreThread:
    """A writer whose thread is not started: its queue is read by the test itself."""
    store = StoreThread.__new__(StoreThread)
    store.jobs = queue.SimpleQueue()
    return store


def page() -> tuple[Any, None, None]:
    return (PageJob(page=None, source=None), None, None)  # type: ignore[arg-type]


def state() -> tuple[Any, None, None]:
    return (lambda corpus: None, None, None)


def test_a_burst_of_pages_is_written_a_few_pages_at_a_time() -> None:
    store = writer()
    pages = 2 * StoreThread.BATCH_PAGES + 2
    for _ in range(pages):
        store.jobs.put(page())
        store.jobs.put(state())
    sizes = []
    t0 = time.monotonic()
    while True:
        batch = store._next_batch()
        sizes.append(sum(isinstance(job[0], PageJob) for job in batch))
        if sum(sizes) == pages:
            break
    assert sizes == [StoreThread.BATCH_PAGES, StoreThread.BATCH_PAGES, 2]
    # the full batches did not wait; the last one waited for more pages, at most LINGER
    assert time.monotonic() - t0 < StoreThread.LINGER + 0.5


def test_a_lone_page_waits_for_the_next_one_but_not_past_the_linger() -> None:
    store = writer()
    store.jobs.put(page())
    later = threading.Timer(StoreThread.LINGER / 4, lambda: store.jobs.put(page()))
    later.start()
    t0 = time.monotonic()
    batch = store._next_batch()
    waited = time.monotonic() - t0
    later.join()
    assert len(batch) == 2, "the page that came within the linger was not written with the first"
    assert StoreThread.LINGER - 0.02 <= waited < StoreThread.LINGER + 0.5


def test_state_writes_alone_do_not_wait_and_the_end_stops_the_batch() -> None:
    store = writer()
    store.jobs.put(state())
    t0 = time.monotonic()
    assert len(store._next_batch()) == 1
    assert time.monotonic() - t0 < StoreThread.LINGER / 2, "a batch without a page waited"
    store.jobs.put(page())
    store.jobs.put(None)
    store.jobs.put(page())
    assert [job is None for job in store._next_batch()] == [False, True]
