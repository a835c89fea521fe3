"""Report steps: a moderator asks for a report; the server's known history, seeded."""

from __future__ import annotations

import sqlite3
from typing import Any

from tests.e2e.harness import Hub
from tests.reports.seed import Seeder

KE, NG, IS = "KE", "NG", "IS"
# Members by id: Kenya k1..k5, Nigeria n1..n4, Iceland (fewer than 3) i1, i2.
K1, K2, K3, K4, K5 = 101, 102, 103, 104, 105
N1, N2, N3, N4 = 201, 202, 203, 204
I1, I2 = 301, 302


async def moderator(hub: Hub, name: str = "mod") -> int:
    return (await hub.double.add_member(hub.guild_id, name, roles=[hub.moderator_role_id])).id


async def report(hub: Hub, user_id: int, **options: Any) -> Any:
    """/hub report, waiting for its answer (it is deferred while the report is built)."""
    result = await hub.double.run_command(hub.guild_id, user_id, "hub report", options)
    if result.deferred:
        await result.wait_for_followup(timeout=20)
    return result


async def delete_profile(hub: Hub, user_id: int) -> tuple[str, str]:
    """/profile delete, confirmed: what the question said, and what the answer said."""
    asked = await hub.double.run_command(hub.guild_id, user_id, "profile delete")
    question = asked.content
    done = await hub.double.click(hub.guild_id, user_id, asked.message, f"profiles:erase:{user_id}")
    await hub.double.settle()
    return question, done.content


def attachment(result: Any, suffix: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [a for a in result.attachments if a["filename"].endswith(suffix)]
    assert len(found) == 1, [a["filename"] for a in result.attachments]
    return found[0]


def seed_known_server(hub: Hub, erased: int) -> None:
    """Twelve members in three countries and their ties, most of them in November 2026;
    ``erased`` (a Kenyan member who joined in November) is tied to several of them."""
    with sqlite3.connect(hub.db_path) as db:
        seed = Seeder(db, hub.guild_id)
        before = "2026-09-01 10:00"
        for user, country, stage, areas in (
            (K1, KE, "senior", ("disinformation", "data")),
            (K2, KE, "mid-career", ("disinformation",)),
            (K3, KE, "early-career", ("data",)),
            (K4, KE, "practitioner", ("disinformation",)),
            (K5, KE, "senior", ("youth-radicalisation",)),
            (N1, NG, "senior", ("disinformation",)),
            (N2, NG, "policy", ("disinformation",)),
            (N3, NG, "early-career", ("data",)),
            (I2, IS, "mid-career", ("data",)),
        ):
            seed.profile(user, country, stage, before, areas)
        seed.profile(N4, NG, "early-career", "2026-11-15 10:00", ("data",))
        seed.profile(I1, IS, "early-career", "2026-11-02 10:00", ("disinformation",))
        seed.profile(erased, KE, "senior", "2026-11-05 10:00", ("data",))
        # Introductions: one tie from October (not new in November), two new ones.
        seed.introduction(K2, N2, "2026-10-05 10:00")
        seed.introduction(K1, N1, "2026-11-03 10:00")
        seed.introduction(K2, K3, "2026-11-04 10:00")
        seed.introduction(K4, N3, "2026-11-06 10:00", status="declined")
        seed.introduction(erased, N4, "2026-11-06 10:00")
        # Enquiries: answered after 6, 2 and 10 hours; a "no" is not a tie.
        seed.enquiry(N2, ["disinformation"], "2026-11-09 09:00",
                     [(K4, "yes", "2026-11-09 15:00"), (N1, "yes", "2026-11-10 09:00"),
                      (K1, "no", "2026-11-09 10:00")])  # fmt: skip
        seed.enquiry(N2, ["data", "disinformation"], "2026-11-20 10:00",
                     [(K3, "yes", "2026-11-20 12:00")])  # fmt: skip
        seed.enquiry(N1, ["disinformation"], "2026-11-25 08:00",
                     [(K4, "yes", "2026-11-25 18:00")])  # fmt: skip
        seed.enquiry(erased, ["data"], "2026-11-07 10:00", [(K3, "yes", "2026-11-08 10:00")])
        # Mentoring: a pair from June completed in November, one started in November, one
        # declined and one never taken up.
        old = seed.request(N3, "closed", "2026-05-20 10:00")
        seed.pairing(K1, N3, old, "ended", "2026-05-25 10:00", started="2026-06-01 10:00",
                     ended="2026-11-05 10:00", outcome="ended")  # fmt: skip
        again = seed.request(N3, "open", "2026-11-10 10:00")
        seed.pairing(N1, N3, again, "expired", "2026-11-11 10:00", ended="2026-11-18 10:00",
                     outcome="expired")  # fmt: skip
        paired = seed.pairing(K5, I1, seed.request(I1, "matched", "2026-11-03 10:00"), "active",
                              "2026-11-05 10:00", started="2026-11-12 10:00")  # fmt: skip
        seed.checkin(paired, I1, "2026-11-26 10:00")
        waiting = seed.request(N4, "open", "2026-11-16 10:00")
        seed.pairing(K4, N4, waiting, "declined", "2026-11-16 12:00", ended="2026-11-17 10:00",
                     outcome="declined")  # fmt: skip
        # Events: two held in November, one cancelled, one in December.
        seed.event("disinformation", "2026-11-20 15:00", [K1, K2, N1, N2, erased], maybe=(I2,))
        seed.event("data", "2026-11-25 15:00", [K3, I2])
        seed.event("disinformation", "2026-11-27 15:00", [K4, N3], state="cancelled")
        seed.event("data", "2026-12-03 15:00", [K4, N4])
