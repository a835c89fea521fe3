"""The report's pictures: PNG bar charts and a heatmap, each with its alt text.

matplotlib is imported here, inside ``draw_all``, and only when a chart is drawn, so the
bot's start-up does not pay for it; the Agg backend draws without a display. Colours are
Okabe and Ito's palette, which readers with any common colour-vision deficiency can tell
apart, and every number is written on the chart as well, so nothing rests on colour alone.
A hidden cell is drawn hatched and grey and labelled "fewer than N". Charts are 800 by 500
pixels with large type, readable in Discord's preview without opening them.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cogs.reports import metrics as m
from cogs.reports.privacy import Cell

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
HIDDEN_COLOUR = "#BBBBBB"
WIDTH, HEIGHT, DPI = 8.0, 5.0, 100
MOST_COUNTRIES = 12
MOST_MATRIX = 8
ALT_LIMIT = 1024  # Discord's limit on an attachment's description


@dataclass(frozen=True)
class Chart:
    filename: str
    png: bytes
    alt: str


def of(cells: list[Cell], metric: str) -> list[Cell]:
    return [c for c in cells if c.metric == metric]


def alt_text(opening: str, items: list[tuple[str, str]]) -> str:
    """'Opening: a 3, b fewer than 3, ...', cut to Discord's 1,024 characters."""
    text = opening + ": " + "; ".join(f"{name} {value}" for name, value in items) + "."
    if not items:
        text = opening + ": nothing to show for this period."
    return text if len(text) <= ALT_LIMIT else text[: ALT_LIMIT - 3] + "..."


def draw_all(cells: list[Cell], minimum: int, title: str) -> list[Chart]:
    import matplotlib

    matplotlib.use("Agg")
    drawers: list[Callable[[list[Cell], int, str], Chart]] = [
        members_chart, ties_chart, matrix_chart, areas_chart, mentoring_chart,
    ]  # fmt: skip
    return [draw(cells, minimum, title) for draw in drawers]


