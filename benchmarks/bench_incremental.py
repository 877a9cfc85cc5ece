"""Benchmark: requests and wall time of incremental crawls of a ~2,000-article site.

    python benchmarks/bench_incremental.py [--articles 2000] [--new-percent 1]

Prints, side by side from one run: the first crawl into an empty corpus, an unchanged
re-crawl, and a crawl after ``--new-percent`` % new articles. Target: the unchanged re-crawl
makes at most 5 % of the first crawl's requests. Politeness is off (``delay: 0``): the site is
served on 127.0.0.1 by the project's own local-site server.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from sitebuild import build_site  # noqa: E402
from testing.localsite import LocalSite  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def crawl(config: Path, corpus: Path) -> tuple[dict, float]:
    out = corpus.parent / "summary.json"
    t0 = time.monotonic()
    subprocess.run([sys.executable, "-m", "crawlers.run", "bench", "--config", str(config), "--corpus", str(corpus),
                    "--summary", str(out), "--log-level", "WARNING"], check=True, cwd=ROOT)
    return json.loads(out.read_text()), time.monotonic() - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--new-percent", type=float, default=1.0)
    args = parser.parse_args()
    new = max(1, round(args.articles * args.new_percent / 100))
    with tempfile.TemporaryDirectory(prefix="harvest-bench-") as tmp:
        tmp_path = Path(tmp)
        port = free_port()
        config = tmp_path / "sources.yaml"
        config.write_text(f"sources:\n  - name: bench\n    url: http://127.0.0.1:{port}/en/\n    delay: 0\n"
                          f"    max_pages: {args.articles * 2}\n    max_listing_pages: {args.articles}\n")
        corpus = tmp_path / "corpus"
        print(f"building a site of {args.articles} articles …", file=sys.stderr)
        state1 = build_site(tmp_path / "state1", args.articles)
        rows = []
        with LocalSite(state1, port=port) as site:
            for label in ("first crawl (empty corpus)", "unchanged re-crawl"):
                site.requests.clear()
                summary, seconds = crawl(config, corpus)
                rows.append((label, len(site.requests), seconds, summary))
        state2 = build_site(tmp_path / "state2", args.articles, new=new)
        with LocalSite(state2, port=port) as site:
            summary, seconds = crawl(config, corpus)
            rows.append((f"after {new} new articles ({args.new_percent:g} %)", len(site.requests), seconds, summary))
    first_requests = rows[0][1]
    print(f"\nsite: {args.articles} articles, WordPress-like (feed, wp-sitemap, REST API, /page/N/ listings)\n")
    print(f"{'crawl':<36} {'requests':>8} {'% of 1st':>9} {'wall s':>8} {'new':>6} {'updated':>8} {'not modified':>13}")
    for label, requests, seconds, s in rows:
        print(f"{label:<36} {requests:>8} {100 * requests / first_requests:>8.1f}% {seconds:>8.1f} "
              f"{s.get('new', 0):>6} {s.get('updated', 0):>8} {s.get('not_modified', 0):>13}")
    ratio = rows[1][1] / first_requests
    print(f"\nunchanged re-crawl / first crawl requests: {ratio:.3f} (target ≤ 0.05): "
          f"{'MET' if ratio <= 0.05 else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
