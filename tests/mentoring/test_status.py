"""A long dry run is cut into pages at line boundaries, never in the middle of a line."""

from __future__ import annotations

from cogs.mentoring.status import PAGE_CHARACTERS, PAGE_LINES, pages_of


def test_pages_hold_whole_lines_within_both_limits() -> None:
    lines = [f"**Mentee {n}** with **Mentor {n}** (score 2.00): " + "x" * 500 for n in range(30)]
    pages = pages_of(lines)
    assert len(pages) > 3
    assert all(len(page) <= PAGE_CHARACTERS for page in pages)
    assert all(len(page.split("\n")) <= PAGE_LINES for page in pages)
    assert "\n".join(pages).split("\n") == lines  # nothing lost, nothing cut


def test_short_lines_page_by_count_and_one_huge_line_is_cut() -> None:
    assert [len(p.split("\n")) for p in pages_of([f"line {n}" for n in range(23)])] == [10, 10, 3]
    [page] = pages_of(["y" * 5000])
    assert len(page) == PAGE_CHARACTERS and page.endswith("...")
