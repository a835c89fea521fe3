"""The report as CSV: one row per metric, period and breakdown, for coordinators to paste
into their own reports. Small counts read "fewer than N" here exactly as on the charts."""

from __future__ import annotations

import csv
import io

from cogs.reports.privacy import Cell

HEADER = ("metric", "period", "breakdown", "value")


def csv_text(cells: list[Cell], minimum: int) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for cell in cells:
        writer.writerow((cell.metric, cell.period, cell.breakdown, cell.shown(minimum)))
    return buffer.getvalue()