def _figure(left: float = 0.12, bottom: float = 0.1, wspace: float = 0.45) -> Figure:
    """A figure with fixed margins: a constrained layout measured every label again and
    took most of the drawing time."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
    figure.subplots_adjust(left=left, right=0.95, bottom=bottom, top=0.86, wspace=wspace)
    figure.set_facecolor("white")
    return figure


def _png(figure: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 3})
    return buffer.getvalue()


def _bars(axes: Axes, cells: list[Cell], minimum: int, colour: str, heading: str) -> None:
    """Horizontal bars, largest at the top, each with its number (or 'fewer than N')."""
    names = [c.breakdown for c in cells][::-1]
    shown = [c for c in cells][::-1]
    lengths = [minimum if c.covered else c.value for c in shown]
    bars = axes.barh(names, lengths, color=[HIDDEN_COLOUR if c.covered else colour for c in shown])
    for bar, cell in zip(bars, shown, strict=True):
        if cell.covered:
            bar.set_hatch("//")
    labels = [c.shown(minimum) for c in shown]
    axes.bar_label(bars, labels=labels, padding=3, fontsize=10)
    axes.set_title(heading, fontsize=13, loc="left")
    axes.tick_params(axis="y", labelsize=10)
    axes.tick_params(axis="x", labelsize=9)
    axes.spines[["top", "right"]].set_visible(False)
    axes.margins(x=0.25)
    if not cells:
        axes.text(0.5, 0.5, "Nothing in this period", ha="center", transform=axes.transAxes)


def members_chart(cells: list[Cell], minimum: int, title: str) -> Chart:
    countries = of(cells, m.MEMBERS_BY_COUNTRY)
    stages = of(cells, m.MEMBERS_BY_STAGE)
    figure = _figure(left=0.2, wspace=0.55)
    left, right = figure.subplots(1, 2, width_ratios=(3, 2))
    top = countries[:MOST_COUNTRIES]
    heading = "Members by country"
    if len(countries) > MOST_COUNTRIES:
        heading += f" ({MOST_COUNTRIES} of {len(countries)})"
    _bars(left, top, minimum, OKABE_ITO[0], heading)
    _bars(right, stages, minimum, OKABE_ITO[1], "By career stage")
    figure.suptitle(f"Members, {title}", fontsize=14)
    items = [(c.breakdown, c.shown(minimum)) for c in [*top, *stages]]
    alt = alt_text(f"Bar charts of members by country and by career stage, {title}", items)
    return Chart("members.png", _png(figure), alt)


def ties_chart(cells: list[Cell], minimum: int, title: str) -> Chart:
    monthly = of(cells, m.TIES_BY_MONTH)
    months = list(dict.fromkeys(c.period for c in monthly))
    figure = _figure(left=0.08, bottom=0.22 if len(months) > 4 else 0.1)
    axes = figure.subplots()
    bottom = [0.0] * len(months)
    for side, colour in ((m.WITHIN, OKABE_ITO[1]), (m.ACROSS, OKABE_ITO[0])):
        row = {c.period: c for c in monthly if c.breakdown == side}
        heights = [float(minimum) if row[p].covered else row[p].value for p in months]
        bars = axes.bar(months, heights, bottom=bottom, label=side, color=colour,
                        edgecolor="white")  # fmt: skip
        for bar, month in zip(bars, months, strict=True):
            if row[month].covered:
                bar.set_hatch("//")
                bar.set_facecolor(HIDDEN_COLOUR)
        labels = [row[p].shown(minimum) if row[p].value else "" for p in months]
        axes.bar_label(bars, labels=labels, label_type="center", fontsize=9)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set_title(f"New ties between members, {title}", fontsize=14, loc="left")
    axes.legend(fontsize=10, frameon=False)
    if len(months) > 6:  # "Jan 2026": a year or three of months stay readable
        axes.set_xticks(range(len(months)), [f"{p[:3]} {p[-4:]}" for p in months])
    axes.tick_params(axis="x", labelsize=9 if len(months) <= 12 else 7,
                     rotation=45 if len(months) > 4 else 0)  # fmt: skip
    axes.spines[["top", "right"]].set_visible(False)
    items = [(f"{c.period}, {c.breakdown.lower()}", c.shown(minimum)) for c in monthly]
    alt = alt_text(f"Stacked bar chart of new ties per month, within a country and across "
                   f"borders, {title}", items)  # fmt: skip
    return Chart("ties-by-month.png", _png(figure), alt)


def matrix_chart(cells: list[Cell], minimum: int, title: str) -> Chart:
    pairs = of(cells, m.TIES_BY_COUNTRIES)
    names = _matrix_countries(pairs)
    index = {name: i for i, name in enumerate(names)}
    size = len(names)
    grid = [[0.0] * size for _ in range(size)]
    text = [[""] * size for _ in range(size)]
    covered: set[tuple[int, int]] = set()
    for cell in pairs:
        a, b = _pair_names(cell.breakdown)
        if a not in index or b not in index:
            continue
        value = 0.0 if cell.covered else cell.value
        label = cell.shown(minimum).replace(" ", "\n", 1) if cell.covered else cell.shown(minimum)
        for i, j in {(index[a], index[b]), (index[b], index[a])}:
            grid[i][j], text[i][j] = value, label
            if cell.covered:
                covered.add((i, j))
    figure = _figure(left=0.05, bottom=0.22)
    axes = figure.subplots()
    if size:
        from matplotlib.patches import Rectangle

        image = axes.imshow(grid, cmap="cividis_r", vmin=0)
        axes.set_xticks(range(size), names, rotation=45, ha="right", fontsize=9)
        axes.set_yticks(range(size), names, fontsize=9)
        for i, j in covered:
            axes.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=HIDDEN_COLOUR, hatch="//"))
        peak = max(max(row) for row in grid)
        for i in range(size):
            for j in range(size):
                dark = grid[i][j] > peak / 2
                box = {"facecolor": "white", "edgecolor": "none", "pad": 1}
                axes.text(j, i, text[i][j] or "0", ha="center", va="center", fontsize=9,
                          color="white" if dark else "black",
                          bbox=box if (i, j) in covered else None)  # fmt: skip
        figure.colorbar(image, ax=axes, shrink=0.8, label="new ties")
    else:
        axes.axis("off")
        axes.text(0.5, 0.5, "No new ties in this period", ha="center", transform=axes.transAxes)
    heading = "New ties between countries"
    if len(_all_countries(pairs)) > size:
        heading += f" ({size} countries with the most ties)"
    figure.suptitle(f"{heading}, {title}", fontsize=13, x=0.02, ha="left")
    items = [(c.breakdown, c.shown(minimum)) for c in pairs]
    alt = alt_text(f"Heatmap of new ties between members' countries, {title}", items)
    return Chart("ties-between-countries.png", _png(figure), alt)


def _pair_names(breakdown: str) -> tuple[str, str]:
    if breakdown.startswith("Within "):
        name = breakdown.removeprefix("Within ")
        return name, name
    first, _, second = breakdown.partition(" with ")
    return first, second


def _all_countries(pairs: list[Cell]) -> set[str]:
    return {name for c in pairs for name in _pair_names(c.breakdown)}


def _matrix_countries(pairs: list[Cell]) -> list[str]:
    """The countries in the most ties (hidden cells count as their minimum), by name."""
    totals: dict[str, float] = {}
    for cell in pairs:
        for name in set(_pair_names(cell.breakdown)):
            totals[name] = totals.get(name, 0) + (1 if cell.covered else cell.value)
    ranked = sorted(totals, key=lambda n: (-totals[n], n))[:MOST_MATRIX]
    return sorted(ranked)


def areas_chart(cells: list[Cell], minimum: int, title: str) -> Chart:
    figure = _figure(left=0.3, wspace=0.35)
    panels = figure.subplots(1, 3, sharey=True)
    sets = (
        (m.AREA_MEMBERS, "Members"),
        (m.EVENTS, "Events held"),
        (m.ENQUIRIES, "Enquiries"),
    )
    areas = [c.breakdown for c in of(cells, m.AREA_MEMBERS)]
    items: list[tuple[str, str]] = []
    for axes, (metric, heading), colour in zip(panels, sets, OKABE_ITO, strict=False):
        found = {c.breakdown: c for c in of(cells, metric)}
        row = [found.get(a) or Cell(metric, "", a, 0, 0) for a in areas]
        _bars(axes, row, minimum, colour, heading)
        items += [(f"{heading.lower()} in {c.breakdown}", c.shown(minimum)) for c in row]
    figure.suptitle(f"Activity per challenge area, {title}", fontsize=14)
    alt = alt_text(f"Bar charts of members, events and enquiries per challenge area, {title}",
                   items)  # fmt: skip
    return Chart("challenge-areas.png", _png(figure), alt)


def mentoring_chart(cells: list[Cell], minimum: int, title: str) -> Chart:
    figure = _figure(left=0.28, wspace=0.95)
    left, right = figure.subplots(1, 2)
    now = of(cells, m.MENTORING_NOW)
    ended = of(cells, m.ENDINGS)
    _bars(left, now, minimum, OKABE_ITO[2], "Mentoring now")
    _bars(right, ended, minimum, OKABE_ITO[3], f"Pairings ended, {title}")
    early = of(cells, m.EARLY_CAREER)
    shown = early[0].shown(minimum) if early else "0"
    figure.suptitle(f"The next generation: {shown} early-career members", fontsize=14)
    items = [(c.breakdown.lower(), c.shown(minimum)) for c in [*now, *ended]]
    alt = alt_text(f"Bar charts of mentoring now and of pairings ended, {title}; "
                   f"early-career members {shown}", items)  # fmt: skip
    return Chart("next-generation.png", _png(figure), alt)


OVERVIEW_STATES = ("Waiting", "Proposed", "Paired", "Ended")


def mentoring_overview_chart(counts: dict[str, dict[str, int]]) -> Chart:
    """/mentor-admin overview's picture: mentees waiting, proposed, paired and ended, by their
    career stage (``counts[state][stage]``). Moderators see the exact numbers in its text, so
    the chart shows them exactly too."""
    import matplotlib

    matplotlib.use("Agg")
    stages = [s for s in m.STAGES if any(counts.get(state, {}).get(s) for state in counts)]
    stages = stages or ["early-career"]
    figure = _figure(left=0.08)
    axes = figure.subplots()
    width = 0.8 / len(stages)
    for index, stage in enumerate(stages):
        values = [counts.get(state, {}).get(stage, 0) for state in OVERVIEW_STATES]
        places = [x + (index - (len(stages) - 1) / 2) * width for x in range(len(OVERVIEW_STATES))]
        bars = axes.bar(places, values, width, label=m.STAGE_NAMES[stage],
                        color=OKABE_ITO[index % len(OKABE_ITO)])  # fmt: skip
        axes.bar_label(bars, padding=2, fontsize=10)
    axes.set_xticks(range(len(OVERVIEW_STATES)), OVERVIEW_STATES, fontsize=11)
    axes.set_title("Mentoring now, by the mentee's career stage", fontsize=14, loc="left")
    axes.legend(fontsize=10, frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    axes.margins(y=0.15)
    items = [
        (
            f"{state.lower()}, {m.STAGE_NAMES[stage].lower()}",
            str(counts.get(state, {}).get(stage, 0)),
        )
        for state in OVERVIEW_STATES
        for stage in stages
    ]
    alt = alt_text(
        "Bar chart of mentees waiting, proposed, paired and ended, by career stage", items
    )
    return Chart("mentoring-overview.png", _png(figure), alt)


def area_activity_chart(area: str, weeks: list[str], series: dict[str, list[int]]) -> Chart:
    """The weekly digest's small picture: an area's last weeks side by side, where a trend
    reads better than a column of numbers. The digest already names the week's newcomers,
    so its counts are shown as they are."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, 3.0), dpi=DPI)
    figure.subplots_adjust(left=0.06, right=0.98, bottom=0.14, top=0.84)
    axes = figure.subplots()
    width = 0.8 / max(len(series), 1)
    for index, (label, values) in enumerate(series.items()):
        places = [x + (index - (len(series) - 1) / 2) * width for x in range(len(weeks))]
        bars = axes.bar(places, values, width, label=label, color=OKABE_ITO[index])
        axes.bar_label(bars, labels=[str(v) if v else "" for v in values], padding=1, fontsize=8)
    axes.set_xticks(range(len(weeks)), [f"week of {w}" for w in weeks], fontsize=8)
    axes.set_title(f"{area}: the last {len(weeks)} weeks", fontsize=12, loc="left")
    axes.legend(fontsize=9, frameon=False, ncols=len(series), loc="upper left",
                bbox_to_anchor=(0.45, 1.2))  # fmt: skip
    axes.spines[["top", "right"]].set_visible(False)
    axes.margins(y=0.2)
    items = [
        (
            f"week of {week}",
            ", ".join(f"{label.lower()} {values[i]}" for label, values in series.items()),
        )
        for i, week in enumerate(weeks)
    ]
    alt = alt_text(f"Bar chart of activity in {area} over the last {len(weeks)} weeks", items)
    return Chart("area-activity.png", _png(figure), alt)
