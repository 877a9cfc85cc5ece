"""Unit tests of the report builders of ``flows/report.py``: run summaries in, table rows and
markdown out (no Prefect, no crawl)."""

from __future__ import annotations

from typing import Any

from flows.report import ITEM_COLUMNS, format_summaries, item_rows, markdown_report, zero_streaks


def summary(source: str, status: str = "ok", **fields: Any) -> dict[str, Any]:
    """A run summary as ``crawlers.run`` writes it (the fields the reports read)."""
    base: dict[str, Any] = {"source": source, "status": status, "error": None, "requests": 0, "pages_fetched": 0,
                            "new": 0, "updated": 0, "unchanged": 0, "duplicate": 0, "skipped": {}, "errors": {},
                            "cut": {}, "items": [], "seconds": 1.5}
    return {**base, **fields}


def item(title: str, status: str = "new", **fields: Any) -> dict[str, Any]:
    return {"status": status, "title": title, "date": "2026-03-01", "language": "en",
            "url": f"https://example.org/news/{title.lower().replace(' ', '-')}", "file": f"010_{title[:3]}.txt",
            **fields}


SUMMARIES = [
    summary("mewa", requests=40, pages_fetched=30, new=2, updated=1, unchanged=25, duplicate=2,
            skipped={"too_short": 3, "not_article": 1}, errors={"http_404": 2},
            items=[item("Water week"), item("Budget vote"), item("Road works", status="updated")]),
    summary("uclg", requests=12, pages_fetched=10, unchanged=10),
    summary("gone", "failed", requests=1, error="site: cannot reach gone.example.org: connection refused",
            errors={"refused": 1}),
    summary("halted", "interrupted", requests=5, pages_fetched=4, new=1, error=None,
            items=[item("Half way")]),
]


# --- item_rows --------------------------------------------------------------------------------


def test_one_row_per_item_over_all_sources() -> None:
    rows = item_rows(SUMMARIES)
    assert [(r["source"], r["title"], r["status"]) for r in rows] == [
        ("mewa", "Water week", "new"), ("mewa", "Budget vote", "new"), ("mewa", "Road works", "updated"),
        ("halted", "Half way", "new"),
    ]
    assert all(tuple(r) == ITEM_COLUMNS for r in rows)
    assert rows[0]["url"] == "https://example.org/news/water-week" and rows[0]["file"] == "010_Wat.txt"


def test_item_rows_keep_only_the_columns_and_allow_missing_fields() -> None:
    rows = item_rows([summary("s", items=[{"title": "Only a title", "text": "not a column", "word_count": 9}])])
    assert rows == [{"source": "s", "status": None, "kind": "item", "title": "Only a title", "date": None,
                     "language": None, "url": None, "file": None}]


def test_no_items_no_rows() -> None:
    assert item_rows([]) == []
    # A failed run's summary may have no items at all, or None.
    assert item_rows([{"source": "a", "status": "failed"}, {"source": "b", "items": None}]) == []


# --- zero_streaks -----------------------------------------------------------------------------


HISTORY: dict[str, list[dict[str, Any]]] = {  # newest first
    "quiet": [{"new": 0}, {"new": 0}, {"new": 0}, {"new": 4}],
    "lively": [{"new": 1}, {"new": 0}, {"new": 0}],
    "recovered": [{"new": 0}, {"new": 0}, {"new": 2}],
    "young": [{"new": 0}, {"new": 0}],
    "alpha": [{"new": "0"}, {}, {"new": 0}],
}


def test_sources_with_a_zero_streak_are_flagged() -> None:
    assert zero_streaks(HISTORY, 3) == ["alpha", "quiet"]
    assert zero_streaks(HISTORY, 2) == ["alpha", "quiet", "recovered", "young"]
    assert zero_streaks(HISTORY, 4) == []


def test_a_source_with_fewer_runs_than_the_streak_is_not_flagged() -> None:
    assert "young" not in zero_streaks(HISTORY, 3)
    assert zero_streaks({"new-source": []}, 1) == []


def test_no_streak_length_flags_nothing() -> None:
    assert zero_streaks(HISTORY, 0) == []
    assert zero_streaks({}, 3) == []


# --- markdown_report --------------------------------------------------------------------------


def table_row(markdown: str, source: str) -> list[str]:
    """The cells of the source's row of the report table."""
    for line in markdown.splitlines():
        if line.startswith(f"| {source} |"):
            return [cell.strip() for cell in line.strip("|").split("|")]
    raise AssertionError(f"no row for {source}:\n{markdown}")


