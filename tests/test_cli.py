"""`harvest clean`, `harvest demo` and the CLI's usage errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SITES
from tests.test_crawl_e2e import expected, norm


def harvest(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PREFECT_HOME": str(cwd / "prefect-home")}
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


def article_files(site: str) -> list[tuple[Path, dict]]:
    out = []
    for article in expected(site)["articles"]:
        rel = article["path"].strip("/")
        from urllib.parse import unquote

        path = SITES / site / unquote(rel)
        out.append((path / "index.html" if path.is_dir() else path, article))
    return out


def test_clean_saved_pages_as_jsonl(tmp_path: Path) -> None:
    pages = article_files("wordpress") + article_files("drupal")
    run = harvest("clean", *[str(p) for p, _ in pages], "--format", "jsonl", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    records = [json.loads(line) for line in run.stdout.splitlines()]
    assert [r["path"] for r in records] == [str(p) for p, _ in pages]
    for record, (_, article) in zip(records, pages):
        assert record["title"] == article["title"]
        assert [norm(p) for p in record["text"].split("\n\n")] == [norm(p) for p in article["body"]]
        assert record["language"] == article["language"]


def test_clean_many_paths_in_parallel_keeps_order(tmp_path: Path) -> None:
    pages = [p for p, _ in article_files("wordpress")] * 4  # 28 paths: the process pool is used
    run = harvest("clean", *[str(p) for p in pages], "--format", "jsonl", cwd=tmp_path)
    assert run.returncode == 0
    assert [json.loads(line)["path"] for line in run.stdout.splitlines()] == [str(p) for p in pages]


def test_clean_text_format_and_missing_file(tmp_path: Path) -> None:
    (page, article), = article_files("drupal")[:1]
    run = harvest("clean", str(page), str(tmp_path / "missing.html"), cwd=tmp_path)
    assert run.returncode == 1
    assert f"==> {page} <==" in run.stdout and article["title"] in run.stdout
    assert "missing.html: cannot read" in run.stderr


def test_demo_crawls_the_bundled_site(tmp_path: Path) -> None:
    run = harvest("demo", "--keep", str(tmp_path / "demo-corpus"), cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    files = sorted((tmp_path / "demo-corpus").glob("*.txt"))
    assert len(files) == 4
    assert "4 documents in" in run.stdout


@pytest.mark.parametrize("args,words", [
    (["export", "--format", "parquet"], "--format: parquet output needs -o FILE"),
    (["export", "--corpus", "/nonexistent/x"], "/nonexistent/x: --corpus: no such corpus folder"),
])
def test_export_usage_errors(tmp_path: Path, args: list[str], words: str) -> None:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "000_0123456789abcdef.txt").write_text("Title\n\nBody.\n", encoding="utf-8")
    run = harvest(*args, cwd=tmp_path)
    assert run.returncode == 2 and run.stderr.splitlines() == [f"harvest: {words}"]


def test_crawl_shows_a_progress_line_per_source_and_logs_to_a_file(tmp_path: Path, seeded_corpus: Path,
                                                                   wordpress_site) -> None:
    from tests.conftest import write_config
    from tests.test_crawl_e2e import site_entry

    config = write_config(tmp_path / "sources.yaml", site_entry("wp", f"{wordpress_site.url}/en/"))
    run = harvest("crawl", "--config", str(config), "--corpus", str(seeded_corpus), cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    articles = len(expected("wordpress")["articles"])
    # The terminal: progress lines and the table, none of the crawl's own log.
    assert "[scrapy" not in run.stderr and "Spider opened" not in run.stderr, run.stderr
    progress = [line.split() for line in run.stderr.splitlines() if line.startswith("wp ")]
    assert progress and progress[-1][1] == "done", run.stderr
    last = progress[-1]
    assert int(last[last.index("new") + 1]) == articles and int(last[last.index("errors") + 1]) == 0
    assert any(line.startswith("wp ") and line.split()[1] == "ok" for line in run.stdout.splitlines()), run.stdout
    # The full log: in the corpus's log folder, one file for the source and run.
    logs = sorted((seeded_corpus / ".logs").glob("*-wp.log"))
    assert len(logs) == 1, logs
    text = logs[0].read_text(encoding="utf-8")
    assert "[scrapy.core.engine] INFO: Spider opened" in text and "harvest-progress" not in text
