"""Cleaning off the crawl loop: worker processes that clean pages, each with a time limit.

``Cleaner`` is what the spider awaits for each article page; ``CleaningPool`` runs the worker
processes (forked from a fork server that loaded trafilatura once, ``crawlers.workerboot``);
``clean_job`` is the work a worker does for one page.
"""

from __future__ import annotations

import asyncio
import gc
import mmap
import os
import re
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context
from typing import Any

from crawlers import config
from crawlers.boilerplate import paragraph_keys
from crawlers.cleaning import Cleaned, Rejected, clean, decode_page
from crawlers.contracts import CleanOptions
from crawlers.sniff import sniff
from storage.corpus import pid_alive
from storage.fingerprint import simhash
from storage.ids import content_hash

_DEFAULT_OPTIONS = CleanOptions()
# (result, the page's links: ``crawlers.discovery.anchors``)
CleanResult = tuple[Cleaned | Rejected, list[tuple[Any, ...]] | None]
Tally = Callable[[float], None]  # told the CPU seconds a page's cleaning took
PDF_MAGIC = b"%PDF-"


def _die_with_parent(crawl: int, adopted: bool = False) -> None:
    """A cleaning worker must not outlive its crawl (kill -9 of the crawl process, OOM killer).
    Its parent is the pool's fork server (or the crawl process itself): the kernel kills the
    worker when that parent dies (Linux), the fork server exits when the crawl process is gone,
    and a watchdog thread covers the rest.

    ``adopted``: the fork server may exit while the worker runs (``CleaningPool`` with
    ``release_fork_server``), and the crawl process, a child subreaper (``adopt_orphans``), then
    becomes the worker's parent. The worker then ends when its parent is neither of these two or
    the crawl process is gone (checked every second; its pipe's end is the other sign)."""
    parent = os.getppid()
    if not adopted:
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass

    parents = (parent, crawl) if adopted else (parent,)

    def orphaned() -> bool:
        return os.getppid() not in parents or not pid_alive(crawl)

    if orphaned():  # the crawl died before the guard was set
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if orphaned():
                os._exit(1)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


PR_SET_CHILD_SUBREAPER = 36
_adopts = False  # this process is a child subreaper (``adopt_orphans``)


def adopt_orphans() -> bool:
    """Make this process (the crawl process) the parent of any of its descendants whose parent
    dies (Linux's child subreaper), so that the cleaning workers stay its children once their
    fork server has exited and the pool can release it (``CleaningPool``). False where this
    cannot be done (the fork server then stays)."""
    global _adopts
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        _adopts = libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        _adopts = False
    return _adopts


def _stop_fork_server() -> None:
    """End multiprocessing's fork server of this process (the next worker started starts a new
    one); its workers go on, adopted by this process. The fork server would end by itself only
    once every process holding its "alive" pipe has closed it, and its workers hold it too: it is
    killed, then forgotten as ``ForkServer._stop`` forgets it (the standard library's own way,
    used by its tests: the pipe closed, the process waited for, its socket removed)."""
    from multiprocessing import forkserver

    server: Any = forkserver._forkserver  # noqa: SLF001 (private attributes: not in the stubs)
    with server._lock:  # noqa: SLF001
        pid = server._forkserver_pid  # noqa: SLF001
        if pid is None:
            return
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        server._stop_unlocked()  # noqa: SLF001


# Objects a cleaning worker allocates before the garbage collector looks at them (Python's
# default: 700). Cleaning a page makes and drops tens of thousands of them (trees, strings, lists
# of lines); with the default, survivors of a page reach the older generations often and the
# collector keeps scanning the worker's whole heap.
GC_THRESHOLD = 10_000


