"""Benchmark: cleaning quality of the project's cleaner against plain trafilatura.

    python benchmarks/quality.py [--repeat N] [--details] [--only SUBSTRING]

For every fixture in benchmarks/quality/fixtures/ (``<name>.html``, ``<name>.expected.txt``,
optional ``<name>.url``; see benchmarks/quality/README.md) it runs

(a) plain trafilatura with default settings: ``trafilatura.extract(html, url=url)``;
(b) the project's cleaner: ``crawlers.cleaning.clean(html, url, min_chars=0,
    require_article=False)``, scoring ``.body`` (a ``Rejected`` scores as "").

Scores are token-level precision / recall / F1 against the expected body. Tokens are the
lower-cased ``\\w+`` words; the overlap is a multiset overlap (matched = sum over tokens of
the smaller of the two counts). An empty output has P = R = F1 = 0. Macro averages are the
means of the per-fixture scores; micro averages pool the counts over all fixtures.

Fairness: plain trafilatura sometimes prints the page title as its first line, and the
expected bodies have no title. Before scoring (a), a first line equal to the title that
trafilatura's own metadata extraction finds (``trafilatura.extract_metadata``) is removed
(comparison ignores case, punctuation and spacing). The project's cleaner already drops a
first paragraph equal to the title, so nothing is stripped from (b).

Boilerplate: for both outputs it counts the fixtures whose output contains any phrase of
BOILERPLATE (from /work/shared/research/sites.md §5 and the five seed texts), counting a
phrase only when it is not in the expected body (case-insensitive; whole words when the
phrase starts or ends with a word character).

Speed: one warm-up pass, then ``--repeat`` passes (default 5) over all fixtures for each
extractor; prints pages/s and the ratio project/trafilatura. Title stripping and scoring
are not timed; language detection inside ``clean`` is (it is part of the cleaner).

``--details`` prints, per fixture, the paragraphs of the project's output that are mostly
not article text (EXTRA), the expected paragraphs it mostly misses (MISSING) and the
surplus tokens (output minus expected, as multisets: inline junk shows up here).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from crawlers.cleaning import Cleaned, clean  # noqa: E402

FIXTURES = ROOT / "benchmarks" / "quality" / "fixtures"

BOILERPLATE = [
    # trailing lines and blocks
    "Comments are disabled", "Comments are closed", "Leave a Reply", "Enlaces", "Links:", "URL de origen", "Source URL",
    "[1]", "Subscribe to newsletter", "Subscribe to RSS", "Related posts", "You may also like",
    "You might also be interested",
    "Next post", "Previous post", "Read more", "Lire plus", "Te puede interesar", "Benzer Haberler", "Yorumlar kapalı",
    # leading lines and headers
    "Saltar al contingut", "Saltar a la navegació", "Informació de contacte", "Esteu aquí", "<bound method",
    "Skip to content", "Skip to main content", "You are here", "Welcome to Commonwealth Local Government Forum",
    "Council of European Municipalities and Regions (CEMR) /", "coopé©ration", "[:es]", "[:pt]", "[:]",
    # bylines and datelines
    "Posted by", "0 Perspectives", "30 DESEMBRE 1969", "Eurocities Writer", "Reading Time", "18-20 May 2021 |",
    "Categorías:", "October 02, 2017",
    # share, print, cookies, comments
    "Share this", "Share on Facebook", "Share on Twitter", "Paylaş", "Print Friendly", "Imprimeix", "Comparte",
    "We use cookies", "This website uses cookies", "cookies", "Necessary cookies", "Manage consent", "Accept all",
    "says:", "Reply", "Your email address will not be published", "Pingback",
    # media and template leftovers
    "Please click here to see all the pictures", "Image / illustration", "Imatge:", ".png", ".jpg",
    "Your content goes here", "Loading the profile", "Stay informed", "This post is also available",
    "will host a workshop", "Family photo", "Members of the Women International Network during",
]


def _phrase_re(phrase: str) -> re.Pattern[str]:
    left = r"(?<!\w)" if re.match(r"\w", phrase) else ""
    right = r"(?!\w)" if re.search(r"\w$", phrase) else ""
    return re.compile(left + re.escape(phrase) + right, re.IGNORECASE)


_PHRASES = [(p, _phrase_re(p)) for p in BOILERPLATE]


def boilerplate_hits(output: str, expected: str) -> list[str]:
    return [p for p, rx in _PHRASES if rx.search(output) and not rx.search(expected)]


def tokens(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


@dataclass
class Score:
    matched: int
    predicted: int
    expected: int

    @property
    def p(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def r(self) -> float:
        return self.matched / self.expected if self.expected else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0


def score(output: str, expected: str) -> Score:
    out, exp = tokens(output), tokens(expected)
    return Score(sum((out & exp).values()), sum(out.values()), sum(exp.values()))


@dataclass
class Fixture:
    name: str
    html: str
    url: str | None
    expected: str


def load(only: str | None = None) -> list[Fixture]:
    out = []
    for path in sorted(FIXTURES.glob("*.html")):
        name = path.name[: -len(".html")]
        if only and only not in name:
            continue
        exp = FIXTURES / f"{name}.expected.txt"
        url_file = FIXTURES / f"{name}.url"
        url = url_file.read_text(encoding="utf-8").strip() if url_file.exists() else None
        out.append(Fixture(name, path.read_text(encoding="utf-8"), url, exp.read_text(encoding="utf-8")))
    return out


def _norm(s: str) -> str:
    return re.sub(r"\W+", " ", s).strip().lower()


def run_trafilatura(fx: Fixture) -> str:
    return trafilatura.extract(fx.html, url=fx.url) or ""


def strip_title(text: str, fx: Fixture) -> str:
    """Drop a first line equal to trafilatura's metadata title (see the module docstring)."""
    meta = trafilatura.extract_metadata(fx.html, default_url=fx.url)
    title = meta.title if meta is not None else None
    if not title or not text:
        return text
    first, _, rest = text.partition("\n")
    return rest.lstrip("\n") if _norm(first) == _norm(title) else text


