"""Small counts are never shown: a cell resting on fewer than the minimum shows as
"fewer than N", so no member can be picked out of a report.

A count of 0 is shown as it is (it names no one). Where a breakdown adds up to a total the
report also gives, one hidden cell could be worked out from the others, so a second cell,
the smallest one left, is withheld with it and reads "not shown".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Cell:
    """One number of the report: a metric, for a period, in one breakdown."""

    metric: str
    period: str
    breakdown: str
    value: float
    basis: int  # how many people or items the number rests on
    additive: bool = False  # the group's cells add up to a total published elsewhere
    hidden: bool = False  # under the minimum
    withheld: bool = False  # not small, but would give a hidden cell away

    @property
    def covered(self) -> bool:
        return self.hidden or self.withheld

    def shown(self, minimum: int) -> str:
        if self.hidden:
            return hidden_text(minimum)
        if self.withheld:
            return WITHHELD
        if float(self.value).is_integer():
            return str(int(self.value))
        return f"{self.value:.1f}"


WITHHELD = "not shown"


def hidden_text(minimum: int) -> str:
    return f"fewer than {minimum}"


def too_small(basis: int, minimum: int) -> bool:
    return 0 < basis < minimum


def protect(cells: list[Cell], minimum: int) -> list[Cell]:
    """The cells with every small one hidden, and a second one where a total gives it away."""
    marked = [replace(c, hidden=too_small(c.basis, minimum)) for c in cells]
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, cell in enumerate(marked):
        if cell.additive:
            groups[(cell.metric, cell.period)].append(index)
    for indexes in groups.values():
        if sum(1 for i in indexes if marked[i].hidden) != 1:
            continue
        visible = [i for i in indexes if not marked[i].hidden and marked[i].basis > 0]
        if visible:
            smallest = min(visible, key=lambda i: (marked[i].basis, marked[i].breakdown))
            marked[smallest] = replace(marked[smallest], withheld=True)
    return marked
