"""The moderators' audit channel reads as sentences with names, links and labelled details,
while the ``audit_log`` table keeps the machine form."""

from __future__ import annotations

import json
import re

from tests.e2e.audit_steps import audit_entry, audit_text
from tests.e2e.event_steps import created, moderator
from tests.e2e.harness import Hub
from tests.e2e.intro_steps import introduce

MACHINE_TEXT = re.compile(r"member:\d|```|\b[a-z]+\.[a-z_]+\b|\{\"")


async def test_an_introduction_reads_as_a_sentence_with_the_members_name(hub: Hub) -> None:
    amira = await hub.double.add_member(hub.guild_id, "Amira Haddad")
    await introduce(hub, amira.id)
    entry = await audit_entry(hub, "posted their introduction")
    assert entry.content == f"**Amira Haddad** (<@{amira.id}>) posted their introduction."
    assert entry.allowed_mentions == {"parse": []}
    assert not MACHINE_TEXT.search(audit_text(entry)), audit_text(entry)
    assert hub.bot is not None
    row = await hub.bot.db.fetchone("SELECT action, target FROM audit_log WHERE action = ?",
                                    ("profile.created",))  # fmt: skip
    assert row is not None and row["target"] == f"member:{amira.id}"


async def test_an_event_entry_names_the_event_links_its_card_and_labels_the_details(
    hub: Hub,
) -> None:
    mod = await moderator(hub, "Nadia Karim")
    card = await created(hub, mod, title="Seminar ``` @everyone ```")
    entry = await audit_entry(hub, "created the event")
    assert entry.content == (
        f"**Nadia Karim** (<@{mod}>) created the event "
        "'Seminar \\`\\`\\` @everyone \\`\\`\\`' (#1)."
    )
    embed = entry.embeds[0]
    link = f"https://discord.com/channels/{hub.guild_id}/{card.channel_id}/{card.id}"
    assert link in embed["description"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Title"] == "Seminar \\`\\`\\` @everyone \\`\\`\\`"
    assert re.fullmatch(r"<t:\d+:f>", fields["Starts"])
    assert "```" not in audit_text(entry) and "events.created" not in audit_text(entry)
    assert hub.bot is not None
    row = await hub.bot.db.fetchone("SELECT details FROM audit_log WHERE action = ?",
                                    ("events.created",))  # fmt: skip
    assert row is not None and json.loads(row["details"])["title"] == "Seminar ``` @everyone ```"


async def test_an_erased_members_name_leaves_the_audit_channel(hub: Hub) -> None:
    """The sentences name people; "erased means gone" holds for them too."""
    amira = await hub.double.add_member(hub.guild_id, "Amira Haddad")
    await introduce(hub, amira.id)
    entry = await audit_entry(hub, "posted their introduction")
    asked = await hub.double.run_command(hub.guild_id, amira.id, "profile delete")
    await hub.double.click(hub.guild_id, amira.id, asked.message, f"profiles:erase:{amira.id}")
    await hub.double.wait_for(
        lambda: "Amira" not in hub.double.messages[entry.id].content, what="the name taken out"
    )
    assert hub.double.messages[entry.id].content == "A former member posted their introduction."
    assert all("Amira" not in audit_text(m) for m in hub.messages("audit-log"))
