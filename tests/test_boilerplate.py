from pathlib import Path

import pytest

from crawlers.boilerplate import BOUND_EVERY, CAP, FLUSH_EVERY, MIN_PAGES, BufferedBoilerplate, SiteBoilerplate, _key
from storage.index import Index


def page(i: int, *extra: str) -> list[str]:
    return [f"Unique paragraph number {i} about a municipal project in city {i}, long enough to matter.", *extra]


def test_recurring_template_lines_are_learned_and_removed(tmp_path: Path) -> None:
    index = Index(tmp_path / "index.sqlite")
    learner = SiteBoilerplate(index, "mewa")
    template = "UCLG-MEWA Newsletter-5 · Subscribe to receive our monthly news"
    quote = '"Cities are the first responders," said the Secretary General.'
    results = []
    for i in range(10):
        extra = [template] + ([quote] if i in (2, 7) else [])
        results.append(learner.learn_and_filter(page(i, *extra)))
    # Before MIN_PAGES pages nothing is removed; afterwards the template line is.
    assert all(removed == [] for _, removed in results[:MIN_PAGES - 1])
    assert all(removed == [template] for _, removed in results[MIN_PAGES:])
    # A sentence recurring in two articles stays; the unique text always stays.
    assert quote in results[7][0]
    assert all(page(i)[0] in kept for i, (kept, _) in enumerate(results))
    assert learner.template() == [(template, 10)]


def test_other_sources_do_not_share_counts_and_storage_is_bounded(tmp_path: Path) -> None:
    index = Index(tmp_path / "index.sqlite")
    a, b = SiteBoilerplate(index, "a"), SiteBoilerplate(index, "b")
    for i in range(6):
        a.learn_and_filter(page(i, "Shared footer line of site A"))
    kept, removed = b.learn_and_filter(page(99, "Shared footer line of site A"))
    assert removed == []
    for i in range(CAP + 50):
        index.db.execute("INSERT INTO boilerplate(source, hash, pages, sample) VALUES('c', ?, 1, 'x')", (f"h{i}",))
    index.db.execute("INSERT INTO settings(key, value) VALUES('pages_seen:c', ?)", (str(BOUND_EVERY - 1),))
    SiteBoilerplate(index, "c").learn_and_filter(["one more line"])
    assert index.db.execute("SELECT COUNT(*) FROM boilerplate WHERE source='c'").fetchone()[0] == CAP


def test_a_closing_paragraph_on_some_articles_stays_while_template_goes(tmp_path: Path) -> None:
    """A press office's standard closing paragraph ends every second or third release: it is the
    article's text, however often it recurs; a line the CMS puts on every page is template."""
    for every in (2, 3, 4):
        index = Index(tmp_path / f"index-{every}.sqlite")
        learner = SiteBoilerplate(index, "network")
        closing = "About the network: the Section represents the local governments of the region since 2004."
        template = "Subscribe to our newsletter to receive the latest news of the network every month."
        lost, template_kept = 0, 0
        for i in range(60):
            kept, removed = learner.learn_and_filter(page(i, *([closing] if i % every == 0 else []), template))
            lost += closing in removed
            template_kept += template in kept
        assert lost == 0, every
        assert template_kept == MIN_PAGES - 1, every  # removed from the MIN_PAGES-th page on


def test_a_crawl_counts_in_memory_decides_the_same_and_writes_its_counts_back(tmp_path: Path) -> None:
    """The crawl's learner decides page by page as the index-backed one does, across its writes
    to the index (every FLUSH_EVERY pages), and what it counted reaches the index by ``flush``:
    the next crawl starts from it."""
    template = "Subscribe to our newsletter to receive the latest news of the network every month."
    closing = "About the network: the Section represents the local governments of the region since 2004."
    pages = [page(i, *([closing] if i % 3 == 0 else []), *([template] if i % 5 else []))
             for i in range(FLUSH_EVERY + 30)]
    direct = SiteBoilerplate(Index(tmp_path / "direct.sqlite"), "s")
    index = Index(tmp_path / "buffered.sqlite")
    buffered = BufferedBoilerplate(index, "s")
    assert [buffered.learn_and_filter(p) for p in pages] == [direct.learn_and_filter(p) for p in pages]
    assert index.pages_seen("s") == FLUSH_EVERY  # written once so far; 30 pages still in memory
    buffered.flush()
    assert index.pages_seen("s") == len(pages)
    assert SiteBoilerplate(index, "s").template() == direct.template() != []
    kept, removed = BufferedBoilerplate(index, "s").learn_and_filter(page(999, template))
    assert removed == [template] and kept == page(999)


