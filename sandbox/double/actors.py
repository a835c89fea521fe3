"""Acting as a member: run a slash command, autocomplete, click, choose, submit a modal.

Each action builds the INTERACTION_CREATE Discord would send, waits for the bot's answer
with a short time-out, and fails at once with the bot's own exception if its task died.
What the member saw comes back as an InteractionResult.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from sandbox.double.state import Channel, Guild, Message, User, iter_components, snowflake

if TYPE_CHECKING:
    from sandbox.double.gateway import Gateway
    from sandbox.double.interactions import InteractionRecord

_T = TypeVar("_T")


@dataclass(frozen=True)
class Upload:
    """A file a member attaches to a slash command's attachment option: Discord stores it on
    its CDN and sends the bot only its description (``resolved.attachments``); the bot
    downloads the bytes from ``url`` (here, the double's own ``/ephemeral-attachments/``)."""

    filename: str
    data: bytes
    content_type: str = "text/plain; charset=utf-8"


# Application command option types.
SUB_COMMAND, SUB_COMMAND_GROUP, STRING, INTEGER, BOOLEAN = 1, 2, 3, 4, 5
USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 6, 7, 8, 9, 10, 11


class InteractionResult:
    """What the member saw in answer to one interaction."""

    def __init__(self) -> None:
        self.type: int | None = None
        self.message: Message | None = None
        self.modal: dict[str, Any] | None = None
        self.choices: list[dict[str, Any]] | None = None
        self.followups: list[Message] = []
        self.edits: list[Message] = []
        self.late = False
        self._changed = asyncio.Event()

    def signal(self) -> None:
        self._changed.set()

    @property
    def latest(self) -> Message | None:
        """The message that answered: the response, or after a bare defer the first follow-up."""
        if self.deferred and not self.edits and self.followups:
            return self.followups[0]
        return self.message

    @property
    def content(self) -> str:
        return self.latest.content if self.latest else ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.latest.embeds if self.latest else []

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.latest.components if self.latest else []

    @property
    def attachments(self) -> list[dict[str, Any]]:
        return self.latest.attachments if self.latest else []

    @property
    def ephemeral(self) -> bool:
        return bool(self.latest and self.latest.ephemeral)

    @property
    def deferred(self) -> bool:
        return self.type in (5, 6)

    def answered(self) -> bool:
        if self.type is None:
            return False
        if self.deferred:
            return bool(self.followups or self.edits)
        return True

    async def wait_for_followup(self, n: int = 1, timeout: float = 5.0) -> Message:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.followups) < n:
            self._changed.clear()
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"expected {n} follow-up(s), got {len(self.followups)}")
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                continue
        return self.followups[n - 1]


