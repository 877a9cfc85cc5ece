"""Benchmark: crawl-and-clean throughput and memory on generated 1,000- and 10,000-page sites.

    python benchmarks/bench_speed.py [--sizes 1000 10000] [--page-kb 150]

For each size, in one run, side by side:
1. raw cleaning limit: the project's cleaning function over the same article pages read from
   disk, in a process pool using all cores (pages/s);
2. fetch floor: a plain Scrapy spider that only downloads the same article pages (CPU per page
   of its process and of the site server), which gives the ceiling of any Scrapy-based
   pipeline on this machine: cleaning / (cleaning + fetch floor + serving);
3. end to end: `crawlers.run` crawling the site (served on 127.0.0.1, politeness off) into an
   empty corpus (article pages/s, peak RSS and PSS of the crawl process and its workers);
4. naive baseline: a plain Scrapy CrawlSpider calling trafilatura.extract in its callback and
   writing JSONL (article pages/s);
and, for the largest size, the unchanged re-crawl (wall time, requests).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from crawlers.cleaner import cleaning_pool  # noqa: E402
from rawclean import clean_file  # noqa: E402
from sitebuild import build_site  # noqa: E402
from testing.localsite import LocalSite  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_memory(pid: int, pss: bool = True) -> tuple[int, int]:
    """(RSS, PSS) in bytes of a process and all its descendants (from /proc). RSS counts the
    pages that processes share (the cleaning workers share what their fork server loaded) once
    per process; PSS splits them among the processes that share them. PSS costs the kernel a
    walk of each process's page tables: ``pss=False`` skips it (and returns 0 for it)."""
    total_rss = total_pss = 0
    for p in [pid, *descendants(pid)]:
        try:
            if pss:
                with open(f"/proc/{p}/smaps_rollup") as fh:
                    for line in fh:
                        if line.startswith("Rss:"):
                            total_rss += int(line.split()[1]) * 1024
                        elif line.startswith("Pss:"):
                            total_pss += int(line.split()[1]) * 1024
            else:
                with open(f"/proc/{p}/status") as fh:
                    for line in fh:
                        if line.startswith("VmRSS:"):
                            total_rss += int(line.split()[1]) * 1024
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total_rss, total_pss


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of one process so far (from /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    """Child processes, theirs, and so on (cleaning workers are children of the fork server)."""
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out + [g for c in out for g in descendants(c)]


CPU: dict[str, float] = {}  # the last measured run: CPU seconds of the main process, its workers, this process


def run_measured(cmd: list[str], cwd: Path = ROOT) -> tuple[float, int, int]:
    """Run a command; return (wall seconds, peak RSS, peak PSS of its process tree). CPU seconds
    of the command's process, of its descendants and of this process (the site server) go to CPU."""
    peak_rss = peak_pss = 0
    seen: dict[int, float] = {}
    t0, own0 = time.monotonic(), time.process_time()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_rss, peak_pss
        rounds = 0
        while not done.is_set():
            rss, pss = tree_memory(proc.pid, pss=rounds % 5 == 0)  # PSS once a second: it costs more
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            rounds += 1
            for pid in [proc.pid, *descendants(proc.pid)]:
                value = cpu_seconds(pid)
                if value is not None:
                    seen[pid] = value
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    seconds = time.monotonic() - t0
    done.set()
    sampler.join()
    CPU.clear()
    CPU.update(main=seen.get(proc.pid, 0.0), workers=sum(v for p, v in seen.items() if p != proc.pid),
               server=time.process_time() - own0)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{cmd[:4]} failed ({proc.returncode}): {err[-2000:]}")
    return seconds, peak_rss, peak_pss


def article_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "en").glob("news-item-*/index.html"))


def raw_limit(files: list[Path], workers: int) -> tuple[float, float]:
    """(pages/s, CPU ms per page of the workers): the project's cleaning over the pages, each
    worker reading its pages from disk, in the pool the crawl uses. Pool start-up not counted."""
    pool = cleaning_pool(workers)
    with pool:
        list(pool.map(clean_file, [str(files[0])] * workers))  # all workers started and warm
        pids = list(pool._processes)  # noqa: SLF001 (the workers' CPU time, from /proc)
        cpu0 = sum(cpu_seconds(p) or 0.0 for p in pids)
        t0 = time.monotonic()
        results = list(pool.map(clean_file, [str(p) for p in files], chunksize=4))
        seconds = time.monotonic() - t0
        cpu = sum(cpu_seconds(p) or 0.0 for p in pids) - cpu0
    assert all(results), "some benchmark pages were not cleaned"
    return len(files) / seconds, cpu * 1000 / len(files)