def warm_up(crawl: int | None = None, adopted: bool = False) -> None:
    """Worker start-up: never outlive the crawl process ``crawl``; load trafilatura and the
    language model (already loaded when the worker comes from the fork server). What is loaded
    then lives as long as the worker: it is moved out of the garbage collector's reach
    (``gc.freeze``: the modules, trafilatura's tables, the language model, what the worker
    inherited from its parent), and the collector runs every ``GC_THRESHOLD`` allocations (in a
    crawl of 600 real pages, the collector took about 8 % of the workers' CPU before, most of it
    in full scans of that heap; under 2 % after)."""
    from crawlers.cleaning import detect_language

    if crawl is not None:
        _die_with_parent(crawl, adopted)
    detect_language("warm up the language identifier with a sentence")
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, older, oldest)


def worker_context():  # type: ignore[no-untyped-def]
    """Where cleaning workers come from: forked from a fork server that has loaded the cleaning
    code once (``crawlers.workerboot``); where there is no fork server, each worker is a fresh
    interpreter. Never a plain fork of the crawl process (its reactor and threads)."""
    if "forkserver" in get_all_start_methods():
        context = get_context("forkserver")
        context.set_forkserver_preload(["crawlers.workerboot"])
    else:
        context = get_context("spawn")
    return context


def cleaning_pool(workers: int) -> ProcessPoolExecutor:
    """A plain executor of cleaning workers (``worker_context``), for batch work such as the
    benchmarks; a crawl cleans in a ``CleaningPool``, which has a time limit per page."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=worker_context(), initializer=warm_up,
                               initargs=(os.getpid(),))


CLEAN_TIMEOUT: float = config.default("HARVEST_CLEAN_TIMEOUT")  # seconds a worker may spend on one page
PDF_TIMEOUT: float = config.default("HARVEST_PDF_TIMEOUT")  # seconds a worker may spend reading one PDF
START_TIMEOUT = 120.0  # seconds for a new worker to be ready (a fresh interpreter loads trafilatura)


# A worker gives the C heap's free pages back to the system (glibc's ``malloc_trim``) when it has
# waited ``TRIM_IDLE`` seconds for its next page, after a page of more than ``TRIM_AFTER_BYTES``
# (lxml's trees of a large page leave the heap fragmented, its free pages counted in the worker's
# memory until then), and every ``TRIM_EVERY`` pages in between. A trim is paid for by the next
# pages, which fault the memory it gave back in again: measured on the 990 real pages in one
# process, two rounds, a trim every 16 pages and after each page over 400 KB cost 0.72 ms of
# system CPU a page (the cleaning: about 35 ms) for a mean RSS 10-14 MB lower than without trims
# (0.07 ms); every 256 pages and after 2 MB, 0.05-0.09 ms; the peak was the same (36-41 MB above
# the start) whatever the rule. A busy worker (a crawl without politeness) thus hardly trims; a
# waiting one, as in a polite crawl, gives its memory back while it waits.
TRIM_IDLE = 0.2
TRIM_EVERY = 256
TRIM_AFTER_BYTES = 2_000_000


def _trimmer() -> Any:
    """glibc's ``malloc_trim``, or None elsewhere."""
    try:
        import ctypes

        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


# A page goes to its worker through memory the two processes share, when it fits: through the
# pipe, a 150 KB page is copied into the kernel and out again in pieces, each waking the other
# end (measured on real pages' sizes: 0.16 ms of CPU per page for both ends through a socket
# pair, 0.06 through shared memory). Larger pages, and hosts without ``memfd_create``, go
# through the pipe. The buffer's pages that are never written take no memory.
SHARED_BYTES = 8 << 20


class SharedPage:
    """A buffer the crawl process writes a page into and its worker reads it from: an anonymous
    memory file (``os.memfd_create``) mapped by both. It pickles, in the worker's start-up
    arguments, as its file descriptor, which the start method hands to the worker."""

    def __init__(self, fd: int, size: int) -> None:
        self.fd, self.size = fd, size
        self.map = mmap.mmap(fd, size)

    @classmethod
    def create(cls, size: int | None = None) -> SharedPage | None:
        """A new buffer of ``size`` bytes (default ``SHARED_BYTES``), or None where there is no
        ``memfd_create`` or it fails."""
        size = SHARED_BYTES if size is None else size
        memfd_create = getattr(os, "memfd_create", None)
        if memfd_create is None:
            return None
        fd = -1
        try:
            fd = memfd_create("harvest-page", getattr(os, "MFD_CLOEXEC", 0))
            os.ftruncate(fd, size)
            return cls(fd, size)
        except OSError:
            if fd >= 0:
                os.close(fd)
            return None

    def put(self, page: bytes) -> int:
        self.map[:len(page)] = page
        return len(page)

    def take(self, size: int) -> bytes:
        return self.map[:size]

    def close(self) -> None:
        self.map.close()
        os.close(self.fd)

    def __reduce__(self) -> tuple[Any, ...]:
        from multiprocessing.reduction import DupFd  # type: ignore[attr-defined]

        return _shared_page, (DupFd(self.fd), self.size)