def run_project(fx: Fixture) -> str:
    result = clean(fx.html, fx.url or "", min_chars=0, require_article=False)
    return result.body if isinstance(result, Cleaned) else ""


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n", text) if p.strip()]


def details(output: str, expected: str) -> tuple[list[str], list[str]]:
    """Output lines mostly absent from the expected body, expected lines mostly absent from the output."""
    exp_tok, out_tok = tokens(expected), tokens(output)

    def coverage(line: str, against: Counter[str]) -> float:
        t = tokens(line)
        return sum((t & against).values()) / max(1, sum(t.values()))

    exp_norm, out_norm = _norm(expected), _norm(output)

    def foreign(line: str, tok: Counter[str], norm: str) -> bool:
        # mostly other words, or a short line (title, dateline, breadcrumb) that is not in the other text
        if not tokens(line):  # no words at all: a table rule "|---|", a separator
            return True
        if _norm(line) in norm:
            return False
        return (coverage(line, tok) < 0.5 or len(tokens(line)) <= 20 and coverage(line, tok) < 1.0
                or len(tokens(line)) <= 12)

    extra = [ln for ln in paragraphs(output) if foreign(ln, exp_tok, exp_norm)]
    missing = [ln for ln in paragraphs(expected) if foreign(ln, out_tok, out_norm)]
    return extra, missing