def test_a_crawl_forgets_in_memory_what_the_index_cut_forgot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the cap, the rows seen on fewest pages leave the index at a write; the crawl's counts
    in memory lose them too, and stay what the index holds (they are not read back)."""
    monkeypatch.setattr("crawlers.boilerplate.CAP", 40)
    template = "Subscribe to our newsletter to receive the latest news of the network every month."
    index = Index(tmp_path / "index.sqlite")
    buffered = BufferedBoilerplate(index, "s")
    for i in range(2 * FLUSH_EVERY + 10):  # each page: the template line and two lines of its own
        buffered.learn_and_filter([template, f"Own line {i} of the page.", f"Photo: {i}", "x" * 500])
        if buffered.pending_pages == 0:  # just written
            assert buffered.counts == index.boilerplate_counts("s")[1]
            assert len(buffered.counts) == 40
    buffered.flush()
    seen, counts = index.boilerplate_counts("s")
    assert seen == 2 * FLUSH_EVERY + 10 and buffered.counts == counts and len(counts) == 40
    assert counts[_key(template)] == seen  # the template line stays, counted on every page
    kept, removed = BufferedBoilerplate(index, "s").learn_and_filter([template, "A new line of a new page."])
    assert removed == [template] and kept == ["A new line of a new page."]


def test_a_crawl_leaves_out_of_its_writes_the_new_lines_the_cut_would_forget_at_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the cap, the new lines seen once on the pages counted since the last write are not
    written when the cut would take them out at once: the index ends with the same rows and
    counts as when every line counted is written and cut, for a fraction of the row writes."""
    monkeypatch.setattr("crawlers.boilerplate.CAP", 40)
    template = "Subscribe to our newsletter to receive the latest news of the network every month."
    closing = "About the network: the Section represents the local governments of the region since 2004."

    def crawl(index: Index, learner: BufferedBoilerplate) -> tuple[list[tuple[list[str], list[str]]], int]:
        before = index.db.total_changes
        decisions = [learner.learn_and_filter([template, f"Own line {i} of the page.", f"Photo: {i}",
                                               *([closing] if i % 3 == 0 else []), "x" * 500])
                     for i in range(2 * FLUSH_EVERY + 10)]
        learner.flush()
        return decisions, index.db.total_changes - before

    lean_index, full_index = Index(tmp_path / "lean.sqlite"), Index(tmp_path / "full.sqlite")
    lean, full = BufferedBoilerplate(lean_index, "s"), BufferedBoilerplate(full_index, "s")
    monkeypatch.setattr(full, "_doomed", lambda excess: [])  # every line counted is written, then cut
    lean_decisions, lean_changes = crawl(lean_index, lean)
    full_decisions, full_changes = crawl(full_index, full)
    rows = "SELECT hash, pages FROM boilerplate WHERE source = 's' ORDER BY rowid"
    assert lean_index.db.execute(rows).fetchall() == full_index.db.execute(rows).fetchall()
    assert len(lean_index.db.execute(rows).fetchall()) == 40 and lean.counts == lean_index.boilerplate_counts("s")[1]
    assert lean_decisions == full_decisions
    assert full_decisions[-1][1] == [template]  # the template line is removed; the closing line (a third) stays
    assert lean_changes * 5 < full_changes, (lean_changes, full_changes)
