"""A walk through every button and select the bot has shown, filling every form it opens.

Most forms open from a button (Edit on a preview, Introduce me on a search result, End on a
check-in) or a select ("Other country"). The walk reads every live message the bot sent,
presses each kind of button and makes each kind of choice once, as the member who can see
it, and follows what appears; every form it meets is filled with generated text (hypothesis,
as in the command test), re-opened for each example because a submitted form is gone.

Buttons that open a form come first, those that remove something last, so that one walk
reaches the Edit form of a draft before its Cancel button takes the draft away.

Failures are collected, not raised inside hypothesis: the walk's path depends on the bot's
state, so a replayed example could take another path, and hypothesis would report that as
flakiness instead of the failure itself.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from hypothesis import given, settings

from sandbox.double.actors import InteractionResult
from sandbox.double.state import Message
from tests.e2e.input_probe import SETTINGS, Probe
from tests.e2e.input_strategies import form_values

FORM_EXAMPLES = 6  # per form
MOST_PRESSES = 400
SAME_KIND_TRIES = 3
BUTTON, STRING_SELECT, USER_SELECT, ROLE_SELECT, MENTIONABLE_SELECT, CHANNEL_SELECT = (
    2, 3, 5, 6, 7, 8,
)  # fmt: skip
LINK, PREMIUM = 5, 6
OPENS_A_FORM = re.compile(r"\b(edit|end|reject|introduce|text|describe|other|write|reason)\b")
REMOVES = re.compile(r"\b(cancel|delete|discard|decline|withdraw|leave|remove|stop|erase)\b")


Opener = Callable[[], Awaitable[InteractionResult]]


@dataclass(frozen=True)
class Action:
    """One button press or choice in a select, by one member, on one message."""

    message: Message
    custom_id: str
    user: int
    label: str
    values: tuple[str, ...] | None = None  # None: a button

    @property
    def kind(self) -> tuple[str, bool, tuple[str, ...] | None]:
        """The same action on another event, draft or member counts as already tried."""
        return (re.sub(r"\d+", "#", self.custom_id), self.label.startswith("@"), self.values)

    @property
    def order(self) -> tuple[int, int]:
        text = f"{self.label} {self.custom_id}".lower().replace(":", " ")
        rank = 0 if OPENS_A_FORM.search(text) else 2 if REMOVES.search(text) else 1
        return rank, self.message.id


@dataclass
class Walk:
    """What the walk reached, and what went wrong on the way."""

    probe: Probe
    forms: dict[str, int] = field(default_factory=dict)  # title (digits as #) -> submissions
    presses: int = 0
    failures: list[str] = field(default_factory=list)
    tries: Counter[tuple[Any, ...]] = field(default_factory=Counter)  # per kind and member
    pressed: set[tuple[int, str, int]] = field(default_factory=set)

    def _worth_trying(self, action: Action) -> bool:
        """Each kind of action is tried on up to three messages until one opens a form (the
        first Introduce me may be on the member's own card, which rightly opens none)."""
        tries = self.tries[(action.kind, action.user)]
        done = (action.message.id, action.custom_id, action.user) in self.pressed
        return not done and 0 <= tries < SAME_KIND_TRIES

    def open_form(
        self,
        what: str,
        opener: Opener,
        user: int,
        guild_id: int | None,
        available: Callable[[], bool] = lambda: True,
    ) -> bool:
        """Run ``opener``; if it opens a form not filled yet, fill that form. True if it
        opened a form."""
        try:
            with self.probe.watching(what):
                result = self.probe.call(opener)
        except Exception as error:  # every path is walked; all failures are listed
            self.failures.append(f"{what}: {type(error).__name__}: {error}"[:1500])
            return False
        if result.modal is not None:
            title = re.sub(r"\d+", "N", str(result.modal.get("title")))
            if title not in self.forms:
                self.forms[title] = 0
                self._fill(title, result.modal, opener, user, guild_id, available)
        return result.modal is not None

    def _fill(
        self,
        title: str,
        modal: dict[str, Any],
        opener: Opener,
        user: int,
        guild_id: int | None,
        available: Callable[[], bool],
    ) -> None:
        double = self.probe.hub.double

        @settings(SETTINGS, max_examples=FORM_EXAMPLES)
        @given(form_values(modal))
        def example(values: dict[str, str]) -> None:
            what = f"the form {title!r} with {values}"
            if not available():
                return  # the button is gone (the review was decided): nothing left to fill
            try:
                with self.probe.watching(what):
                    opened = self.probe.call(opener)  # a submitted form is gone: open it again
                    if opened.modal is None:
                        return  # the draft moved on (confirmed, ended): nothing to fill
                    typed = _same_fields(modal, opened.modal, values)
                    self.probe.call(
                        partial(double.submit_modal, guild_id, user, opened.modal, typed)
                    )
                self.forms[title] += 1
            except Exception as error:
                self.failures.append(f"{what}: {type(error).__name__}: {error}"[:1500])

        example()

    def walk(self) -> None:
        """Press, choose and fill until every kind of action was tried once."""
        while self.presses < MOST_PRESSES:
            pending = [a for a in self._actions() if self._worth_trying(a)]
            if not pending:
                return
            action = min(pending, key=lambda a: a.order)
            self.pressed.add((action.message.id, action.custom_id, action.user))
            self.tries[(action.kind, action.user)] += 1
            self.presses += 1
            opened = self.open_form(
                f"{action.label!r} ({action.custom_id}) by {action.user}",
                self._opener(action),
                action.user,
                action.message.guild_id,
                partial(self._still_there, action),
            )
            if opened:
                self.tries[(action.kind, action.user)] = -1  # a form: this kind is done
        self.failures.append(f"the walk did not end within {MOST_PRESSES} presses")

    def _still_there(self, action: Action) -> bool:
        message = self.probe.hub.double.messages.get(action.message.id)
        return (
            message is not None
            and not message.deleted
            and any(c.get("custom_id") == action.custom_id for c in _components(message.components))
        )

    def _opener(self, action: Action) -> Opener:
        double = self.probe.hub.double
        guild = action.message.guild_id
        if action.values is None:
            return partial(double.click, guild, action.user, action.message, action.custom_id)
        values = list(action.values)
        return partial(double.select, guild, action.user, action.message, action.custom_id, values)

    def _actions(self) -> list[Action]:
        found: list[Action] = []
        for message in list(self.probe.hub.double.messages.values()):
            if message.deleted or not message.components:
                continue
            for user in self._who_sees(message):
                for component in _components(message.components):
                    found += self._ways_to_use(message, component, user)
        return found

    def _who_sees(self, message: Message) -> list[int]:
        """The members who could press this message's buttons."""
        if message.visible_to is not None:
            return [message.visible_to]
        double = self.probe.hub.double
        channel = double.channels.get(message.channel_id)
        if channel is not None and channel.recipient is not None:
            return [channel.recipient.id]
        if channel is not None and channel.type == 12:
            return sorted(u for u in channel.thread_members if u != double.bot_user.id)
        return [self.probe.member, self.probe.moderator]

    def _ways_to_use(self, message: Message, component: dict[str, Any], user: int) -> list[Action]:
        kind, custom_id = component.get("type"), component.get("custom_id")
        if not custom_id or component.get("disabled") or component.get("style") in (LINK, PREMIUM):
            return []
        who = "@" if user == self.probe.moderator else ""
        label = who + str(component.get("label") or component.get("placeholder") or "")
        if kind == BUTTON:
            return [Action(message, custom_id, user, label)]
        return [
            Action(message, custom_id, user, f"{label} {' '.join(named)}", choice)
            for choice, named in _choices(component, self.probe)
        ]


def _field_ids(modal: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for c in _components(modal.get("components") or []) if c["type"] == 4]


def _same_fields(
    drawn_for: dict[str, Any], opened: dict[str, Any], values: dict[str, str]
) -> dict[str, str]:
    """The values drawn for one opening of a form, for the same fields of another opening
    (a field without an explicit custom_id gets a new random one each time)."""
    renamed = dict(zip(_field_ids(drawn_for), _field_ids(opened), strict=False))
    return {renamed.get(key, key): value for key, value in values.items()}


def _components(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every interactive component, however deeply it sits in rows, sections or containers."""
    found: list[dict[str, Any]] = []
    for item in rows:
        if item.get("custom_id"):
            found.append(item)
        for key in ("components", "accessory", "component"):
            inner = item.get(key)
            if isinstance(inner, list):
                found += _components(inner)
            elif isinstance(inner, dict):
                found += _components([inner])
    return found


Choice = tuple[tuple[str, ...], tuple[str, ...]]  # values, and their labels


def _choices(select: dict[str, Any], probe: Probe) -> list[Choice]:
    """The first option(s), and any "Other…" option that asks for typed text."""
    wanted = max(int(select.get("min_values", 1)), 1)
    kind = select["type"]
    if kind == STRING_SELECT:
        options = select.get("options") or []
        first = options[:wanted]
        others = [o for o in options if str(o.get("label", "")).lower().startswith("other")]
        return [
            (tuple(str(o["value"]) for o in chosen), tuple(str(o["label"]) for o in chosen))
            for chosen in ([first] if first else []) + [[other] for other in others[:1]]
        ]
    pool = {
        USER_SELECT: probe.ids.users,
        ROLE_SELECT: probe.ids.roles,
        MENTIONABLE_SELECT: probe.ids.users,
        CHANNEL_SELECT: probe.ids.channels,
    }.get(kind, ())
    return [(tuple(str(i) for i in pool[:wanted]), ())] if len(pool) >= wanted else []