def test_the_report_has_the_per_source_counts() -> None:
    md = markdown_report(SUMMARIES, corpus_size=123, flagged=[], zero_runs=3)
    assert md.startswith("# Crawl report\n") and md.endswith("\n")
    assert "**4 sources**, 1 failed, 1 interrupted · **3 new**, 1 updated · corpus: **123 documents**" in md
    assert table_row(md, "mewa") == ["mewa", "✅ ok", "40", "30", "2", "1", "25", "2",
                                     "not_article 1, too_short 3", "http_404 2", "1.5"]
    assert table_row(md, "uclg") == ["uclg", "✅ ok", "12", "10", "0", "0", "10", "0", "–", "–", "1.5"]
    assert table_row(md, "gone")[:2] == ["gone", "❌ failed"] and table_row(md, "gone")[9] == "refused 1"
    assert table_row(md, "halted")[:2] == ["halted", "⏹ interrupted"]
    # The header and its alignment row have as many cells as each source row.
    lines = md.splitlines()
    header = lines.index(next(line for line in lines if line.startswith("| source |")))
    assert len(lines[header].split("|")) == len(lines[header + 1].split("|")) == len(lines[header + 2].split("|"))


def test_the_report_lists_failures_and_interruptions() -> None:
    md = markdown_report(SUMMARIES, corpus_size=0, flagged=[], zero_runs=3)
    assert "## Failed sources\n\n- **gone**: site: cannot reach gone.example.org: connection refused" in md
    assert "## Interrupted sources\n\n- **halted**: stopped" in md
    # A failure without a message still says it failed; a status other than ok/interrupted is a failure.
    md = markdown_report([summary("odd", "crashed")], corpus_size=0, flagged=[], zero_runs=3)
    assert "- **odd**: unknown error" in md and table_row(md, "odd")[1] == "❌ failed"
    assert "**1 sources**, 1 failed · **0 new**" in md


def test_the_report_of_a_good_run_has_no_trouble_sections() -> None:
    md = markdown_report(SUMMARIES[:2], corpus_size=7, flagged=[], zero_runs=3, title="Nightly crawl")
    assert md.startswith("# Nightly crawl\n")
    assert "**2 sources**, 0 failed · **2 new**, 1 updated · corpus: **7 documents**" in md
    for heading in ("## Failed sources", "## Interrupted sources", "## No new items"):
        assert heading not in md


def test_the_report_names_the_sources_with_a_zero_streak() -> None:
    flagged = zero_streaks(HISTORY, 3)
    md = markdown_report(SUMMARIES[:2], corpus_size=7, flagged=flagged, zero_runs=3)
    assert "## No new items for 3 consecutive runs" in md
    assert "- **alpha**: check its discovery" in md and "- **quiet**: check its discovery" in md


def test_a_summary_without_counts_reads_as_zero() -> None:
    md = markdown_report([{"source": "bare", "status": "ok"}], corpus_size=0, flagged=[], zero_runs=3)
    assert table_row(md, "bare") == ["bare", "✅ ok", "0", "0", "0", "0", "0", "0", "–", "–", "–"]


# --- format_summaries (the terminal table) ----------------------------------------------------


def test_the_terminal_table_has_a_line_per_source_and_says_what_failed() -> None:
    text = format_summaries([*SUMMARIES, summary("big", cut={"max_pages": 500})])
    lines = text.splitlines()
    assert lines[0].split() == ["source", "status", "requests", "pages", "new", "updated", "unchanged",
                                "duplicate", "skipped", "errors"]
    rows = {line.split()[0]: line.split() for line in lines[1:6]}
    assert rows["mewa"] == ["mewa", "ok", "40", "30", "2", "1", "25", "2", "not_article=1", "too_short=3",
                            "http_404=2"]
    assert rows["uclg"] == ["uclg", "ok", "12", "10", "0", "0", "10", "0", "-", "-"]
    assert rows["gone"][1] == "failed" and rows["gone"][-1] == "refused=1"
    # Columns line up: every row's status starts under the header's.
    for line in lines[1:6]:
        name, status = line.split()[:2]
        assert line.index(status, len(name)) == lines[0].index("status"), line
    assert "gone: FAILED: site: cannot reach gone.example.org: connection refused" in lines
    assert any(line.startswith("halted: INTERRUPTED") for line in lines)
    assert not any(line.startswith(("mewa:", "uclg:")) for line in lines)
    assert "big: budget cut: max_pages=500" in lines


def test_the_terminal_table_of_no_runs_is_its_header() -> None:
    assert format_summaries([]).split() == ["source", "status", "requests", "pages", "new", "updated",
                                            "unchanged", "duplicate", "skipped", "errors"]
