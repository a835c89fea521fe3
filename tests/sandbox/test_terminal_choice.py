"""Which button ``click LABEL`` presses when several shown buttons share a label."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest

from sandbox.commandline import CommandLineError
from sandbox.double.state import Message, User
from sandbox.render import Choice
from sandbox.terminal import Terminal

BOT = User(1, "Hub Bot", bot=True)


def terminal(*labels: str) -> Terminal:
    shown = Terminal(SimpleNamespace(members={}), io.StringIO())  # type: ignore[arg-type]
    message = Message(100, 9, 5, BOT)
    shown.choices = [
        Choice(i, message, {"type": 2, "label": label, "custom_id": f"x:{i}:{label.lower()}"})
        for i, label in enumerate(labels, start=1)
    ]
    return shown


def test_a_label_shared_by_several_buttons_asks_for_the_number() -> None:
    shown = terminal("Accept", "Decline", "Accept", "Decline")
    with pytest.raises(CommandLineError) as raised:
        shown._choice("accept")
    assert str(raised.value) == "Several buttons are called 'accept': [1], [3]. Use its number."
    assert shown._choice("3").number == 3


def test_a_unique_label_or_part_of_one_still_works() -> None:
    shown = terminal("Going well", "Could use help", "End pairing")
    assert shown._choice("going well").number == 1
    assert shown._choice("help").number == 2
    with pytest.raises(CommandLineError) as raised:
        shown._choice("in")
    assert "Several buttons" in str(raised.value) and "[1], [3]" in str(raised.value)
    with pytest.raises(CommandLineError, match="No button or select is called 'fly'"):
        shown._choice("fly")


END_FORM = {
    "title": "End the pairing",
    "custom_id": "mentoring:end:1:1",
    "components": [{"type": 18, "label": "How did it go?", "component": {
        "type": 4, "custom_id": "mentoring:end:feedback", "style": 2, "required": True}}],
}  # fmt: skip


async def test_an_empty_required_form_field_is_asked_again_then_the_form_is_dropped() -> None:
    shown = terminal()
    asked: list[str] = []

    async def nothing(prompt: str) -> str:
        asked.append(prompt)
        return ""

    shown._ask = nothing
    await shown.fill_modal(END_FORM)
    assert asked == ["  How did it go?: "] + ["  How did it go? is required; please type it: "] * 2
    assert shown.said[-1] == (
        "The form was not sent: 'How did it go?' is required. Click again to retry."
    )


async def test_an_optional_field_left_empty_is_sent_empty() -> None:
    shown = terminal()
    sent: list[dict[str, str]] = []

    async def submit(guild_id: int, user_id: int, modal: object, values: dict[str, str]) -> None:
        sent.append(values)
        raise AssertionError("stop here")  # the terminal shows it; nothing more to check

    shown.sandbox = SimpleNamespace(  # type: ignore[assignment]
        members={"amira": 1}, guild_id=9, double=SimpleNamespace(submit_modal=submit)
    )
    shown.acting = "amira"
    shown._ask = _empty
    form = {"title": "Request", "components": [{"type": 18, "label": "By when (optional)",
            "component": {"type": 4, "custom_id": "by_when", "required": False}}]}  # fmt: skip
    with pytest.raises(AssertionError, match="stop here"):
        await shown.fill_modal(form)
    assert sent == [{"by_when": ""}]


async def _empty(prompt: str) -> str:
    return ""


async def test_acting_as_a_prefix_shared_by_several_members_names_them() -> None:
    shown = Terminal(
        SimpleNamespace(members={"amira": 1, "anders": 2, "ben": 3}),  # type: ignore[arg-type]
        io.StringIO(),
    )
    with pytest.raises(CommandLineError) as raised:
        await shown.act_as("a")
    assert str(raised.value) == "'a' could be amira, anders. Type more of the name."
    with pytest.raises(CommandLineError, match="There is no member 'zed'"):
        await shown.act_as("zed")


async def test_a_button_taken_off_its_message_is_called_out_of_date_in_words() -> None:
    """Before: "That did not work: no component 'profiles:introduce'; the message has []"."""
    shown = terminal("Introduce yourself")
    shown.choices[0].message.components = []  # the bot edited its message since
    await shown.execute("click 1")
    assert shown.said == [
        "That button [1] is out of date: the bot has changed or removed the message since it "
        "was shown, so nothing was done. Look at the channel or your DMs again (channel #name, "
        "dms) and use what the message offers now."
    ]