class Actors:
    """Member-level helpers, mixed into DiscordDouble (which provides what is declared here)."""

    if TYPE_CHECKING:
        commands: dict[int | None, list[dict[str, Any]]]
        users: dict[int, User]
        channels: dict[int, Channel]
        bot_user: User
        application_id: int
        gateway: Gateway
        uploads: dict[int, Upload]
        port: int

        def guild(self, guild_id: int) -> Guild: ...

        async def settle(self, quiet: float = 0.05, timeout: float = 5.0) -> None: ...

    def __init__(self) -> None:
        self.interactions: dict[int, InteractionRecord] = {}
        self.interactions_by_token: dict[str, InteractionRecord] = {}
        self.modal_sources: dict[tuple[int, str], Message | None] = {}
        self._client_task: asyncio.Task[Any] | None = None

    # -- the bot's task ---------------------------------------------------------------------------

    def watch_client(self, task: asyncio.Task[Any]) -> None:
        self._client_task = task

    def raise_if_client_died(self) -> None:
        task = self._client_task
        if task is not None and task.done():
            if task.cancelled():
                raise AssertionError("The bot's task was cancelled.")
            error = task.exception()
            if error is not None:
                raise error
            raise AssertionError("The bot stopped.")

    async def wait_or_fail(self, awaitable: Awaitable[Any], timeout: float, what: str) -> None:
        """Wait for ``awaitable``; fail fast if the bot dies, clearly if it is too slow."""
        waiter = asyncio.ensure_future(awaitable)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while not waiter.done():
                self.raise_if_client_died()
                if loop.time() > deadline:
                    raise AssertionError(f"Timed out after {timeout}s waiting for {what}.")
                await asyncio.wait({waiter}, timeout=0.02)
            waiter.result()
        finally:
            waiter.cancel()

    # -- the actions ------------------------------------------------------------------------------

    async def run_command(
        self,
        guild_id: int,
        user_id: int,
        name: str,
        options: dict[str, Any] | None = None,
        channel_id: int | None = None,
        timeout: float = 5.0,
        settle: bool = True,
    ) -> InteractionResult:
        data = self._command_data(guild_id, name, options or {}, focused=None)
        record = self._new_interaction(2, guild_id, user_id, data, channel_id=channel_id)
        return await self._send(record, timeout, f"an answer to /{name}", settle)

    async def autocomplete(
        self,
        guild_id: int,
        user_id: int,
        name: str,
        focused: str,
        options: dict[str, Any] | None = None,
        timeout: float = 5.0,
    ) -> list[dict[str, Any]]:
        data = self._command_data(guild_id, name, options or {}, focused=focused)
        record = self._new_interaction(4, guild_id, user_id, data)
        result = await self._send(record, timeout, f"autocomplete of /{name} {focused}", False)
        assert result.choices is not None, "the bot did not answer with autocomplete choices"
        return result.choices

    async def click(
        self,
        guild_id: int | None,
        user_id: int,
        message: Message | None,
        custom_id: str,
        timeout: float = 5.0,
        settle: bool = True,
    ) -> InteractionResult:
        message = _present(message, "a message to click on")
        component = self._component(message, custom_id, user_id)
        if component["type"] != 2:
            raise AssertionError(f"{custom_id} is not a button; use select()")
        data = {"custom_id": custom_id, "component_type": 2}
        record = self._new_interaction(3, guild_id, user_id, data, source=message)
        return await self._send(record, timeout, f"the click on {custom_id}", settle)

    async def select(
        self,
        guild_id: int | None,
        user_id: int,
        message: Message | None,
        custom_id: str,
        values: list[str],
        timeout: float = 5.0,
        settle: bool = True,
    ) -> InteractionResult:
        message = _present(message, "a message to choose in")
        component = self._component(message, custom_id, user_id)
        if component["type"] not in (3, 5, 6, 7, 8):
            raise AssertionError(f"{custom_id} is not a select; use click()")
        if component["type"] == 3:
            allowed = {o["value"] for o in component.get("options", [])}
            unknown = [v for v in values if v not in allowed]
            if unknown:
                raise AssertionError(
                    f"{custom_id} has no option(s) {unknown}; it offers {sorted(allowed)}"
                )
        low, high = component.get("min_values", 1), component.get("max_values", 1)
        if not low <= len(values) <= high:
            raise AssertionError(f"{custom_id} takes {low} to {high} values, not {len(values)}")
        data = {"custom_id": custom_id, "component_type": component["type"], "values": values}
        record = self._new_interaction(3, guild_id, user_id, data, source=message)
        return await self._send(record, timeout, f"the choice in {custom_id}", settle)

    async def submit_modal(
        self,
        guild_id: int | None,
        user_id: int,
        modal: dict[str, Any] | None,
        values: dict[str, str],
        timeout: float = 5.0,
        settle: bool = True,
    ) -> InteractionResult:
        """Submit as Discord's client would: required fields filled, lengths within bounds.

        ``settle=False`` (also on click and select) returns as soon as the bot answered,
        without waiting for the bot to go quiet: for a next step that needs only the answer,
        as in the sandbox's seed."""
        modal = _present(modal, "a form (the bot answered without opening one)")
        known: set[str] = set()
        rows = []
        for row in modal["components"]:
            if row.get("type") == 18:
                text_input = row["component"]
                rows.append({"type": 18, "component": self._typed(text_input, values)})
                known.add(text_input["custom_id"])
            else:
                typed = [self._typed(c, values) for c in row["components"] if c.get("type") == 4]
                known.update(c["custom_id"] for c in typed)
                rows.append({"type": 1, "components": typed})
        unknown = set(values) - known
        if unknown:
            raise AssertionError(
                f"the modal has no field(s) {sorted(unknown)}; it has {sorted(known)}"
            )
        source = self.modal_sources.get((user_id, modal.get("custom_id", "")))
        data = {"custom_id": modal["custom_id"], "components": rows}
        record = self._new_interaction(5, guild_id, user_id, data, source=source)
        return await self._send(record, timeout, f"the modal {modal.get('title')!r}", settle)

    @staticmethod
    def _typed(text_input: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
        custom_id = text_input["custom_id"]
        value = values.get(custom_id, text_input.get("value") or "")
        if text_input.get("required", True) and not value:
            raise AssertionError(f"Discord would not submit {custom_id} empty: it is required")
        if len(value) > int(text_input.get("max_length") or 4000):
            raise AssertionError(
                f"Discord would not let a member type {len(value)} characters in {custom_id}"
            )
        if value and len(value) < int(text_input.get("min_length") or 0):
            raise AssertionError(
                f"{custom_id} needs at least {text_input['min_length']} characters"
            )
        return {"type": 4, "custom_id": custom_id, "value": value}

    # -- building interactions --------------------------------------------------------------------

    def _component(self, message: Message, custom_id: str, user_id: int) -> dict[str, Any]:
        if message.deleted:
            raise AssertionError("that message was deleted")
        if message.ephemeral and message.visible_to not in (None, user_id):
            raise AssertionError("only the member who received an ephemeral message can use it")
        component = message.component(custom_id)
        if component is None:
            raise AssertionError(
                f"no component {custom_id!r}; the message has {message.custom_ids()}"
            )
        if component.get("disabled"):
            raise AssertionError(f"{custom_id} is disabled")
        return component

    def _find_command(self, guild_id: int, name: str) -> dict[str, Any]:
        for command in self.commands.get(guild_id, []) + self.commands.get(None, []):
            if command["name"] == name:
                return command
        synced = [c["name"] for c in self.commands.get(guild_id, []) + self.commands.get(None, [])]
        raise AssertionError(f"/{name} is not a synced command; synced: {synced}")

    def _command_data(
        self,
        guild_id: int,
        name: str,
        values: dict[str, Any],
        focused: str | None,
    ) -> dict[str, Any]:
        parts = name.split()
        command = self._find_command(guild_id, parts[0])
        resolved: dict[str, dict[str, Any]] = {}
        declared = command.get("options") or []
        top: list[dict[str, Any]] = []
        holder = top
        for part in parts[1:]:
            option = next((o for o in declared if o["name"] == part and o["type"] in (1, 2)), None)
            if option is None:
                raise AssertionError(f"/{name}: '{part}' is not a subcommand of it")
            nested: list[dict[str, Any]] = []
            holder.append({"name": part, "type": option["type"], "options": nested})
            holder, declared = nested, option.get("options") or []
        holder.extend(self._leaf_options(guild_id, name, declared, values, focused, resolved))
        data: dict[str, Any] = {
            "id": command["id"],
            "name": command["name"],
            "type": 1,
            "options": top,
        }
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return data

    def _leaf_options(
        self,
        guild_id: int,
        name: str,
        declared: list[dict[str, Any]],
        values: dict[str, Any],
        focused: str | None,
        resolved: dict[str, dict[str, Any]],
    ) -> list[dict[str, Any]]:
        by_name = {o["name"]: o for o in declared}
        unknown = set(values) - set(by_name)
        if unknown:
            raise AssertionError(
                f"/{name} has no option(s) {sorted(unknown)}; it has {sorted(by_name)}"
            )
        missing = [o["name"] for o in declared if o.get("required") and o["name"] not in values]
        if missing and focused is None:
            raise AssertionError(f"/{name} needs option(s) {missing}")
        built = []
        for key, value in values.items():
            option = by_name[key]
            entry: dict[str, Any] = {"name": key, "type": option["type"]}
            if key == focused:
                entry.update(value=str(value), focused=True)
            else:
                entry["value"] = self._option_value(guild_id, option, value, resolved)
            built.append(entry)
        return built

    def _option_value(
        self,
        guild_id: int,
        option: dict[str, Any],
        value: Any,
        resolved: dict[str, dict[str, Any]],
    ) -> Any:
        kind = option["type"]
        choices = option.get("choices")
        if choices and value not in [c["value"] for c in choices]:
            raise AssertionError(
                f"option {option['name']} only offers {[c['value'] for c in choices]}"
            )
        if kind in (USER, MENTIONABLE) and int(value) in self.users:
            user = self.users[int(value)]
            resolved.setdefault("users", {})[str(user.id)] = user.payload()
            member = self.guild(guild_id).members.get(user.id)
            if member is not None:
                guild = self.guild(guild_id)
                resolved.setdefault("members", {})[str(user.id)] = member.payload(
                    with_user=False
                ) | {"permissions": str(guild.permissions_of(user.id))}
            return str(value)
        if kind in (CHANNEL, MENTIONABLE, ROLE) and int(value) in self.channels:
            resolved.setdefault("channels", {})[str(value)] = self.channels[
                int(value)
            ].payload() | {"permissions": str((1 << 50) - 1)}
            return str(value)
        if kind in (ROLE, MENTIONABLE):
            role = self.guild(guild_id).roles[int(value)]
            resolved.setdefault("roles", {})[str(role.id)] = role.payload()
            return str(value)
        if kind == ATTACHMENT:
            return self._attach(option, value, resolved)
        if kind == INTEGER:
            return int(value)
        if kind == NUMBER:
            return float(value)
        if kind == BOOLEAN:
            return bool(value)
        if kind in (USER, CHANNEL):
            raise AssertionError(f"option {option['name']}: unknown id {value}")
        return str(value)

    def _attach(self, option: dict[str, Any], value: Any, resolved: dict[str, Any]) -> str:
        """Keep the file where the bot can download it, and describe it as Discord does
        (the attachment object: id, filename, size, url, proxy_url, content_type)."""
        if not isinstance(value, Upload):
            raise AssertionError(f"option {option['name']} takes an Upload(filename, data)")
        attachment_id = snowflake()
        self.uploads[attachment_id] = value
        path = f"ephemeral-attachments/{self.application_id}/{attachment_id}/{value.filename}"
        url = f"http://127.0.0.1:{self.port}/{path}"
        resolved.setdefault("attachments", {})[str(attachment_id)] = {
            "id": str(attachment_id), "filename": value.filename, "size": len(value.data),
            "url": url, "proxy_url": url, "content_type": value.content_type, "ephemeral": True,
        }  # fmt: skip
        return str(attachment_id)

    def _new_interaction(
        self,
        kind: int,
        guild_id: int | None,
        user_id: int,
        data: dict[str, Any],
        *,
        source: Message | None = None,
        channel_id: int | None = None,
    ) -> InteractionRecord:
        from sandbox.double.interactions import InteractionRecord

        self.raise_if_client_died()
        if channel_id is None:
            if source is not None:
                channel_id = source.channel_id
            else:
                assert guild_id is not None
                guild = self.guild(guild_id)
                channel_id = next(c.id for c in guild.channels.values() if c.type == 0)
        channel = self.channels[channel_id]
        record = InteractionRecord(
            id=snowflake(),
            token=secrets.token_urlsafe(32),
            type=kind,
            guild_id=guild_id,
            channel_id=channel_id,
            user_id=user_id,
            created=asyncio.get_running_loop().time(),
            result=InteractionResult(),
            source=source,
        )
        payload: dict[str, Any] = {
            "id": str(record.id), "application_id": str(self.application_id), "type": kind,
            "data": data, "channel_id": str(channel_id), "channel": channel.payload(),
            "token": record.token, "version": 1, "locale": self.users[user_id].locale,
            "entitlements": [], "context": 0 if guild_id else 1,
            "attachment_size_limit": 25 * 1024 * 1024,
        }  # fmt: skip
        owners = {"0": str(guild_id)} if guild_id else {"1": str(user_id)}
        payload["authorizing_integration_owners"] = owners
        if guild_id is not None:
            guild = self.guild(guild_id)
            member = guild.members.get(user_id)
            if member is None:
                raise AssertionError(f"user {user_id} is not a member of the server")
            payload.update(
                guild_id=str(guild_id),
                guild_locale="en-US",
                member=member.payload() | {"permissions": str(guild.permissions_of(user_id))},
                app_permissions=str(guild.permissions_of(self.bot_user.id)),
            )
        else:
            payload["user"] = self.users[user_id].payload()
            payload["app_permissions"] = str((1 << 50) - 1)
        if source is not None:
            payload["message"] = source.payload()
        record.payload = payload
        self.interactions[record.id] = record
        self.interactions_by_token[record.token] = record
        return record

    async def _send(
        self,
        record: InteractionRecord,
        timeout: float,
        what: str,
        settle: bool,
    ) -> InteractionResult:
        await self.gateway.dispatch("INTERACTION_CREATE", record.payload)
        result = record.result

        async def answered() -> None:
            while not (result.answered() or result.late):
                result._changed.clear()
                if result.answered() or result.late:
                    return
                await result._changed.wait()

        await self.wait_or_fail(answered(), timeout, what)
        if result.late:
            raise AssertionError(f"The bot answered {what} after Discord's 3-second deadline.")
        if settle:
            await self.settle()
        return result


def _present(value: _T | None, what: str) -> _T:
    if value is None:
        raise AssertionError(f"expected {what}")
    return value


def components_of(message: Message) -> list[dict[str, Any]]:
    return iter_components(message.components)