def _shared_page(fd: Any, size: int) -> SharedPage:
    return SharedPage(fd.detach(), size)


def _worker_main(conn: Any, crawl: int, adopted: bool = False, shared: SharedPage | None = None) -> None:
    """A cleaning worker of a ``CleaningPool``: ``clean_job`` on each page it receives, the
    result (or the exception raised) sent back with the CPU seconds the job took (this thread's
    clock: what the crawl reports as its cleaning's cost); it ends when the pool closes its pipe.
    ``adopted``: see ``_die_with_parent``; ``shared``: where a page whose arguments give its
    size in place of its bytes is (``SharedPage``)."""
    warm_up(crawl, adopted)
    conn.send("ready")
    trim = _trimmer()
    untrimmed = 0  # pages cleaned since the last trim
    while True:
        try:
            if trim is not None and untrimmed and not conn.poll(TRIM_IDLE):
                trim(0)  # waiting for a page: the heap's free pages go back now
                untrimmed = 0
            args = conn.recv()
        except (EOFError, OSError):
            return
        if type(args[0]) is int and shared is not None:
            args = (shared.take(args[0]), *args[1:])
        started = time.thread_time()
        value: Any
        try:
            ok, value = True, clean_job(*args)
        except Exception as exc:  # noqa: BLE001 (raised again in the crawl process)
            ok, value = False, exc
        spent = time.thread_time() - started
        try:
            conn.send((ok, value, spent))
        except Exception:  # noqa: BLE001 (an exception that cannot be pickled: its text)
            conn.send((False, RuntimeError(f"{type(value).__name__}: {value}"), spent))
        untrimmed += 1
        if trim is not None and (untrimmed >= TRIM_EVERY or len(args[0]) > TRIM_AFTER_BYTES):
            trim(0)
            untrimmed = 0


