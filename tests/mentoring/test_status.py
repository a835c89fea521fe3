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


def test_status_with_many_long_names_fits_one_discord_message() -> None:
    from datetime import UTC, datetime

    from cogs.mentoring.pairings import Pairing
    from cogs.mentoring.service import Offer
    from cogs.mentoring.status import status_text

    offer = Offer(1, 7, 5, ("data",) * 10, "", ("English",) * 20, "x", "", "active", 0)
    when = datetime(2026, 12, 1, tzinfo=UTC)
    pairings = [
        Pairing(n, 1, n, 7, 100 + n, 1.0, (), "ended", None, None, when, when, "ended", None)
        for n in range(10)
    ]
    names = {100 + n: "\\_" * 80 for n in range(10)}  # names full of escaped underscores
    text = status_text(7, offer, 0, None, None, pairings, names, lambda s: "An area name")
    assert len(text) <= 2000 and text.startswith("**Your offer**")
