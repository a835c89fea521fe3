"""Per-operation counts of the conformance check, and the report table printed from them.

Kept apart from ``conformance.py`` so that merging and printing counts (also those a sandbox
subprocess wrote to a file) needs no validator.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

# requests checked, requests invalid, answers checked, answers invalid
Counts = list[int]


@dataclass
class Tally:
    """Counts by operation id (and what was wrong), mergeable across tests and processes."""

    counts: dict[str, Counts] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0  # time spent checking, to keep the suite's growth in view

    def count(
        self, operation: str, request_ok: bool | None = None, answer_ok: bool | None = None
    ) -> None:
        row = self.counts.setdefault(operation, [0, 0, 0, 0])
        if request_ok is not None:
            row[0] += 1
            row[1] += not request_ok
        if answer_ok is not None:
            row[2] += 1
            row[3] += not answer_ok

    def merge(self, other: Tally) -> None:
        for operation, row in other.counts.items():
            mine = self.counts.setdefault(operation, [0, 0, 0, 0])
            for i, value in enumerate(row):
                mine[i] += value
        self.problems.extend(other.problems)
        self.seconds += other.seconds

    def totals(self) -> Counts:
        return [sum(row[i] for row in self.counts.values()) for i in range(4)]

    def save(self, path: Path) -> None:
        data = {"counts": self.counts, "problems": self.problems, "seconds": self.seconds}
        path.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Tally:
        data = json.loads(path.read_text(encoding="utf-8"))
        counts = {k: list(v) for k, v in data["counts"].items()}
        return cls(counts, list(data["problems"]), float(data["seconds"]))

    def table(self) -> str:
        """The report: one line per operation, then the totals."""
        width = max([len(name) for name in self.counts] + [len("operation")])
        head = f"{'operation':<{width}}  requests  invalid  answers  invalid"
        lines = [head, "-" * len(head)]
        for name in sorted(self.counts):
            lines.append(_line(name, self.counts[name], width))
        lines += ["-" * len(head), _line("total", self.totals(), width)]
        lines.append(f"checking took {self.seconds:.1f} s")
        return "\n".join(lines)


def _line(name: str, row: Counts, width: int) -> str:
    return f"{name:<{width}}  {row[0]:>8}  {row[1]:>7}  {row[2]:>7}  {row[3]:>7}"