class _Worker:
    """One worker process of a ``CleaningPool`` and the crawl process's end of its pipe."""

    def __init__(self, context: Any, adopted: bool = False) -> None:
        self.conn, child = context.Pipe()
        self.watched: asyncio.AbstractEventLoop | None = None  # the loop watching the pipe for a reply
        self.shared = SharedPage.create()
        self.process = context.Process(target=_worker_main, args=(child, os.getpid(), adopted, self.shared),
                                       name="harvest-clean", daemon=True)
        try:
            self.process.start()
        except BaseException:
            self._release()
            raise
        child.close()
        try:
            ready = self.conn.poll(START_TIMEOUT) and self.conn.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.stop(kill=True)
            raise RuntimeError(f"a cleaning worker did not start (exit code {self.process.exitcode})")

    async def clean(self, args: tuple[Any, ...], timeout: float | None,
                    loop: asyncio.AbstractEventLoop) -> tuple[str, Any, float]:
        """``("ok", result, cpu)``, ``("error", exception, cpu)`` (``cpu``: the worker's CPU
        seconds on the job), ``("timeout", None, 0.0)`` when no result came within ``timeout``
        seconds, ``("died", None, 0.0)`` when the worker is gone. Awaited on ``loop``, which
        watches the worker's pipe: no thread waits for the result."""
        page = args[0]
        if self.shared is not None and type(page) is bytes and len(page) <= self.shared.size:
            args = (self.shared.put(page), *args[1:])
        ready: asyncio.Future[bool] = loop.create_future()

        def answered(came: bool) -> None:
            if not ready.done():
                ready.set_result(came)

        try:
            self.conn.send(args)
            loop.add_reader(self.conn.fileno(), answered, True)  # the reply, or the end of the pipe
            self.watched = loop
        except (EOFError, OSError):
            return "died", None, 0.0
        timer = loop.call_later(timeout, answered, False) if timeout is not None else None
        try:
            came = await ready
        finally:
            self.unwatch()
            if timer is not None:
                timer.cancel()
        if not came:
            return "timeout", None, 0.0
        try:
            ok, value, cpu = self.conn.recv()
        except (EOFError, OSError):
            return "died", None, 0.0
        return ("ok" if ok else "error"), value, cpu

    def unwatch(self) -> None:
        """The loop no longer watches the worker's pipe."""
        if self.watched is not None:
            self.watched.remove_reader(self.conn.fileno())
            self.watched = None

    def stop(self, kill: bool = False) -> None:
        """End the worker: at once with ``kill``, else when it sees its pipe closed."""
        if kill:  # by its pid: once its fork server is gone, ``Process`` may take it for ended
            try:
                os.kill(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.conn.close()
        try:
            if self._reap(5.0):
                return
            self.process.join(5)
            if self.process.is_alive():
                self.process.kill()
                self.process.join()
        finally:
            self._release()

    def _release(self) -> None:
        if self.shared is not None:
            self.shared.close()
            self.shared = None

    def _reap(self, timeout: float) -> bool:
        """Wait for the worker when this process is its parent (adopted after its fork server
        exited: the fork server no longer reports its end), killing it after ``timeout`` seconds;
        False when it is not this process's child (its fork server waits for it)."""
        pid = self.process.pid
        deadline = time.monotonic() + timeout
        while True:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                return False
            if done:
                return True
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return True
            time.sleep(0.01)


class CleaningPool:
    """Cleaning worker processes (``worker_context``), with a time limit per page.

    Each worker cleans one page at a time. The event loop the pool is made in (the crawl's: the
    reactor's asyncio loop), or else a loop of its own in a thread, drives the workers: a page is
    written to a worker's pipe and the loop watches the pipe for the result, with a timer for the
    limit (``None``: no limit; a job may bring its own limit, as a PDF does). No thread waits on a
    worker per page: a thread per worker handing pages over cost the crawl process about 0.3 ms
    of CPU a page in wake-ups and hand-overs of the interpreter lock. Past the limit the worker
    is killed — a page can hold it in C code, a regular expression or the HTML parser, that
    nothing else interrupts — and a new worker takes its place; a worker that dies on a page
    (out of memory, killed) is replaced the same way. Only that page is lost, rejected as
    ``clean_timeout`` or ``cleaning_crashed``; the other workers and their pages go on. Workers
    are started and stopped in threads of their own (a start loads trafilatura when there is no
    fork server), never on the loop. ``clean`` is awaited on the pool's loop; ``submit`` returns
    a future of ``clean_job``'s result, from any other thread.

    In a process that adopts its orphans (``adopt_orphans``: the crawl process), the fork server
    is stopped once every worker has started (``release_fork_server``): it holds a copy of
    everything the workers inherited and then wrote to (about 37 MB of a 2,000-page crawl's peak
    PSS), and is needed again only to replace a worker, when a new one is started for the time
    it takes (it loads trafilatura again: about 2 s of CPU).
    """

    def __init__(self, workers: int, timeout: float | None = CLEAN_TIMEOUT,
                 loop: asyncio.AbstractEventLoop | None = None) -> None:
        self.context = worker_context()
        self.timeout = timeout
        self.release_fork_server = _adopts and self.context.get_start_method() == "forkserver"
        self._forking = threading.Lock()  # workers are started and stopped one at a time
        self._running = 0  # workers started and not stopped
        self.size = workers
        self._own_loop: threading.Thread | None = None
        try:
            self.loop = loop or asyncio.get_running_loop()
        except RuntimeError:  # no loop here: one of the pool's own, in a thread
            self.loop = asyncio.new_event_loop()
            self._own_loop = threading.Thread(target=self.loop.run_forever, name="harvest-clean-loop", daemon=True)
            self._own_loop.start()
        self._jobs: asyncio.Queue[Any] | None = None
        self._slots = [_Slot() for _ in range(workers)]
        self._tasks: list[asyncio.Task[None]] = []
        self._closed = False
        if self._in_loop() or not self.loop.is_running():
            self._begin()
        else:  # runs before any page the loop is given after it (its callbacks are in order)
            self.loop.call_soon_threadsafe(self._begin)

    def _in_loop(self) -> bool:
        try:
            return asyncio.get_running_loop() is self.loop
        except RuntimeError:
            return False

    def _begin(self) -> None:
        self._jobs = asyncio.Queue()
        self._tasks = [self.loop.create_task(self._drive(slot), name=f"harvest-clean-{i}")
                       for i, slot in enumerate(self._slots)]

    async def clean(self, *args: Any, timeout: float | None | bool = True, tally: Tally | None = None) -> CleanResult:
        """``clean_job(*args)``, awaited on the pool's loop, with the pool's time limit
        (``timeout=True``) or another (seconds; ``None``: none). ``tally(cpu)``, when given, is
        called on the pool's loop with the CPU seconds the worker spent on the job (0 for a page
        cut by the limit or lost with its worker)."""
        if self._closed or self._jobs is None:
            raise RuntimeError("the cleaning pool is shut down")
        future: asyncio.Future[CleanResult] = self.loop.create_future()
        self._jobs.put_nowait((future, args, self.timeout if timeout is True else timeout, tally))
        return await future

    def submit(self, *args: Any, timeout: float | None | bool = True,
               tally: Tally | None = None) -> Future[CleanResult]:
        """A future of ``clean_job(*args)`` (see ``clean``), from a thread that does not run the
        pool's loop."""
        return asyncio.run_coroutine_threadsafe(self.clean(*args, timeout=timeout, tally=tally), self.loop)

    def shutdown(self) -> None:
        """Cancel the pages not yet started, let the workers finish theirs, stop the workers."""
        if self._closed:
            return
        self._closed = True
        if self._in_loop() or not self.loop.is_running():  # the loop cannot be awaited: ended here
            self._shutdown_here()
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), self.loop).result()
        if self._own_loop is not None:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._own_loop.join()
            self.loop.close()

    def _cancel_waiting(self) -> None:
        assert self._jobs is not None
        while not self._jobs.empty():
            job = self._jobs.get_nowait()
            if job is not None:
                job[0].cancel()

    async def _shutdown(self) -> None:
        self._cancel_waiting()
        assert self._jobs is not None
        for _ in self._tasks:
            self._jobs.put_nowait(None)
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _shutdown_here(self) -> None:
        """The shutdown from the loop's own thread (a crawl ends in a callback of the loop): the
        pages being cleaned are waited for on the workers' pipes directly, then every worker
        stops."""
        self._cancel_waiting()
        for task in self._tasks:
            task.cancel()
        for slot in self._slots:
            worker, job = slot.worker, slot.job
            slot.worker = slot.job = None
            if worker is None:
                continue
            worker.unwatch()
            if job is not None and not job[0].done():
                future, _args, limit, tally = job
                cpu = 0.0
                try:
                    came = worker.conn.poll(limit)
                    ok, value, cpu = worker.conn.recv() if came else (True, None, 0.0)
                except (EOFError, OSError):
                    came, ok, value = True, True, (Rejected("cleaning_crashed", "the cleaning worker process "
                                                            "died on this page"), None)
                if tally is not None:
                    tally(cpu)
                if not came:
                    value = (Rejected("clean_timeout", f"cleaning took longer than {limit:g} s"), None)
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)
                if not came:
                    self._stop(worker, kill=True)
                    continue
            self._stop(worker)

    async def _drive(self, slot: _Slot) -> None:
        """One worker's task: a worker is started (again) before the next page is taken."""
        assert self._jobs is not None
        try:
            while True:
                failure: Exception | None = None
                if slot.worker is None:
                    try:
                        slot.worker = await asyncio.to_thread(self._start)
                    except (OSError, RuntimeError) as exc:
                        failure = exc
                job = await self._jobs.get()
                if job is None:
                    return
                future, args, limit, tally = job
                if future.done():  # cancelled
                    continue
                if slot.worker is None:
                    future.set_exception(failure or RuntimeError("no cleaning worker"))
                    continue
                slot.job = job
                status, value, cpu = await slot.worker.clean(args, limit, self.loop)
                slot.job = None
                if tally is not None:
                    tally(cpu)
                if status == "ok":
                    if not future.done():
                        future.set_result(value)
                elif status == "error":
                    if not future.done():
                        future.set_exception(value)
                else:
                    worker, slot.worker = slot.worker, None
                    await asyncio.to_thread(self._stop, worker, True)
                    if status == "timeout":
                        rejected = Rejected("clean_timeout", f"cleaning took longer than {limit:g} s")
                    else:
                        rejected = Rejected("cleaning_crashed", "the cleaning worker process died on this page")
                    if not future.done():
                        future.set_result((rejected, None))
        finally:
            if slot.worker is not None:  # not when ``_shutdown_here`` stopped it
                worker, slot.worker = slot.worker, None
                await asyncio.to_thread(self._stop, worker)

    def _start(self) -> _Worker:
        with self._forking:
            worker = _Worker(self.context, adopted=self.release_fork_server)
            if self._closed:  # shut down meanwhile: nothing would stop it
                worker.stop()
                raise RuntimeError("the cleaning pool is shut down")
            self._running += 1
            if self.release_fork_server and self._running == self.size:
                _stop_fork_server()
            return worker

    def _stop(self, worker: _Worker, kill: bool = False) -> None:
        with self._forking:
            worker.stop(kill)
            self._running -= 1


