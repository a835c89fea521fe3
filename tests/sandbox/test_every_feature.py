"""The sandbox shows what the bot does around Discord itself: roles, a role moved above the
bot's, closed DMs, a member leaving, files, multi-line form fields, and each delivery as it
happens. Typed into one demo server, in order (the clock only moves forward)."""

from __future__ import annotations

import io
import re
from collections import deque
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from sandbox.app import running_sandbox
from sandbox.terminal import Terminal

pytestmark = pytest.mark.asyncio(loop_scope="module")
README = Path(__file__).resolve().parents[2] / "README.md"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def terminal(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Terminal]:
    path = tmp_path_factory.mktemp("sandbox") / "hub.sqlite3"
    async with running_sandbox(path, lambda text: None) as sandbox:
        yield Terminal(sandbox, io.StringIO())


async def typed(terminal: Terminal, line: str, *fields: str) -> str:
    """Type a line, then ``fields`` line by line into any form it opens, as a person does."""
    keys = deque(fields)

    async def keyboard(prompt: str) -> str:
        return keys.popleft() if keys else ""

    terminal._ask = keyboard
    await terminal.execute(line)
    assert not keys, f"lines left untyped: {list(keys)}"
    return "\n".join(terminal.said)


async def test_roles_lists_a_members_roles(terminal: Terminal) -> None:
    said = await typed(terminal, "roles grace")
    assert said == (
        "grace's roles, highest first: Introduced, Youth radicalisation, Early-career researcher."
    )
    await typed(terminal, "as grace")
    assert "Introduced" in await typed(terminal, "roles")
    assert "There is no member 'nobody'" in await typed(terminal, "roles nobody")


async def test_a_moderator_moves_a_role_above_the_bot_and_setup_reports_it(
    terminal: Terminal,
) -> None:
    await typed(terminal, "as grace")
    refused = await typed(terminal, "move-role Evaluation above-bot")
    assert refused.startswith("Only a moderator can move roles")
    await typed(terminal, "as moderator")
    assert "now above the bot's own role" in await typed(terminal, "move-role Evaluation above-bot")
    report = await typed(terminal, "/hub setup dry_run:true")
    assert "The role 'Evaluation' is above my own role, so I cannot manage it." in report
    assert "now below" in await typed(terminal, "move-role Evaluation below-bot")
    assert "already set up" in await typed(terminal, "/hub setup dry_run:true")
    assert "Type move-role NAME above-bot" in await typed(terminal, "move-role Evaluation")


async def test_closed_dms_send_a_request_to_a_private_thread(terminal: Terminal) -> None:
    oscar = [line for line in (await typed(terminal, "members")).splitlines() if "oscar" in line]
    assert oscar == ["  oscar      Oscar Lindqvist, SE, practitioner (DMs closed)"]
    await typed(terminal, "as elin")
    assert "no longer accepts direct messages" in await typed(terminal, "dms off")
    await typed(terminal, "as amira")
    await typed(terminal, "/expert find query:lone actors")
    said = await typed(
        terminal, "click Introduce me: Elin Strand", "PhD researcher", "Lone actors", ".", ""
    )
    assert "their DMs are closed, so it waits in a private thread" in " ".join(said.split())
    thread_line = "In the private thread 'Requests: Elin Strand' of elin: @elin, you have an"
    assert f"{thread_line} introduction" in said
    assert "(as elin, then channel Requests: Elin Strand, to read it)" in said
    await typed(terminal, "as elin")
    thread = await typed(terminal, "channel Requests: Elin Strand 1")
    assert "introduction request" in thread and "[1] Accept" in thread
    assert "accepts direct messages from the bot again" in await typed(terminal, "dms on")


async def test_open_shows_the_text_of_an_attached_file(terminal: Terminal) -> None:
    await typed(terminal, "as amira")
    assert "nothing" not in await typed(terminal, "/profile export")
    assert "(open 1 shows it)" in "\n".join(terminal.said)
    shown = await typed(terminal, "open 1")
    assert shown.startswith("── my-research-hub-data.json")
    assert '"name": "Amira Haddad"' in shown
    assert await typed(terminal, "open 7") == "Choose a file number from 1 to 1."


async def test_a_paragraph_field_takes_several_lines_up_to_a_dot(terminal: Terminal) -> None:
    await typed(terminal, "as moderator")
    said = await typed(
        terminal,
        "/announce schedule channel:#announcements when:tomorrow 11:00",
        "Two-line notice",
        "Abstracts are due on Friday.",
        "",
        "Send them to the programme committee.",
        ".",
    )
    assert "a line with only . ends it" in said
    preview = [line.removeprefix("│ ") for line in terminal.said]
    start = preview.index("Abstracts are due on Friday.")
    assert preview[start : start + 3] == [
        "Abstracts are due on Friday.",
        "",
        "Send them to the programme committee.",
    ]


async def test_the_readme_examples_work_in_the_sandbox(terminal: Terminal) -> None:
    """Every concrete slash command in the README (options given, no [placeholders]) and
    every one in the sandbox's table gets a real answer; a search finds someone."""
    text = README.read_text()
    section = text.split("## Try it offline", 1)[1].split("\n## ", 1)[0]
    examples = set(re.findall(r"^\| `(/[a-z][^`]*)`", section, re.MULTILINE))
    examples |= set(re.findall(r"`(/[a-z-]+ [a-z][^`\[]*:[^`\[]*)`", text))
    assert "/expert find query:community resilience country:Kenya" in examples
    await typed(terminal, "as moderator")
    for example in sorted(examples):
        said = await typed(terminal, example)
        assert said.startswith("Hub Bot:"), (example, said)
        if example.startswith("/expert find"):
            assert "Introduce me:" in said, (example, said)


async def test_each_delivery_shows_when_it_happens(terminal: Terminal) -> None:
    """amira and rosa are Going to the clinic (seeded in 3 days at 15:00): its reminders
    show while the clock moves, each stamped, and worded from then ("in 1 hour", never
    "ago"). Four days pass, so the clinic has begun whatever the hour the test starts at
    (three days from 00:30 UTC stopped before its 1-hour reminder)."""
    await typed(terminal, "as amira")
    said = await typed(terminal, "wait 4d")
    stamped = re.findall(r"^\[(.+?)\] New DM to amira from Hub Bot:$", said, re.MULTILINE)
    assert len(stamped) >= 2, said
    flat = " ".join(said.split())
    assert "Reminder: Evaluation methods clinic starts" in flat
    assert "(in 1 hour)" in flat and " ago)" not in flat, said
    assert said.index("New DM to amira") < said.index("It is ")  # before the wait ends
    # rosa is Going too: her reminders are named as they arrive, and not poured out later
    assert "New DM to rosa from Hub Bot: Reminder: Evaluation methods clinic" in said
    assert "(as rosa, then dms 1, to read it)" in said
    assert await typed(terminal, "as rosa") == "You are now rosa (Rosa Alvarez, America/New_York)."


async def test_a_member_leaves_and_is_purged_after_the_retention(terminal: Terminal) -> None:
    await typed(terminal, "as moderator")
    said = await typed(terminal, "leave grace")
    assert (
        said.startswith("grace left the server.") and "after 30 days" in said and "wait 31d" in said
    )
    assert "grace      Grace Mwangi" in await typed(terminal, "members")
    assert "(left the server)" in await typed(terminal, "members")
    assert "has left the server" in await typed(terminal, "as grace")
    assert "has already left" in await typed(terminal, "leave grace")
    await typed(terminal, "wait 31d")
    assert "came back" in await typed(terminal, "join grace")
    assert await typed(terminal, "as grace") == "You are now grace (no profile yet)."
