"""Pure report builders: run summaries → table rows and markdown for Prefect artifacts, and the
per-source table printed in the terminal."""

from __future__ import annotations

from typing import Any

ITEM_COLUMNS = ("source", "status", "kind", "title", "date", "language", "url", "file")


def item_rows(summaries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per new or updated item, over all sources; ``kind`` says ``item`` (a page) or
    ``document`` (a PDF)."""
    rows = []
    for summary in summaries:
        for item in summary.get("items") or []:
            row = {"source": summary["source"], **{c: item.get(c) for c in ITEM_COLUMNS[1:]}}
            row["kind"] = row["kind"] or "item"
            rows.append(row)
    return rows


def zero_streaks(history: dict[str, list[dict[str, Any]]], runs: int) -> list[str]:
    """Sources whose last ``runs`` runs (newest first in ``history``) all brought 0 new items."""
    flagged = []
    for source, summaries in history.items():
        recent = summaries[:runs]
        if runs > 0 and len(recent) == runs and all(int(s.get("new", 0)) == 0 for s in recent):
            flagged.append(source)
    return sorted(flagged)


def _fmt(mapping: dict[str, int] | None) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted((mapping or {}).items())) or "–"


def markdown_report(summaries: list[dict[str, Any]], corpus_size: int | str, flagged: list[str],
                    zero_runs: int, title: str = "Crawl report") -> str:
    """Per-source counts, failures, zero-item streaks and the corpus size."""
    failed = [s for s in summaries if s.get("status") not in ("ok", "interrupted")]
    interrupted = [s for s in summaries if s.get("status") == "interrupted"]
    total_new = sum(int(s.get("new", 0)) for s in summaries)
    total_updated = sum(int(s.get("updated", 0)) for s in summaries)
    lines = [
        f"# {title}",
        "",
        f"**{len(summaries)} sources**, {len(failed)} failed"
        + (f", {len(interrupted)} interrupted" if interrupted else "")
        + f" · **{total_new} new**, {total_updated} updated · "
        f"corpus: **{corpus_size} documents**",
        "",
        "| source | status | requests | pages | new | updated | unchanged | duplicate | skipped | errors | seconds |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---|---:|",
    ]
    for s in summaries:
        status = {"ok": "✅ ok", "interrupted": "⏹ interrupted"}.get(s.get("status") or "", "❌ failed")
        lines.append(
            f"| {s['source']} | {status} | {s.get('requests', 0)} | {s.get('pages_fetched', 0)} | {s.get('new', 0)} "
            f"| {s.get('updated', 0)} | {s.get('unchanged', 0)} | {s.get('duplicate', 0)} | {_fmt(s.get('skipped'))} "
            f"| {_fmt(s.get('errors'))} | {s.get('seconds', '–')} |"
        )
    if failed:
        lines += ["", "## Failed sources", ""]
        lines += [f"- **{s['source']}**: {s.get('error') or 'unknown error'}" for s in failed]
    if interrupted:
        lines += ["", "## Interrupted sources", ""]
        lines += [f"- **{s['source']}**: {s.get('error') or 'stopped'}" for s in interrupted]
    if flagged:
        lines += ["", f"## No new items for {zero_runs} consecutive runs", ""]
        lines += [f"- **{name}**: check its discovery (feeds, sitemaps, allow patterns) — the site may have changed"
                  for name in flagged]
    return "\n".join(lines) + "\n"


def _counts(mapping: dict[str, int] | None) -> str:
    return " ".join(f"{k}={v}" for k, v in sorted((mapping or {}).items())) or "-"


def format_summaries(summaries: list[dict[str, Any]]) -> str:
    """The per-source table printed after a crawl (``harvest crawl``, ``harvest demo``)."""
    head = ("source", "status", "requests", "pages", "new", "updated", "unchanged", "duplicate", "skipped", "errors")
    rows = [head]
    for s in summaries:
        rows.append((s["source"], s.get("status", "?"), str(s.get("requests", 0)), str(s.get("pages_fetched", 0)),
                     str(s.get("new", 0)), str(s.get("updated", 0)), str(s.get("unchanged", 0)),
                     str(s.get("duplicate", 0)), _counts(s.get("skipped")), _counts(s.get("errors"))))
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    for s in summaries:
        if s.get("status") == "interrupted":
            lines.append(f"{s['source']}: INTERRUPTED: {s.get('error')}")
        elif s.get("status") != "ok":
            lines.append(f"{s['source']}: FAILED: {s.get('error')}")
        if s.get("cut"):
            lines.append(f"{s['source']}: budget cut: {_counts(s.get('cut'))}")
    return "\n".join(lines)