class _Slot:
    """A place for one worker in a ``CleaningPool``: its worker (``None`` between a worker that
    ended and the next) and the job it is cleaning."""

    def __init__(self) -> None:
        self.worker: _Worker | None = None
        self.job: Any = None


_PDF_NAME = re.compile(rb"\.[pP][dD][fF]")  # 0.08 ms on a page of 150 KB (three ``in`` tests: 0.2 ms)


def _names_pdf(page: str | bytes) -> bool:
    """Whether a page holds ``.pdf`` (in any case) anywhere."""
    if isinstance(page, str):
        page = page.encode("utf-8", "surrogatepass")
    return _PDF_NAME.search(page) is not None


def _fingerprints(result: Cleaned) -> None:
    """What the crawl's writer needs of a text, computed here, off the crawl process: its SimHash
    (``_simhash``), its content hash (``_digest``) and its paragraphs' template keys (``_keys``,
    ``crawlers.boilerplate.paragraph_keys``). ``crawlers.judge.judge`` takes them out of the
    metadata; the SimHash and the hash are dropped there when template paragraphs are removed
    (the text changed: computed again when stored)."""
    body = result.body
    result.meta["_simhash"] = simhash(body)
    result.meta["_digest"] = content_hash(body)
    result.meta["_keys"] = paragraph_keys(result.paragraphs)


