"""Benchmark: crawl-and-clean throughput and memory on generated 1,000- and 10,000-page sites.

    python benchmarks/bench_speed.py [--sizes 1000 10000] [--page-kb 150]

For each size, in one run, side by side:
1. raw cleaning limit: the project's cleaning function over the same article pages read from
   disk, in a process pool using all cores (pages/s);
2. end to end: `crawlers.run` crawling the site (served on 127.0.0.1, politeness off) into an
   empty corpus (article pages/s, peak RSS of the crawl process and its workers);
3. naive baseline: a plain Scrapy CrawlSpider calling trafilatura.extract in its callback and
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
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from crawlers.pipelines import clean_job, warm_up  # noqa: E402
from flows.localsite import LocalSite  # noqa: E402
from sitebuild import build_site  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_rss(pid: int) -> int:
    """RSS in bytes of a process and all its descendants (from /proc)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack += [int(c) for c in fh.read().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of one process so far (from /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


CPU: dict[str, float] = {}  # the last measured run: CPU seconds of the main process, its workers, this process


def run_measured(cmd: list[str], cwd: Path = ROOT) -> tuple[float, int]:
    """Run a command; return (wall seconds, peak RSS of its process tree). CPU seconds of the
    command's process, of its child processes and of this process (the site server) go to CPU."""
    peak = 0
    seen: dict[int, float] = {}
    t0, own0 = time.monotonic(), time.process_time()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(proc.pid))
            for pid in [proc.pid, *children(proc.pid)]:
                value = cpu_seconds(pid)
                if value is not None:
                    seen[pid] = value
            time.sleep(0.1)

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
    return seconds, peak


def article_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "en").glob("news-item-*/index.html"))


def raw_limit(files: list[Path], workers: int) -> float:
    pages = [(p.read_text(encoding="utf-8"), "http://127.0.0.1/en/" + p.parent.name + "/") for p in files]
    with ProcessPoolExecutor(max_workers=workers, initializer=warm_up) as pool:
        list(pool.map(clean_job, [pages[0][0]] * workers, [pages[0][1]] * workers, [0] * workers, [False] * workers))
        t0 = time.monotonic()
        results = list(pool.map(clean_job, [h for h, _ in pages], [u for _, u in pages], [250] * len(pages),
                                [True] * len(pages), chunksize=4))
        seconds = time.monotonic() - t0
    assert sum(1 for r in results if hasattr(r, "paragraphs")) == len(pages)
    return len(pages) / seconds


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
            print(f"site of {n} articles: {size_mb:.0f} MB of article HTML ({size_mb * 1024 / n:.0f} KB/page)", file=sys.stderr)
            limit = raw_limit(files, workers)
            port = free_port()
            config = tmp_path / f"sources{n}.yaml"
            config.write_text(f"sources:\n  - name: bench\n    url: http://127.0.0.1:{port}/en/\n    delay: 0\n"
                              f"    max_pages: {n * 2}\n    max_listing_pages: {n}\n")
            corpus = tmp_path / f"corpus{n}"
            summary = tmp_path / f"summary{n}.json"
            with LocalSite(root, port=port) as site:
                crawl_cmd = [sys.executable, "-m", "crawlers.run", "bench", "--config", str(config), "--corpus",
                             str(corpus), "--summary", str(summary), "--log-level", "WARNING"]
                e2e_s, e2e_peak = run_measured(crawl_cmd)
                e2e_cpu = dict(CPU)
                stored = json.loads(summary.read_text())["new"]
                first_requests = len(site.requests)
                site.requests.clear()
                naive_out = tmp_path / f"naive{n}.jsonl"
                # Outside the project folder, so none of the project's Scrapy settings apply.
                naive_s, naive_peak = run_measured([sys.executable, "-m", "scrapy", "runspider",
                                                    str(ROOT / "benchmarks" / "naive_spider.py"), "-a",
                                                    f"start=http://127.0.0.1:{port}/en/", "-o", str(naive_out)], cwd=tmp_path)
                naive_pages = sum(1 for _ in naive_out.open())
                recrawl = None
                if n == max(args.sizes):
                    site.requests.clear()
                    re_s, _ = run_measured(crawl_cmd)
                    recrawl = (re_s, len(site.requests), first_requests)
            rows.append({"n": n, "limit": limit, "e2e": stored / e2e_s, "stored": stored, "e2e_s": e2e_s,
                         "peak_mb": e2e_peak / 2**20, "naive": naive_pages / naive_s, "naive_pages": naive_pages,
                         "naive_peak_mb": naive_peak / 2**20, "recrawl": recrawl, "cpu": e2e_cpu})
    print(f"\n{workers} cores; article pages/s (all measured in this run)\n")
    print(f"{'site':>7} {'raw limit':>10} {'end-to-end':>11} {'e2e/limit':>10} {'naive':>8} {'e2e/naive':>10} "
          f"{'peak MB':>8} {'naive MB':>9} {'stored':>7}")
    for r in rows:
        print(f"{r['n']:>7} {r['limit']:>10.1f} {r['e2e']:>11.1f} {r['e2e'] / r['limit']:>9.0%} {r['naive']:>8.1f} "
              f"{r['e2e'] / r['naive']:>9.2f}x {r['peak_mb']:>8.0f} {r['naive_peak_mb']:>9.0f} {r['stored']:>7}")
    print("\nwhere the end-to-end CPU goes, ms per stored page (crawl process incl. its store thread | "
          "cleaning workers | site server and sampler in this process) vs the raw limit's ms per page:")
    for r in rows:
        c, k = r["cpu"], 1000 / r["stored"]
        print(f"{r['n']:>7}  crawl {c['main'] * k:5.1f}  workers {c['workers'] * k:5.1f}  server {c['server'] * k:4.1f}"
              f"  | raw cleaning {workers * 1000 / r['limit']:5.1f}  | wall {r['e2e_s']:.1f} s")
    if len(rows) > 1:
        print(f"\nlargest/smallest end-to-end pages/s: {rows[-1]['e2e'] / rows[0]['e2e']:.2f} (target within 10%)")
    for r in rows:
        if r["recrawl"]:
            s, req, first = r["recrawl"]
            print(f"unchanged re-crawl of the {r['n']}-page site: {s:.1f} s, {req} requests (first crawl: {first})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