def _short(s: str, n: int = 110) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def main() -> int:
    ap = argparse.ArgumentParser(description="Cleaning quality: project cleaner vs plain trafilatura.")
    ap.add_argument("--repeat", type=int, default=5, help="timed passes over all fixtures (default 5)")
    ap.add_argument("--details", action="store_true", help="print extra / missing paragraphs of the project's output")
    ap.add_argument("--only", help="only fixtures whose name contains this string")
    args = ap.parse_args()

    fixtures = load(args.only)
    if not fixtures:
        print("no fixtures found", file=sys.stderr)
        return 1

    rows = []
    for fx in fixtures:
        traf = strip_title(run_trafilatura(fx), fx)
        proj = run_project(fx)
        rows.append((fx, traf, proj, score(traf, fx.expected), score(proj, fx.expected),
                     boilerplate_hits(traf, fx.expected), boilerplate_hits(proj, fx.expected)))

    w = max(len(fx.name) for fx in fixtures)
    print(f"{len(fixtures)} fixtures; tokens = lower-cased \\w+ words, multiset overlap\n")
    head = (f"{'fixture':{w}s} {'words':>5s} | {'trafilatura P    R    F1':>24s} | {'project P    R    F1':>20s} | "
            f"{'dF1':>5s} | project boilerplate")
    print(head)
    print("-" * len(head))
    for fx, _, _, st, sp, _, bp in rows:
        print(f"{fx.name:{w}s} {st.expected:5d} | {st.p:14.2f} {st.r:4.2f} {st.f1:5.2f} | "
              f"{sp.p:10.2f} {sp.r:4.2f} {sp.f1:5.2f} | "
              f"{sp.f1 - st.f1:+5.2f} | {', '.join(bp)}")
    print("-" * len(head))
    n = len(rows)
    for label, idx in (("trafilatura", 3), ("project", 4)):
        scores = [r[idx] for r in rows]
        macro = (sum(s.p for s in scores) / n, sum(s.r for s in scores) / n, sum(s.f1 for s in scores) / n)
        micro = Score(sum(s.matched for s in scores), sum(s.predicted for s in scores), sum(s.expected for s in scores))
        hits = [r[5 if idx == 3 else 6] for r in rows]
        with_bp = sum(1 for h in hits if h)
        print(f"{label:12s} macro P {macro[0]:.3f} R {macro[1]:.3f} F1 {macro[2]:.3f} | "
              f"micro P {micro.p:.3f} R {micro.r:.3f} "
              f"F1 {micro.f1:.3f} | outputs with boilerplate: {with_bp}/{n} ({sum(len(h) for h in hits)} phrase hits)")
    better = sum(1 for r in rows if r[4].f1 > r[3].f1 + 0.005)
    worse = sum(1 for r in rows if r[4].f1 < r[3].f1 - 0.005)
    print(f"project F1 better on {better}, worse on {worse}, same on {n - better - worse} fixtures")

    for label, idx in (("trafilatura", 5), ("project", 6)):
        counts = Counter(p for r in rows for p in r[idx])
        if counts:
            print(f"\nboilerplate phrases in {label} outputs (fixtures): "
                  + ", ".join(f"{p!r} {c}" for p, c in counts.most_common()))

    if args.details:
        print("\nproject output vs expected (EXTRA: output line mostly not in the expected body; "
              "MISSING: expected line mostly not in the output)")
        for fx, _, proj, _, sp, _, _ in rows:
            extra, missing = details(proj, fx.expected)
            surplus = tokens(proj) - tokens(fx.expected)
            if not extra and not missing and not surplus:
                continue
            print(f"\n== {fx.name} (P {sp.p:.2f} R {sp.r:.2f})")
            for ln in extra:
                print(f"  EXTRA   {_short(ln)}")
            for ln in missing:
                print(f"  MISSING {_short(ln)}")
            if surplus:
                words = " ".join(f"{t}x{c}" if c > 1 else t for t, c in surplus.most_common(20))
                print(f"  SURPLUS {sum(surplus.values())} tokens: {_short(words, 100)}")

    # timing
    if args.repeat > 0:
        for fx in fixtures:  # warm-up (imports, caches, the language model)
            run_trafilatura(fx)
            run_project(fx)
        t0 = time.perf_counter()
        for _ in range(args.repeat):
            for fx in fixtures:
                run_trafilatura(fx)
        t_traf = time.perf_counter() - t0
        t0 = time.perf_counter()
        for _ in range(args.repeat):
            for fx in fixtures:
                run_project(fx)
        t_proj = time.perf_counter() - t0
        pages = args.repeat * n
        print(f"\nspeed ({args.repeat} passes x {n} pages, after one warm-up pass):")
        print(f"  trafilatura.extract  {pages / t_traf:7.1f} pages/s  ({1000 * t_traf / pages:6.1f} ms/page)")
        print(f"  project clean()      {pages / t_proj:7.1f} pages/s  ({1000 * t_proj / pages:6.1f} ms/page)")
        print(f"  ratio project/trafilatura: time per page x{t_proj / t_traf:.2f}, pages/s x{t_traf / t_proj:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