def clean_job(html: str | bytes, url: str, options: CleanOptions = _DEFAULT_OPTIONS) -> CleanResult:
    """The work sent to a cleaning worker (module-level, so it pickles): decoding the body,
    cleaning, the text's fingerprints (``_fingerprints``) and, with ``options.want_links``, the
    page's links from the same parsed tree, so all CPU-heavy work per page happens in the worker
    and each page is parsed once. Returns (the result, the links or ``None``).

    A PDF (``options.document``, or a body that starts with ``%PDF-``) is read by
    ``crawlers.pdfdoc.read_pdf`` (its text layer, metadata and their provenance); it has no
    links to return."""
    if isinstance(html, bytes) and (options.document or html[:5] == PDF_MAGIC):
        from crawlers.pdfdoc import read_pdf  # loaded by the workers that meet a PDF only

        document = read_pdf(html, url, link_text=options.link_text, last_modified=options.last_modified)
        if isinstance(document, Cleaned):
            _fingerprints(document)
        return document, None
    # Links wanted for the PDFs only (a page a sitemap or feed lists: no walk from it): read only
    # from a page that names a PDF somewhere (most pages do not).
    want = options.want_links and not (options.only_document_links and not _names_pdf(html))
    if isinstance(html, bytes):
        problem = sniff(html, strict=False)
        if problem:  # an image, an archive or random bytes served as text/html
            return Rejected(*problem), None
        html = decode_page(html, options.charset)
    links: list[tuple[Any, ...]] | None = [] if want else None
    result = clean(html, url, min_chars=options.min_chars, require_article=options.require_article, links=links,
                   document_links_only=options.only_document_links)
    if isinstance(result, Cleaned):
        _fingerprints(result)
    return result, links


