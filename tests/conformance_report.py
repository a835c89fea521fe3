"""``pytest --conformance-report[=PATH]``: per-operation counts of the conformance check.

The e2e fixture and the sandbox tour test hand their counts to ``record``; at the end of the
session the table is printed (and written as JSON to PATH when given), the figure the README
quotes. ``python -m sandbox.double.conformance`` runs the suite with this option.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.double.tally import Tally

TALLY = pytest.StashKey[Tally]()


def add_option(parser: pytest.Parser) -> None:
    parser.addoption(
        "--conformance-report",
        nargs="?",
        const="",
        default=None,
        metavar="PATH",
        help="print per-operation conformance counts (and save them as JSON to PATH)",
    )


def record(config: pytest.Config, tally: Tally) -> None:
    """Add one double's counts to the session's."""
    config.stash.setdefault(TALLY, Tally()).merge(tally)


def report(terminal: pytest.TerminalReporter, config: pytest.Config) -> None:
    target = config.getoption("--conformance-report")
    if target is None:
        return
    tally = config.stash.get(TALLY, Tally())
    terminal.section("conformance with Discord's OpenAPI specification")
    terminal.write_line(tally.table())
    if target:
        tally.save(Path(target))
