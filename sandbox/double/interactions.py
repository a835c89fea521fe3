"""Interaction callbacks (types 1 and 4 to 9), follow-ups and edits of responses.

Enforces the 3-second first-response deadline (10062), one callback per interaction
(40060) and the 15-minute token lifetime (50027), and hands what the bot answered to the
waiting test through the interaction's result.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from sandbox.double import limits
from sandbox.double.rest import RestRoutes, empty
from sandbox.double.server import DiscordError, json_response
from sandbox.double.state import Message

if TYPE_CHECKING:
    from sandbox.double.actors import InteractionResult
    from sandbox.double.server import DiscordDouble

LOADING = 128
EPHEMERAL = 64


@dataclass
class InteractionRecord:
    id: int
    token: str
    type: int
    guild_id: int | None
    channel_id: int
    user_id: int
    created: float
    result: InteractionResult
    source: Message | None = None
    responded: bool = False
    original: Message | None = None
    payload: dict[str, Any] = field(default_factory=dict)


class InteractionRoutes:
    def __init__(self, double: DiscordDouble) -> None:
        self.d = double
        self.rest = RestRoutes(double)

    def register(self) -> None:
        r = self.d.route
        r("POST", "/interactions/{id}/{token}/callback", self.callback)
        r("POST", "/webhooks/{app}/{token}", self.followup)
        for path in ("/webhooks/{app}/{token}/messages/{message}",):
            r("GET", path, self.get_response)
            r("PATCH", path, self.edit_response)
            r("DELETE", path, self.delete_response)

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    def _by_token(self, token: str) -> InteractionRecord:
        record = self.d.interactions_by_token.get(token)
        if record is None:
            raise DiscordError(404, 10015, "Unknown Webhook")
        if self._now() - record.created > self.d.token_lifetime:
            raise DiscordError(401, 50027, "Invalid Webhook Token")
        return record

    async def callback(
        self, request: web.Request, params: dict[str, str], body: Any
    ) -> web.Response:
        record = self.d.interactions.get(int(params["id"]))
        if record is None or record.token != params["token"]:
            raise DiscordError(404, 10062, "Unknown interaction")
        if self._now() - record.created > self.d.interaction_deadline:
            record.result.late = True
            record.result.signal()
            raise DiscordError(404, 10062, "Unknown interaction")
        if record.responded:
            raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
        kind = int(body["type"])
        data = body.get("data") or {}
        if "_files" in body:
            data["_files"] = body["_files"]
        message = await self._respond(record, kind, data)
        record.responded = True
        record.result.type = kind
        record.result.signal()
        if request.query.get("with_response") not in ("1", "true", "True"):
            return empty()
        interaction = {
            "id": str(record.id),
            "type": record.type,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(message and message.ephemeral),
        }
        if message is not None:
            interaction["response_message_id"] = str(message.id)
        answer: dict[str, Any] = {"interaction": interaction}
        if message is not None and kind in (4, 7):
            # Discord describes a resource only for a message sent (4) or updated (7).
            answer["resource"] = {"type": kind, "message": message.payload()}
        return json_response(answer)

    async def _respond(
        self, record: InteractionRecord, kind: int, data: dict[str, Any]
    ) -> Message | None:
        result = record.result
        if kind == 4:
            message = self._new_message(record, data)
            record.original = result.message = message
            if not message.ephemeral:
                await self.d.gateway.dispatch("MESSAGE_CREATE", message.payload())
            return message
        if kind == 5:
            flags = (int(data.get("flags") or 0) & EPHEMERAL) | LOADING
            message = self._new_message(record, {"flags": flags, "content": ""}, allow_empty=True)
            record.original = result.message = message
            return message
        if kind in (6, 7):
            if record.source is None:
                self.rest.refuse([f"callback type {kind} is only for component interactions"])
            assert record.source is not None
            record.original = result.message = record.source
            if kind == 7:
                self.rest.apply_edit(record.source, data)
                await self.d.gateway.dispatch("MESSAGE_UPDATE", record.source.payload())
            return record.source
        if kind == 8:
            choices = data.get("choices") or []
            self.rest.refuse(limits.check_choices(choices))
            result.choices = choices
            return None
        if kind == 9:
            self.rest.refuse(limits.check_modal(data))
            result.modal = data
            self.d.modal_sources[(record.user_id, data.get("custom_id", ""))] = record.source
            return None
        if kind == 1:
            return None
        self.rest.refuse([f"type: unknown callback type {kind}"])
        return None

    def _new_message(
        self, record: InteractionRecord, data: dict[str, Any], allow_empty: bool = False
    ) -> Message:
        channel = self.d.channels[record.channel_id]
        if allow_empty:
            message = Message(
                0, channel.id, channel.guild_id, self.d.bot_user, flags=int(data["flags"])
            )
            from sandbox.double.state import snowflake

            message.id = snowflake()
            self.d.messages[message.id] = message
        else:
            message = self.rest.build_message(channel, data)
        message.interaction_id = record.id
        if message.ephemeral:
            message.visible_to = record.user_id
        return message

    async def followup(
        self, request: web.Request, params: dict[str, str], body: Any
    ) -> web.Response:
        record = self._by_token(params["token"])
        if not record.responded:
            raise DiscordError(400, 40060, "Interaction has not been acknowledged.")
        body = body or {}
        original = record.original
        if original is not None and original.flags & LOADING and record.result.type == 5:
            # The first follow-up after a "thinking" defer replaces the loading message.
            self.rest.apply_edit(original, body)
            original.flags &= ~LOADING
            message = original
        else:
            message = self._new_message(record, body)
            if not message.ephemeral:
                await self.d.gateway.dispatch("MESSAGE_CREATE", message.payload())
        record.result.followups.append(message)
        record.result.signal()
        return json_response(message.payload())

    def _target(self, record: InteractionRecord, message_id: str) -> Message:
        if message_id == "@original":
            if record.original is None:
                raise DiscordError(404, 10008, "Unknown Message")
            return record.original
        message = self.d.messages.get(int(message_id))
        if message is None or message.deleted:
            raise DiscordError(404, 10008, "Unknown Message")
        return message

    async def get_response(
        self, request: web.Request, params: dict[str, str], body: Any
    ) -> web.Response:
        record = self._by_token(params["token"])
        return json_response(self._target(record, params["message"]).payload())

    async def edit_response(
        self, request: web.Request, params: dict[str, str], body: Any
    ) -> web.Response:
        record = self._by_token(params["token"])
        message = self._target(record, params["message"])
        self.rest.apply_edit(message, body or {})
        message.flags &= ~LOADING
        record.result.edits.append(message)
        record.result.signal()
        if not message.ephemeral:
            await self.d.gateway.dispatch("MESSAGE_UPDATE", message.payload())
        return json_response(message.payload())

    async def delete_response(
        self, request: web.Request, params: dict[str, str], body: Any
    ) -> web.Response:
        record = self._by_token(params["token"])
        self._target(record, params["message"]).deleted = True
        return empty()