def _reactor_loop() -> asyncio.AbstractEventLoop | None:
    """The asyncio loop of the installed Twisted reactor (Scrapy's default, an
    ``AsyncioSelectorReactor``), which then drives the cleaning workers; None with another
    reactor, or none."""
    from scrapy.utils.reactor import is_asyncio_reactor_installed, is_reactor_installed

    if not (is_reactor_installed() and is_asyncio_reactor_installed()):
        return None
    from twisted.internet import reactor

    loop: asyncio.AbstractEventLoop = reactor._asyncioEventloop  # type: ignore[attr-defined]  # noqa: SLF001 (as Scrapy reads it)
    return loop


class Cleaner:
    """The crawl's cleaning, awaited by the spider's article callback: a ``CleaningPool`` of
    ``HARVEST_CLEAN_WORKERS`` processes (-1: one per core) with a time limit of
    ``HARVEST_CLEAN_TIMEOUT`` seconds per page (0: none), or, with 0 workers, the crawl process
    itself (no time limit); a PDF has ``HARVEST_PDF_TIMEOUT`` seconds instead. Downloads go on
    while pages are cleaned; Scrapy's scraper slot (at
    most ``SCRAPER_SLOT_MAX_ACTIVE_SIZE`` bytes of responses in processing) is the back-pressure."""

    def __init__(self, workers: int, timeout: float | None, pdf_timeout: float | None = PDF_TIMEOUT) -> None:
        self.workers = (os.cpu_count() or 1) if workers < 0 else workers
        self.timeout = timeout
        self.pdf_timeout = pdf_timeout
        self.pool: CleaningPool | None = CleaningPool(self.workers, timeout, _reactor_loop()) \
            if self.workers > 0 else None

    @classmethod
    def from_settings(cls, settings: Any) -> Cleaner:
        timeout = settings.getfloat("HARVEST_CLEAN_TIMEOUT", CLEAN_TIMEOUT)
        pdf_timeout = settings.getfloat("HARVEST_PDF_TIMEOUT", PDF_TIMEOUT)
        workers = settings.getint("HARVEST_CLEAN_WORKERS", config.default("HARVEST_CLEAN_WORKERS"))
        return cls(workers, timeout if timeout > 0 else None, pdf_timeout if pdf_timeout > 0 else None)

    async def clean(self, body: str | bytes, url: str, options: CleanOptions,
                    tally: Tally | None = None) -> CleanResult:
        """``clean_job``'s result for one page (a page the pool's time limit or a dying worker
        cut is a ``Rejected`` with reason ``clean_timeout`` or ``cleaning_crashed``);
        ``tally(cpu)``: told the CPU seconds the cleaning of the page took (see
        ``CleaningPool.clean``)."""
        if self.pool is None:
            started = time.thread_time()
            try:
                return clean_job(body, url, options)
            finally:
                if tally is not None:
                    tally(time.thread_time() - started)
        pdf = options.document or (isinstance(body, bytes) and body[:5] == PDF_MAGIC)
        limit = self.pdf_timeout if pdf else self.timeout
        if self.pool.loop is asyncio.get_running_loop():
            return await self.pool.clean(body, url, options, timeout=limit, tally=tally)
        return await asyncio.wrap_future(self.pool.submit(body, url, options, timeout=limit, tally=tally))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None
