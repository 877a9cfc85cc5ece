"""Benchmark: cleaning on real pages nobody here wrote, side by side with plain trafilatura.

    python benchmarks/realpages.py [--limit N] [--workers N] [--archive PATH]
                                   [--ablation-limit N] [--no-ablation]

The pages are the evaluation set of the trafilatura project (990 pages with ``with`` and
``without`` snippets, see /work/shared/realpages/README.md). The archive is unpacked once into
benchmarks/.realpages/ (not in git).

Systems, each given the page's bytes and its URL, each scored on title + text:

- ``project``: ``crawlers.cleaning.clean(html, url, min_chars=0, require_article=False)``, the
  record of ``harvest clean --format jsonl`` (title, then text; a rejected page is empty);
- ``project-fast``: the same with ``crawlers.cleaning.FAST`` on (trafilatura without its
  fallbacks; a doubtful result, shorter than a share of the page's paragraph text, is
  extracted again with them): how often that happens and what it costs are printed;
- ``trafilatura``: ``trafilatura.extract`` with default settings; ``traf-precision``: with
  ``favor_precision=True``; ``traf-fast``: with ``fast=True``. Each with
  ``output_format="json", with_metadata=True`` to read its title and text.

Scoring, as in the trafilatura project's evaluation: whitespace runs are folded to one space
in the output and in the snippets; a ``with`` snippet found in the output is a true positive,
one missing a false negative; a ``without`` snippet found is a false positive, one avoided a
true negative. Precision = TP/(TP+FP), recall = TP/(TP+FN), F1 over the whole set.

Language: py3langid (``crawlers.cleaning.detect_language``) on the project's output, else on
trafilatura's; languages with fewer than 30 pages are grouped as "other". Page type: the
project's reading of the page's markers (``page_kind``: article, other page types, unknown).

Speed: every system runs on every page in the same worker process, one after the other (the
order rotates from page to page), after one warm-up page; the time of each call is summed per
system. ms/page is that sum over the pages; pages/s its inverse (per worker).

Ablation: the project's cleaning again with one of its own steps switched off
(``crawlers.cleaning.STEPS`` / ``DISABLED``), and with all of them off; the table gives the
change of P, R and F1 against the project with every step on, on the same pages.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import tarfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ARCHIVE = ROOT.parent / "shared" / "realpages" / "trafilatura-eval.tar.xz"
CACHE = ROOT / "benchmarks" / ".realpages"
SYSTEMS = ("project", "project-fast", "trafilatura", "traf-precision", "traf-fast")
TRAF_OPTIONS = {"trafilatura": {}, "traf-precision": {"favor_precision": True}, "traf-fast": {"fast": True}}
SMALL_LANGUAGE = 30  # pages: a language with fewer is counted as "other"

_WS = re.compile(r"\s+")


def norm(text: str) -> str:
    return _WS.sub(" ", text).strip()


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.tn += other.tn

    @property
    def p(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def r(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp + self.fp + self.fn else 0.0


def count(item: dict[str, Any], output: str) -> Counts:
    text = norm(output)
    tp = sum(1 for s in item["with"] if norm(s) in text)
    fp = sum(1 for s in item["without"] if norm(s) in text)
    return Counts(tp, fp, len(item["with"]) - tp, len(item["without"]) - fp)


def unpack(archive: Path, cache: Path) -> Path:
    """The folder holding evaldata.json, eval/ and cache/, unpacked once."""
    done = cache / ".unpacked"
    if done.exists() and done.read_text() == f"{archive.resolve()} {archive.stat().st_size}":
        return cache
    cache.mkdir(parents=True, exist_ok=True)
    print(f"unpacking {archive} into {cache} …", file=sys.stderr)
    with tarfile.open(archive, "r:xz") as tar:
        tar.extractall(cache, filter="data")
    done.write_text(f"{archive.resolve()} {archive.stat().st_size}")
    return cache


def load_pages(folder: Path) -> list[tuple[str, dict[str, Any], Path]]:
    data = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url, item in data.items():
        for sub in ("cache", "eval"):
            path = folder / sub / item["file"]
            if path.is_file():
                pages.append((url, item, path))
                break
        else:
            print(f"missing file for {url}: {item['file']}", file=sys.stderr)
    return pages


# --- the systems --------------------------------------------------------------------------------

def run_project(data: bytes, url: str, fast: bool | None = None) -> tuple[str, str | None, str | None]:
    """(title + text, language, page kind) as ``harvest clean --format jsonl`` gives them;
    ``fast``: with ``crawlers.cleaning.FAST`` set so (a doubtful fast result extracted again)."""
    from crawlers import cleaning
    from crawlers.cleaning import Cleaned, clean
    from flows.cleancmd import _decode_wide, sniff

    if sniff(data):
        return "", None, None
    default = cleaning.FAST
    cleaning.FAST = default if fast is None else fast
    try:
        result = clean(_decode_wide(data), url, min_chars=0, require_article=False)
    finally:
        cleaning.FAST = default
    if not isinstance(result, Cleaned):
        return "", None, None
    return "\n".join(filter(None, [result.title, result.body])), result.language, result.meta.get("page_kind")


def run_trafilatura(name: str, data: bytes, url: str) -> str:
    import trafilatura

    out = trafilatura.extract(data, url=url, output_format="json", with_metadata=True, **TRAF_OPTIONS[name])
    if not out:
        return ""
    doc = json.loads(out)
    return "\n".join(filter(None, [doc.get("title"), doc.get("text")]))


def _quiet() -> None:
    logging.disable(logging.CRITICAL)


def _warm(path: str) -> None:
    data = Path(path).read_bytes()
    run_project(data, "https://example.org/")
    for name in TRAF_OPTIONS:
        run_trafilatura(name, data, "https://example.org/")


def measure(job: tuple[int, str, dict[str, Any], str]) -> dict[str, Any]:
    """All systems on one page: counts, time, language and page kind."""
    index, url, item, path = job
    data = Path(path).read_bytes()
    order = SYSTEMS[index % len(SYSTEMS):] + SYSTEMS[:index % len(SYSTEMS)]
    out: dict[str, Any] = {"url": url, "counts": {}, "seconds": {}}
    texts: dict[str, str] = {}
    for name in order:
        start = time.perf_counter()
        try:
            if name == "project":
                text, language, kind = run_project(data, url)
                out["language"], out["kind"] = language, kind
            elif name == "project-fast":
                from crawlers.cleaning import RERUNS

                before = RERUNS[1]
                text = run_project(data, url, fast=True)[0]
                out["rerun"] = RERUNS[1] > before
            else:
                text = run_trafilatura(name, data, url)
        except Exception as exc:  # noqa: BLE001 (a crash is an empty output, and is counted)
            text = ""
            out.setdefault("errors", []).append(f"{name}: {type(exc).__name__}: {exc}")
        out["seconds"][name] = time.perf_counter() - start
        texts[name] = text
        if not text.strip():
            out.setdefault("empty", []).append(name)
        out["counts"][name] = count(item, text)
    if not out.get("language"):
        from crawlers.cleaning import detect_language

        out["language"] = detect_language(texts.get("trafilatura", ""))[0]
    return out


def ablate(job: tuple[str, dict[str, Any], str]) -> dict[str, Counts]:
    """The project with each of its steps off in turn, and with all off."""
    from crawlers import cleaning

    url, item, path = job
    data = Path(path).read_bytes()
    out: dict[str, Counts] = {}
    for step in (*cleaning.STEPS, "ALL"):
        cleaning.DISABLED.clear()
        cleaning.DISABLED.update(cleaning.STEPS if step == "ALL" else {step})
        try:
            text = run_project(data, url)[0]
        except Exception:  # noqa: BLE001
            text = ""
        finally:
            cleaning.DISABLED.clear()
        out[step] = count(item, text)
    return out


# --- reporting ----------------------------------------------------------------------------------

def table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(row: list[str]) -> str:
        return "  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(row, widths)))

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)])


def prf(c: Counts) -> list[str]:
    return [f"{c.p:.3f}", f"{c.r:.3f}", f"{c.f1:.3f}"]


def report_groups(title: str, results: list[dict[str, Any]], key: str, small: int = 0) -> None:
    """F1 per system for each value of ``key`` (values with fewer than ``small`` pages: "other")."""
    found = Counter(r.get(key) or "unknown" for r in results)
    sizes: Counter[str] = Counter()
    groups: dict[str, dict[str, Counts]] = defaultdict(lambda: {s: Counts() for s in SYSTEMS})
    for r in results:
        label = r.get(key) or "unknown"
        if found[label] < small:
            label = "other"
        sizes[label] += 1
        for s in SYSTEMS:
            groups[label][s].add(r["counts"][s])
    rows = [[label, str(sizes[label])] + [f"{groups[label][s].f1:.3f}" for s in SYSTEMS]
            for label in sorted(groups, key=lambda g: (g == "other", -sizes[g], g))]
    print(f"\n{title} (F1)")
    print(table(rows, [key, "pages", *SYSTEMS]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--archive", type=Path, default=ARCHIVE, help="the real-pages archive (tar.xz)")
    parser.add_argument("--cache", type=Path, default=CACHE, help="where it is unpacked")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages (in evaldata.json order)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (all systems share them)")
    parser.add_argument("--ablation-limit", type=int, default=0,
                        help="ablation on a fixed subset of N pages (every k-th page), 0 for all")
    parser.add_argument("--no-ablation", action="store_true")
    args = parser.parse_args()

    _quiet()
    import trafilatura

    folder = unpack(args.archive, args.cache)
    pages = load_pages(folder)
    if args.limit:
        pages = pages[: args.limit]
    jobs = [(i, url, item, str(path)) for i, (url, item, path) in enumerate(pages)]
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=max(1, args.workers), initializer=_warm, initargs=(str(pages[0][2]),)) as pool:
        results = list(pool.map(measure, jobs, chunksize=4))
        measured = time.perf_counter() - started
        ablation: dict[str, Counts] = {}
        base = Counts()
        sub: list[tuple[str, dict[str, Any], str]] = []
        if not args.no_ablation:
            if args.ablation_limit and args.ablation_limit < len(pages):
                step = len(pages) / args.ablation_limit
                picked = sorted({int(k * step) for k in range(args.ablation_limit)})
            else:
                picked = list(range(len(pages)))
            sub = [(pages[k][0], pages[k][1], str(pages[k][2])) for k in picked]
            for counts in pool.map(ablate, sub, chunksize=4):
                for step_name, c in counts.items():
                    ablation.setdefault(step_name, Counts()).add(c)
            for k in picked:
                base.add(results[k]["counts"]["project"])
    total = time.perf_counter() - started

    totals = {s: Counts() for s in SYSTEMS}
    seconds = {s: 0.0 for s in SYSTEMS}
    for r in results:
        for s in SYSTEMS:
            totals[s].add(r["counts"][s])
            seconds[s] += r["seconds"][s]
    n = len(results)
    errors = [e for r in results for e in r.get("errors", [])]

    print(f"Real pages: {n} pages of the trafilatura evaluation set, trafilatura {trafilatura.__version__}, "
          f"{args.workers} worker(s)")
    print(f"snippets: {totals['project'].tp + totals['project'].fn} 'with', "
          f"{totals['project'].fp + totals['project'].tn} 'without'")
    print("\nQuality (snippet precision / recall / F1 over the set, title + text)")
    empty = Counter(s for r in results for s in r.get("empty", []))
    rows = [[s, *prf(totals[s]), str(totals[s].tp), str(totals[s].fp), str(totals[s].fn), str(empty[s])]
            for s in SYSTEMS]
    print(table(rows, ["system", "P", "R", "F1", "TP", "FP", "FN", "empty outputs"]))

    report_groups("Per language", results, "language", SMALL_LANGUAGE)
    report_groups("Per page type (the project's reading of the page's markers)", results, "kind")

    print("\nSpeed (same pages, same worker processes, one system after the other on each page)")
    rows = [[s, f"{1000 * seconds[s] / n:.1f}", f"{n / seconds[s]:.1f}" if seconds[s] else "-",
             f"{seconds['trafilatura'] / seconds[s]:.2f}" if seconds[s] else "-"] for s in SYSTEMS]
    print(table(rows, ["system", "ms/page", "pages/s", "speed vs trafilatura"]))
    print(f"project speed / trafilatura default speed: {seconds['trafilatura'] / seconds['project']:.2f}")
    reruns = sum(1 for r in results if r.get("rerun"))
    rerun_s = sum(r["seconds"]["project-fast"] for r in results if r.get("rerun"))
    print(f"project-fast: {reruns} of {n} pages ({100 * reruns / n:.1f} %) extracted again with the fallbacks "
          f"(a doubtful fast result); those pages took {rerun_s:.1f} s of its {seconds['project-fast']:.1f} s")

    if ablation:
        print(f"\nAblation: the project with one of its steps off, on {len(sub)} pages"
              + (" (every k-th page: a fixed subset)" if len(sub) < n else "")
              + f"; with all steps on: P {base.p:.3f} R {base.r:.3f} F1 {base.f1:.3f}")
        print("(a negative ΔF1: the step gains on these pages; a positive one: it costs)")
        rows = [[step_name, *prf(c), f"{c.p - base.p:+.3f}", f"{c.r - base.r:+.3f}", f"{c.f1 - base.f1:+.4f}"]
                for step_name, c in ablation.items()]
        print(table(rows, ["step off", "P", "R", "F1", "ΔP", "ΔR", "ΔF1"]))
    if errors:
        print(f"\n{len(errors)} extraction error(s), counted as empty outputs; first: {errors[0]}")
    print(f"\nwall time: {measured:.1f} s for the systems, {total:.1f} s in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
