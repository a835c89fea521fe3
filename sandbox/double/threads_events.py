"""Threads and guild scheduled events: the double's routes for them."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from sandbox.double.rest import CREATED, Params, RestRoutes, empty
from sandbox.double.server import DiscordError, json_response
from sandbox.double.state import (
    CREATE_PRIVATE_THREADS,
    CREATE_PUBLIC_THREADS,
    MANAGE_EVENTS,
    SEND_MESSAGES_IN_THREADS,
    Channel,
    Guild,
    iso_now,
    snowflake,
)

# Scheduled-event statuses and the changes Discord allows: SCHEDULED -> ACTIVE or CANCELED,
# ACTIVE -> COMPLETED; a COMPLETED or CANCELED event can no longer be changed at all.
SCHEDULED, ACTIVE, COMPLETED, CANCELED = 1, 2, 3, 4
NEXT_STATUS = {SCHEDULED: {ACTIVE, CANCELED}, ACTIVE: {COMPLETED}}
STATUS_NAMES = {
    SCHEDULED: "SCHEDULED",
    ACTIVE: "ACTIVE",
    COMPLETED: "COMPLETED",
    CANCELED: "CANCELED",
}

MAX_SCHEDULED_EVENTS = 100  # scheduled or active events a server may hold


class ThreadAndEventRoutes(RestRoutes):
    def register(self) -> None:
        r = self.d.route
        r("POST", "/channels/{channel}/threads", self.create_thread)
        r("POST", "/channels/{channel}/messages/{message}/threads", self.create_thread)
        r("PUT", "/channels/{channel}/thread-members/{user}", self.add_thread_member)
        r("DELETE", "/channels/{channel}/thread-members/{user}", self.remove_thread_member)
        r("GET", "/channels/{channel}/thread-members", self.list_thread_members)
        r("GET", "/guilds/{guild}/scheduled-events", self.list_events)
        r("POST", "/guilds/{guild}/scheduled-events", self.create_event)
        r("GET", "/guilds/{guild}/scheduled-events/{event}", self.get_event)
        r("PATCH", "/guilds/{guild}/scheduled-events/{event}", self.edit_event)
        r("DELETE", "/guilds/{guild}/scheduled-events/{event}", self.delete_event)

    # -- threads ----------------------------------------------------------------------------------

    async def create_thread(self, request: web.Request, params: Params, body: Any) -> web.Response:
        parent = self.channel(params)
        body = body or {}
        kind = 11 if "message" in params else int(body.get("type") or 12)
        assert parent.guild_id is not None
        self.require_in(parent, CREATE_PRIVATE_THREADS if kind == 12 else CREATE_PUBLIC_THREADS)
        thread = Channel(
            snowflake(), parent.guild_id, str(body.get("name") or "thread"), kind, parent.id
        )
        thread.owner_id = self.d.bot_user.id
        thread.invitable = bool(body.get("invitable", True))
        thread.thread_members.add(self.d.bot_user.id)
        self.d.channels[thread.id] = thread
        assert parent.guild_id is not None
        self.d.guild(parent.guild_id).channels[thread.id] = thread
        await self.d.gateway.dispatch("THREAD_CREATE", thread.payload() | {"newly_created": True})
        return json_response(thread.payload(), CREATED)

    async def add_thread_member(
        self, request: web.Request, params: Params, body: Any
    ) -> web.Response:
        thread = self.channel(params)
        self.require_in(thread, SEND_MESSAGES_IN_THREADS)  # as Discord documents
        user_id = int(params["user"])
        thread.thread_members.add(user_id)
        await self.d.gateway.dispatch("THREAD_MEMBERS_UPDATE", {
            "id": str(thread.id), "guild_id": str(thread.guild_id),
            "member_count": len(thread.thread_members),
            "added_members": [{"id": str(thread.id), "user_id": str(user_id),
                               "join_timestamp": iso_now(), "flags": 0}],
        })  # fmt: skip
        return empty()

    async def remove_thread_member(
        self, request: web.Request, params: Params, body: Any
    ) -> web.Response:
        self.channel(params).thread_members.discard(int(params["user"]))
        return empty()

    async def list_thread_members(
        self, request: web.Request, params: Params, body: Any
    ) -> web.Response:
        thread = self.channel(params)
        return json_response([
            {"id": str(thread.id), "user_id": str(u), "join_timestamp": iso_now(), "flags": 0}
            for u in sorted(thread.thread_members)
        ])  # fmt: skip

    # -- scheduled events -------------------------------------------------------------------------

    async def list_events(self, request: web.Request, params: Params, body: Any) -> web.Response:
        return json_response(list(self.guild(params).events.values()))

    def event(self, guild: Guild, params: Params) -> dict[str, Any]:
        event = guild.events.get(int(params["event"]))
        if event is None:
            raise DiscordError(404, 10070, "Unknown Guild Scheduled Event")
        return event

    async def get_event(self, request: web.Request, params: Params, body: Any) -> web.Response:
        return json_response(self.event(self.guild(params), params))

    async def create_event(self, request: web.Request, params: Params, body: Any) -> web.Response:
        guild = self.guild(params)
        self.require(guild, MANAGE_EVENTS)
        body = body or {}
        problems = []
        if not 1 <= len(body.get("name") or "") <= 100:
            problems.append("name: must be 1 to 100 characters")
        if len(body.get("description") or "") > 1000:
            problems.append("description: must be 1000 or fewer in length")
        if int(body.get("entity_type") or 0) == 3 and not body.get("scheduled_end_time"):
            problems.append("scheduled_end_time: required for external events")
        self.refuse(problems)
        live = [e for e in guild.events.values() if e.get("status") in (1, 2)]
        if len(live) >= MAX_SCHEDULED_EVENTS:  # Discord's limit per server
            raise DiscordError(
                400, 30038, "Maximum number of uncompleted guild scheduled events reached (100)"
            )
        event_id = snowflake()
        event = {
            "id": str(event_id), "guild_id": str(guild.id), "channel_id": body.get("channel_id"),
            "creator_id": str(self.d.bot_user.id), "creator": self.d.bot_user.payload(),
            "name": body["name"], "description": body.get("description"),
            "scheduled_start_time": body.get("scheduled_start_time"),
            "scheduled_end_time": body.get("scheduled_end_time"),
            "privacy_level": body.get("privacy_level", 2), "status": 1,
            "entity_type": body.get("entity_type", 3), "entity_id": None,
            "entity_metadata": body.get("entity_metadata"), "user_count": 0, "image": None,
            "recurrence_rule": body.get("recurrence_rule"), "guild_scheduled_event_exceptions": [],
        }  # fmt: skip
        guild.events[event_id] = event
        await self.d.gateway.dispatch("GUILD_SCHEDULED_EVENT_CREATE", event)
        return json_response(event)

    async def edit_event(self, request: web.Request, params: Params, body: Any) -> web.Response:
        guild = self.guild(params)
        self.require(guild, MANAGE_EVENTS)
        event = self.event(guild, params)
        body = body or {}
        self.check_status_change(int(event["status"]), body.get("status"))
        event.update({k: v for k, v in body.items() if k in event})
        await self.d.gateway.dispatch("GUILD_SCHEDULED_EVENT_UPDATE", event)
        return json_response(event)

    def check_status_change(self, current: int, wanted: Any) -> None:
        """Refuse what Discord refuses: any edit of a finished event, and a status change
        other than SCHEDULED -> ACTIVE or CANCELED, ACTIVE -> COMPLETED."""
        if current not in NEXT_STATUS:
            raise DiscordError(400, 180000, "Cannot update a finished event")
        if wanted is None or int(wanted) == current:
            return
        if int(wanted) not in NEXT_STATUS[current]:
            old, new = STATUS_NAMES[current], STATUS_NAMES.get(int(wanted), str(wanted))
            self.refuse([f"status: cannot change a scheduled event from {old} to {new}"])

    async def delete_event(self, request: web.Request, params: Params, body: Any) -> web.Response:
        guild = self.guild(params)
        self.require(guild, MANAGE_EVENTS)
        event = guild.events.pop(int(self.event(guild, params)["id"]))
        await self.d.gateway.dispatch("GUILD_SCHEDULED_EVENT_DELETE", event)
        return empty()
