"""/hub report: a seeded server with known ties gives exactly the expected numbers, small
counts hidden, a member who deleted their data no longer counted; charts with alt text."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from PIL import Image

from tests.e2e.harness import Hub
from tests.e2e.report_steps import (
    attachment,
    delete_profile,
    moderator,
    report,
    seed_known_server,
)

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
pytestmark = pytest.mark.clock_at(NOW)  # the bot's clock: the reports cover fixed months
END = "at the end of November 2026"
MONTH = "November 2026"
AREAS = (
    "New and emerging technology", "Disinformation", "Youth radicalisation", "Civil disorder",
    "Thresholds", "Threat and risk management", "Evaluation", "Terminology", "Data",
    "Capacity building",
)  # fmt: skip
FEWER = "fewer than 3"


def per_area(metric: str, period: str, values: dict[str, str]) -> list[str]:
    return [f"{metric},{period},{area},{values.get(area, '0')}" for area in AREAS]


EXPECTED = [
    "metric,period,breakdown,value",
    f"Members,{END},All,11",
    f"Members by country,{END},Kenya,5",
    f"Members by country,{END},Nigeria,not shown",  # else 11 - 5 - 4 gives Iceland away
    f"Members by country,{END},Iceland,{FEWER}",
    f"Members by career stage,{END},Early career,4",
    f"Members by career stage,{END},Mid career,{FEWER}",
    f"Members by career stage,{END},Senior,3",
    f"Members by career stage,{END},Practitioner,{FEWER}",
    f"Members by career stage,{END},Policy,{FEWER}",
    f"New members,{MONTH},All,{FEWER}",
    f"New ties,{MONTH},All,11",
    f"New ties by month,{MONTH},Within a country,3",
    f"New ties by month,{MONTH},Across borders,8",
    f"New ties by how they formed,{MONTH},Accepted introduction,{FEWER}",
    f"New ties by how they formed,{MONTH},Answered enquiry,4",
    f"New ties by how they formed,{MONTH},Mentoring pair,{FEWER}",
    f"New ties by how they formed,{MONTH},Went to the same event,4",
    f"New ties between countries,{MONTH},Kenya with Nigeria,6",
    f"New ties between countries,{MONTH},Iceland with Kenya,{FEWER}",
    f"New ties between countries,{MONTH},Within Kenya,{FEWER}",
    f"New ties between countries,{MONTH},Within Nigeria,{FEWER}",
    *per_area("Events held", MONTH, {"Disinformation": FEWER, "Data": FEWER}),
    *per_area("Event attendance", MONTH, {"Disinformation": "4", "Data": FEWER}),
    *per_area("Enquiries", MONTH, {"Disinformation": "3", "Data": FEWER}),
    f"Median hours to first answer,{MONTH},All areas,6",
    f"Median hours to first answer,{MONTH},Disinformation,6",
    f"Median hours to first answer,{MONTH},Data,{FEWER}",
    f"Early-career members,{END},All,4",
    f"Mentoring now,as of 7 December 2026,Waiting for a mentor,{FEWER}",
    "Mentoring now,as of 7 December 2026,Proposal waiting for answers,0",
    f"Mentoring now,as of 7 December 2026,Paired,{FEWER}",
    f"Mentoring pairs with a check-in,{MONTH},All,{FEWER}",
    f"Mentoring pairings ended,{MONTH},Completed,{FEWER}",
    f"Mentoring pairings ended,{MONTH},Ended early,0",
    f"Mentoring pairings ended,{MONTH},Declined,{FEWER}",
    f"Mentoring pairings ended,{MONTH},Not taken up,{FEWER}",
    *per_area(
        "Area members", END, {"Disinformation": "6", "Youth radicalisation": FEWER, "Data": "5"}
    ),
]


def rows(result: object) -> dict[tuple[str, str], str]:
    table = attachment(result, ".csv")["data"]
    return {(r[0], r[2]): r[3] for r in csv.reader(io.StringIO(table))}


async def test_the_csv_holds_exactly_the_known_numbers_and_forgets_an_erased_member(
    hub: Hub,
) -> None:
    mod = await moderator(hub)
    erased = (await hub.double.add_member(hub.guild_id, "leaving")).id
    seed_known_server(hub, erased)

    before = await report(hub, mod, period="last_month")
    counted = rows(before)
    assert counted[("Members by country", "Kenya")] == "6"
    assert counted[("New members", "All")] == "3"
    assert counted[("Event attendance", "Disinformation")] == "5"

    asked, done = await delete_profile(hub, erased)
    assert (
        "Impact reports already posted stay as they were (they hold counts, never names); "
        "reports made after this no longer count you." in asked
    )
    assert "- impact reports already posted, which stay as they were" in done
    after = await report(hub, mod, period="last_month")
    assert after.ephemeral
    table = attachment(after, ".csv")
    assert table["filename"] == "impact-report-2026-11-01-to-2026-11-30.csv"
    assert table["data"].splitlines() == EXPECTED
    assert after.content.splitlines() == [
        "**Impact report, November 2026** (1 November 2026 to 30 November 2026, server time)",
        "Members: 11 in 3 countries.",
        "New ties between members: 11, of them 8 across borders.",
        "Events held: fewer than 3 in each area that held any. Median hours to an enquiry's "
        "first answer: 6.",
        "Early-career members: 4; paired with a mentor now: fewer than 3.",
        "Counts only, never names: any number under 3 shows as 'fewer than 3'. The CSV has "
        "every number, one row each.",
    ]


async def test_the_charts_are_pngs_of_the_expected_size_with_alt_text(hub: Hub) -> None:
    mod = await moderator(hub)
    erased = (await hub.double.add_member(hub.guild_id, "leaving")).id
    seed_known_server(hub, erased)
    result = await report(hub, mod, period="last_month")
    charts = [a for a in result.attachments if a["filename"].endswith(".png")]
    assert [c["filename"] for c in charts] == [
        "members.png", "ties-by-month.png", "ties-between-countries.png", "challenge-areas.png",
        "next-generation.png",
    ]  # fmt: skip
    for chart in charts:
        image = Image.open(io.BytesIO(chart["bytes"]))
        image.load()
        assert (image.format, image.size) == ("PNG", (800, 500))
        assert 40 < len(chart["description"]) <= 1024
    members = attachment(result, "members.png")["description"]
    assert members.startswith(
        "Bar charts of members by country and by career stage, November 2026: Kenya 6; "
        "Nigeria not shown; Iceland fewer than 3;"
    )
    matrix = attachment(result, "ties-between-countries.png")["description"]
    assert "Kenya with Nigeria" in matrix and str(erased) not in matrix
    assert attachment(result, ".csv")["description"].startswith("Every number of the impact")