def fetch_floor(urls: list[str], tmp: Path) -> tuple[float, float]:
    """(crawl-process CPU ms per page, site-server CPU ms per page) of fetching the article
    pages with a plain Scrapy spider that does nothing else."""
    listing = tmp / "floor-urls.txt"
    listing.write_text("\n".join(urls) + "\n", encoding="utf-8")
    run_measured([sys.executable, "-m", "scrapy", "runspider", str(ROOT / "benchmarks" / "fetch_floor_spider.py"),
                  "-a", f"urls={listing}"], cwd=tmp)
    return CPU["main"] * 1000 / len(urls), CPU["server"] * 1000 / len(urls)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--page-kb", type=int, default=150, help="average padding per page (pages weigh ~30-300 KB)")
    args = parser.parse_args()
    workers = os.cpu_count() or 1
    rows = []
    with tempfile.TemporaryDirectory(prefix="harvest-speed-") as tmp:
        tmp_path = Path(tmp)
        for n in args.sizes:
            root = build_site(tmp_path / f"site{n}", n, page_kb=args.page_kb)
            files = article_files(root)
            size_mb = sum(p.stat().st_size for p in files) / 2**20
            print(f"site of {n} articles: {size_mb:.0f} MB of article HTML ({size_mb * 1024 / n:.0f} KB/page)",
                  file=sys.stderr)
            limit, raw_ms = raw_limit(files, workers)
            port = free_port()
            config = tmp_path / f"sources{n}.yaml"
            config.write_text(f"sources:\n  - name: bench\n    url: http://127.0.0.1:{port}/en/\n    delay: 0\n"
                              f"    max_pages: {n * 2}\n    max_listing_pages: {n}\n")
            corpus = tmp_path / f"corpus{n}"
            summary = tmp_path / f"summary{n}.json"
            with LocalSite(root, port=port) as site:
                floor_ms, floor_server_ms = fetch_floor([f"http://127.0.0.1:{port}/en/{p.parent.name}/" for p in files],
                                                        tmp_path)
                site.requests.clear()
                crawl_cmd = [sys.executable, "-m", "crawlers.run", "bench", "--config", str(config), "--corpus",
                             str(corpus), "--summary", str(summary), "--log-level", "WARNING"]
                e2e_s, e2e_rss, e2e_pss = run_measured(crawl_cmd)
                e2e_cpu = dict(CPU)
                stored = json.loads(summary.read_text())["new"]
                first_requests = len(site.requests)
                site.requests.clear()
                naive_out = tmp_path / f"naive{n}.jsonl"
                # Outside the project folder, so none of the project's Scrapy settings apply.
                naive_s, naive_rss, _ = run_measured([sys.executable, "-m", "scrapy", "runspider",
                                                      str(ROOT / "benchmarks" / "naive_spider.py"), "-a",
                                                      f"start=http://127.0.0.1:{port}/en/", "-o", str(naive_out)],
                                                     cwd=tmp_path)
                naive_pages = sum(1 for _ in naive_out.open())
                recrawl = None
                if n == max(args.sizes):
                    site.requests.clear()
                    re_s, _, _ = run_measured(crawl_cmd)
                    recrawl = (re_s, len(site.requests), first_requests)
            # The best any Scrapy-based pipeline can do here: every core busy, each page costing
            # its cleaning, its fetch by a spider that does nothing else, and serving it.
            ceiling = raw_ms / (raw_ms + floor_ms + floor_server_ms)
            rows.append({"n": n, "limit": limit, "raw_ms": raw_ms, "e2e": stored / e2e_s, "stored": stored,
                         "e2e_s": e2e_s, "rss_mb": e2e_rss / 2**20, "pss_mb": e2e_pss / 2**20,
                         "naive": naive_pages / naive_s, "naive_pages": naive_pages, "naive_mb": naive_rss / 2**20,
                         "recrawl": recrawl, "cpu": e2e_cpu, "floor_ms": floor_ms, "floor_server_ms": floor_server_ms,
                         "ceiling": ceiling})
    print(f"\n{workers} cores; article pages/s (all measured in this run)\n")
    print(f"{'site':>7} {'raw limit':>10} {'end-to-end':>11} {'e2e/limit':>10} {'naive':>8} {'e2e/naive':>10} "
          f"{'RSS MB':>7} {'PSS MB':>7} {'naive MB':>9} {'stored':>7}")
    for r in rows:
        print(f"{r['n']:>7} {r['limit']:>10.1f} {r['e2e']:>11.1f} {r['e2e'] / r['limit']:>9.0%} {r['naive']:>8.1f} "
              f"{r['e2e'] / r['naive']:>9.2f}x {r['rss_mb']:>7.0f} {r['pss_mb']:>7.0f} {r['naive_mb']:>9.0f} "
              f"{r['stored']:>7}")
    print("\n(RSS MB: peak of the sum of the RSS of the crawl and its processes, shared pages counted once per "
          "process; PSS MB: the same with shared pages split among the processes that share them)")
    print("\nwhere the end-to-end CPU goes, ms per stored page (crawl process incl. its store thread | "
          "cleaning workers incl. their start | site server and sampler in this process):")
    for r in rows:
        c, k = r["cpu"], 1000 / r["stored"]
        print(f"{r['n']:>7}  crawl {c['main'] * k:5.1f}  workers {c['workers'] * k:5.1f}  server {c['server'] * k:4.1f}"
              f"  | wall {r['e2e_s']:.1f} s")
    print("\nceiling: raw cleaning CPU / (raw cleaning + fetching by a do-nothing Scrapy spider + serving), "
          "ms per page:")
    for r in rows:
        print(f"{r['n']:>7}  cleaning {r['raw_ms']:5.1f}  fetch floor {r['floor_ms']:4.1f}  serving "
              f"{r['floor_server_ms']:4.1f}  -> ceiling {r['ceiling']:.0%} of the raw limit; end to end reached "
              f"{r['e2e'] / r['limit']:.0%} ({r['e2e'] / r['limit'] / r['ceiling']:.0%} of the ceiling)")
    if len(rows) > 1:
        print(f"\nlargest/smallest end-to-end pages/s: {rows[-1]['e2e'] / rows[0]['e2e']:.2f} (target within 10%)")
    for r in rows:
        if r["recrawl"]:
            s, req, first = r["recrawl"]
            print(f"unchanged re-crawl of the {r['n']}-page site: {s:.1f} s, {req} requests (first crawl: {first})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
