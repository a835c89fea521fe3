"""DiscordDouble: an aiohttp server on 127.0.0.1 that an unmodified discord.py talks to.

Tests create servers, members and channels here, then act as members (actors.py) and read
what the bot did. Every REST call is recorded; a route the double does not serve is
recorded in ``unknown_routes`` so the test fixture can fail the test.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from sandbox.double.actors import Actors, Upload
from sandbox.double.checking import ConformanceHooks
from sandbox.double.gateway import Gateway
from sandbox.double.permissions import ChannelOverwrites
from sandbox.double.state import (
    BOT_PERMISSIONS,
    EVERYONE_PERMISSIONS,
    Channel,
    Guild,
    Member,
    Message,
    Role,
    User,
    snowflake,
)

Handler = Callable[[web.Request, dict[str, str], Any], Awaitable[web.StreamResponse]]


class DiscordError(Exception):
    """Answer a request the way Discord refuses it."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # discord.py compares Content-Type with == 'application/json', so no charset suffix.
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


@dataclass
class Call:
    method: str
    path: str
    body: Any
    status: int = 0


class DiscordDouble(Actors, ChannelOverwrites, ConformanceHooks):
    """A local Discord. ``await start()``, point discord.py at ``api_base`` and ``gateway_url``."""

    def __init__(
        self, rate_limit_per_second: float = 50.0, interaction_deadline: float = 3.0
    ) -> None:
        self.rate_limit_per_second = rate_limit_per_second
        self.interaction_deadline = interaction_deadline
        self.token_lifetime = 15 * 60.0
        self.bot_token = f"double.{secrets.token_hex(12)}"
        self.application_id = snowflake()
        self.bot_user = User(self.application_id, "Hub Bot", bot=True)
        self.owner = User(snowflake(), "server-owner")
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user, self.owner.id: self.owner}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.uploads: dict[int, Upload] = {}  # files members attached, by attachment id
        self.calls: list[Call] = []
        self.unknown_routes: list[str] = []
        self.refusals: list[str] = []
        self.rate_limited = 0
        self.gateway = Gateway(self)
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._window_start = 0.0
        self._window_count = 0
        self._in_flight = 0
        self._last_request = 0.0
        self._runner: web.AppRunner | None = None
        self._announcing: set[asyncio.Task[None]] = set()
        self.port = 0
        self.conformance_from_environment()
        Actors.__init__(self)
        from sandbox.double.interactions import InteractionRoutes
        from sandbox.double.rest import RestRoutes
        from sandbox.double.threads_events import ThreadAndEventRoutes

        RestRoutes(self).register()
        ThreadAndEventRoutes(self).register()
        InteractionRoutes(self).register()

    # -- life cycle ------------------------------------------------------------------------------

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> None:
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._dispatch)
        app.router.add_get("/ephemeral-attachments/{app}/{id}/{filename}", self._download)
        app.router.add_route("*", "/{tail:.*}", self._unknown)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(1024)
        self.port = sock.getsockname()[1]
        site = web.SockSite(self._runner, sock, backlog=1024)
        await site.start()

    async def stop(self) -> None:
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self.save_conformance()

    async def drop_gateway(self) -> None:
        await self.gateway.drop()

    # -- routing ---------------------------------------------------------------------------------

    def route(self, method: str, pattern: str, handler: Handler) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern)
        self._routes.append((method, re.compile(f"^{regex}$"), handler))

    async def _download(self, request: web.Request) -> web.Response:
        """The CDN: an attached file's bytes (no token needed, as on Discord's CDN)."""
        upload = self.uploads.get(int(request.match_info["id"]))
        if upload is None or upload.filename != request.match_info["filename"]:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=upload.data, content_type=upload.content_type.split(";")[0])

    async def _unknown(self, request: web.Request) -> web.Response:
        self.unknown_routes.append(f"{request.method} {request.path}")
        return json_response({"message": "404: Not Found", "code": 0}, 404)

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body = await self._read_body(request)
        call = Call(request.method, path, body)
        self.calls.append(call)
        for method, pattern, handler in self._routes:
            match = pattern.match(path)
            if match and method == request.method:
                try:
                    response = await handler(request, match.groupdict(), body)
                except DiscordError as error:
                    response = json_response(
                        {"message": error.message, "code": error.code}, error.status
                    )
                call.status = response.status
                return self.conform(request, path, body, response)
        self.unknown_routes.append(f"{request.method} {path}")
        call.status = 404
        return self.conform(
            request, path, body, json_response({"message": "404: Not Found", "code": 0}, 404)
        )

    @staticmethod
    async def _read_body(request: web.Request) -> Any:
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            payload = json.loads(str(form.get("payload_json") or "{}"))
            files = []
            for key, value in form.items():
                if key.startswith("files[") and isinstance(value, web.FileField):
                    raw = value.file.read()
                    index = key.removeprefix("files[").removesuffix("]")
                    files.append({"filename": value.filename, "bytes": raw, "index": index})
            payload["_files"] = files
            return payload
        if request.can_read_body:
            text = await request.text()
            return json.loads(text) if text else None
        return None

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        loop = asyncio.get_running_loop()
        if request.path == "/gateway":  # the long-lived websocket is not a request in flight
            return await handler(request)
        self._in_flight += 1
        self._last_request = loop.time()
        try:
            if request.path.startswith("/api/") and not self._exempt(request.path):
                refusal = self._check_auth(request) or self._check_rate(loop.time())
                if refusal is not None:
                    self.calls.append(Call(request.method, request.path, None, refusal.status))
                    return self.conform_refusal(request, refusal)
            response = await handler(request)
            if request.path.startswith("/api/"):
                response.headers.update(self._bucket_headers(request.path))
            return response
        finally:
            self._in_flight -= 1
            self._last_request = loop.time()

    @staticmethod
    def _exempt(path: str) -> bool:
        """Interaction endpoints are not bound by the global rate limit, as on Discord."""
        return "/interactions/" in path or "/webhooks/" in path

    def _check_auth(self, request: web.Request) -> web.Response | None:
        if request.headers.get("Authorization") != f"Bot {self.bot_token}":
            return json_response({"message": "401: Unauthorized", "code": 0}, 401)
        return None

    def _check_rate(self, now: float) -> web.Response | None:
        if now - self._window_start >= 1.0:
            self._window_start, self._window_count = now, 0
        self._window_count += 1
        if self._window_count <= self.rate_limit_per_second:
            return None
        self.rate_limited += 1
        retry_after = round(max(1.0 - (now - self._window_start), 0.01), 3)
        return json_response(
            {
                "message": "You are being rate limited.",
                "code": 0,
                "retry_after": retry_after,
                "global": True,
            },
            429,
            {
                "Retry-After": str(retry_after),
                "X-RateLimit-Global": "true",
                "X-RateLimit-Scope": "global",
                "Via": "1.1 google",
            },
        )

    @staticmethod
    def _bucket_headers(path: str) -> dict[str, str]:
        bucket = re.sub(r"\d{15,}", "id", path)
        return {
            "X-RateLimit-Limit": "1000",
            "X-RateLimit-Remaining": "999",
            "X-RateLimit-Reset-After": "1.0",
            "X-RateLimit-Bucket": bucket,
            "Via": "1.1 google",
        }

    def announce(self, event: str, data: dict[str, Any]) -> None:
        """Tell a connected bot about a change a test made (settle() waits for it)."""
        if self.gateway.current is None:
            return
        task = asyncio.ensure_future(self.gateway.dispatch(event, data))
        self._announcing.add(task)
        task.add_done_callback(self._announcing.discard)

    def touch(self) -> None:
        """Note activity (an event sent to the bot), so settle() waits for its reaction."""
        self._last_request = asyncio.get_running_loop().time()

    async def wait_for(
        self, check: Callable[[], bool], timeout: float = 5.0, what: str = "a condition"
    ) -> None:
        """Wait until ``check()`` holds, failing fast if the bot dies."""

        async def poll() -> None:
            while not check():  # noqa: ASYNC110 (the state has no event to wait on)
                await asyncio.sleep(0.01)

        await self.wait_or_fail(poll(), timeout, what)

    async def settle(self, quiet: float = 0.05, timeout: float = 5.0) -> None:
        """Wait until the bot has made no request for ``quiet`` seconds."""
        if self._announcing:
            await asyncio.gather(*self._announcing)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            self.raise_if_client_died()
            if self._in_flight == 0 and loop.time() - self._last_request >= quiet:
                return
            await asyncio.sleep(quiet / 3)

    # -- building a server ------------------------------------------------------------------------

    def create_guild(self, name: str) -> Guild:
        guild = Guild(snowflake(), name, self.owner.id)
        guild.roles[guild.id] = Role(guild.id, guild.id, "@everyone", 0, EVERYONE_PERMISSIONS)
        bot_role = Role(
            snowflake(),
            guild.id,
            "Hub Bot",
            50,
            BOT_PERMISSIONS,
            managed=True,
            bot_id=self.bot_user.id,
        )
        guild.roles[bot_role.id] = bot_role
        guild.members[self.bot_user.id] = Member(self.bot_user, guild.id, [bot_role.id])
        guild.members[self.owner.id] = Member(self.owner, guild.id, [])
        self.guilds[guild.id] = guild
        self.create_channel(guild.id, "general")
        return guild

    def guild(self, guild_id: int) -> Guild:
        if guild_id not in self.guilds:
            raise DiscordError(404, 10004, "Unknown Guild")
        return self.guilds[guild_id]

    def create_role(
        self, guild_id: int, name: str, position: int = 1, permissions: int = 0
    ) -> Role:
        role = Role(snowflake(), guild_id, name, position, permissions)
        self.guild(guild_id).roles[role.id] = role
        self.announce("GUILD_ROLE_CREATE", {"guild_id": str(guild_id), "role": role.payload()})
        return role

    def set_bot_permissions(self, guild_id: int, permissions: int, announce: bool = True) -> None:
        """Change what the bot's own role allows. With ``announce=False`` the bot is not
        told, as when a permission is lost half way through its work."""
        guild = self.guild(guild_id)
        for role_id in guild.members[self.bot_user.id].roles:
            role = guild.roles[role_id]
            role.permissions = permissions
            if announce:
                self.announce(
                    "GUILD_ROLE_UPDATE", {"guild_id": str(guild_id), "role": role.payload()}
                )

    def create_channel(
        self, guild_id: int, name: str, type: int = 0, parent_id: int | None = None
    ) -> Channel:
        channel = Channel(snowflake(), guild_id, name, type, parent_id)
        self.guild(guild_id).channels[channel.id] = channel
        self.channels[channel.id] = channel
        self.announce("CHANNEL_CREATE", channel.payload())
        return channel

    async def add_member(
        self,
        guild_id: int,
        name: str,
        roles: list[int] | None = None,
        dms_open: bool = True,
        user_id: int | None = None,
    ) -> Member:
        """A member joins (again, with ``user_id`` of someone who left)."""
        user = self.users.get(user_id) if user_id else None
        if user is None:
            user = User(user_id or snowflake(), name, dms_open=dms_open)
            self.users[user.id] = user
        member = Member(user, guild_id, list(roles or []))
        self.guild(guild_id).members[user.id] = member
        if self.gateway.current is not None:
            await self.gateway.dispatch(
                "GUILD_MEMBER_ADD", member.payload() | {"guild_id": str(guild_id)}
            )
            await self.settle()
        return member

    async def remove_member(self, guild_id: int, user_id: int) -> None:
        member = self.guild(guild_id).members.pop(user_id)
        if self.gateway.current is not None:
            await self.gateway.dispatch(
                "GUILD_MEMBER_REMOVE", {"guild_id": str(guild_id), "user": member.user.payload()}
            )
            await self.settle()

    async def post_message(self, channel_id: int, user_id: int, content: str) -> Message:
        """A member writes in a channel or thread (MESSAGE_CREATE)."""
        channel = self.channels[channel_id]
        message = Message(snowflake(), channel_id, channel.guild_id, self.users[user_id], content)
        self.messages[message.id] = message
        payload = message.payload()
        if channel.guild_id is not None:
            member = self.guild(channel.guild_id).members[user_id]
            payload["member"] = member.payload(with_user=False)
        await self.gateway.dispatch("MESSAGE_CREATE", payload)
        await self.settle()
        return message

    async def start_thread(self, channel_id: int, user_id: int, name: str) -> Channel:
        """A member opens a public thread in a channel (THREAD_CREATE)."""
        parent = self.channels[channel_id]
        thread = Channel(snowflake(), parent.guild_id, name, 11, parent.id, owner_id=user_id)
        thread.thread_members.add(user_id)
        self.channels[thread.id] = thread
        if parent.guild_id is not None:
            self.guild(parent.guild_id).channels[thread.id] = thread
        await self.gateway.dispatch("THREAD_CREATE", thread.payload() | {"newly_created": True})
        await self.settle()
        return thread

    async def set_member_roles(self, guild_id: int, user_id: int, roles: list[int]) -> None:
        """A moderator changes a member's roles by hand (GUILD_MEMBER_UPDATE)."""
        member = self.guild(guild_id).members[user_id]
        member.roles = list(roles)
        await self.gateway.dispatch(
            "GUILD_MEMBER_UPDATE", member.payload() | {"guild_id": str(guild_id)}
        )
        await self.settle()

    async def delete_channel_by_hand(self, channel_id: int) -> None:
        channel = self.channels.pop(channel_id)
        if channel.guild_id is not None:
            self.guild(channel.guild_id).channels.pop(channel_id, None)
        event = "THREAD_DELETE" if channel.is_thread else "CHANNEL_DELETE"
        await self.gateway.dispatch(event, channel.payload())
        await self.settle()

    async def delete_role_by_hand(self, guild_id: int, role_id: int) -> None:
        guild = self.guild(guild_id)
        del guild.roles[role_id]
        for member in guild.members.values():
            if role_id in member.roles:
                member.roles.remove(role_id)
        await self.gateway.dispatch(
            "GUILD_ROLE_DELETE", {"guild_id": str(guild_id), "role_id": str(role_id)}
        )
        await self.settle()

    async def wait_until_ready(self, timeout: float = 5.0) -> None:
        waiter = asyncio.ensure_future(self.gateway.identified.wait())
        try:
            await self.wait_or_fail(waiter, timeout, "the bot to connect")
        finally:
            waiter.cancel()

    # -- reading what happened --------------------------------------------------------------------

    def messages_in(self, channel_id: int) -> list[Message]:
        return [
            m for m in self.messages.values()
            if m.channel_id == channel_id and not m.ephemeral and not m.deleted
        ]  # fmt: skip

    def dms_of(self, user_id: int) -> list[Message]:
        user = self.users[user_id]
        if user.dm_channel_id is None:
            return []
        return self.messages_in(user.dm_channel_id)

    def member_roles(self, guild_id: int, user_id: int) -> set[int]:
        member = self.guild(guild_id).members.get(user_id)
        return set(member.roles) if member else set()

    def guild_role(self, guild_id: int, role_id: int) -> Role:
        return self.guild(guild_id).roles[role_id]

    def role_by_name(self, guild_id: int, name: str) -> Role | None:
        return next((r for r in self.guild(guild_id).roles.values() if r.name == name), None)

    def channel_by_name(self, guild_id: int, name: str) -> Channel | None:
        return next((c for c in self.guild(guild_id).channels.values() if c.name == name), None)

    def threads_in(self, guild_id: int) -> list[Channel]:
        return [c for c in self.guild(guild_id).channels.values() if c.is_thread]

    def scheduled_events(self, guild_id: int) -> list[dict[str, Any]]:
        return list(self.guild(guild_id).events.values())
