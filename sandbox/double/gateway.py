"""The gateway websocket: HELLO, IDENTIFY to READY, GUILD_CREATE, heartbeats, RESUME, and
the bot removed from and added to a server (GUILD_DELETE, GUILD_CREATE).

Dispatches are numbered per session and kept, so a client that reconnects with RESUME gets
everything it missed, the way Discord replays a resumed session.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from sandbox.double.server import DiscordDouble
    from sandbox.double.state import Guild

log = logging.getLogger(__name__)
HEARTBEAT_INTERVAL_MS = 41_250
CHUNK_SIZE = 1000


@dataclass
class Session:
    id: str
    sequence: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)
    socket: web.WebSocketResponse | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    large_threshold: int = 50


class Gateway:
    def __init__(self, double: DiscordDouble) -> None:
        self.double = double
        self.sessions: dict[str, Session] = {}
        self.current: Session | None = None
        self.identified = asyncio.Event()
        self.resumes = 0
        self.left: dict[int, Guild] = {}  # servers the bot was removed from, for bot_added
        # Seconds between READY and the servers' GUILD_CREATE: Discord sends a busy or large
        # server late, after a bot has already decided it is ready.
        self.servers_after = 0.0

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(max_msg_size=0)
        await socket.prepare(request)
        await socket.send_str(
            json.dumps({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
        )
        session: Session | None = None
        try:
            async for message in socket:
                if message.type != WSMsgType.TEXT:
                    continue
                payload = json.loads(message.data)
                session = await self._on_payload(socket, session, payload) or session
        finally:
            if session is not None and session.socket is socket:
                session.socket = None
        return socket

    async def _on_payload(
        self, socket: web.WebSocketResponse, session: Session | None, payload: dict[str, Any]
    ) -> Session | None:
        op = payload.get("op")
        data: dict[str, Any] = payload.get("d") or {}
        if op == 1:
            await socket.send_str(json.dumps({"op": 11}))
        elif op == 2:
            return await self._identify(socket, data)
        elif op == 6:
            return await self._resume(socket, data)
        elif op == 8 and session is not None:
            await self._chunk(session, data)
        return None

    async def _identify(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> Session:
        if data.get("token", "").removeprefix("Bot ") != self.double.bot_token:
            await socket.close(code=4004, message=b"Authentication failed.")
            raise web.HTTPUnauthorized
        session = Session(id=secrets.token_hex(16), socket=socket)
        self.sessions[session.id] = session
        self.current = session
        double = self.double
        await self.send(session, "READY", {
            "v": 10,
            "user": double.bot_user.payload() | {"verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(g), "unavailable": True} for g in double.guilds],
            "session_id": session.id,
            "resume_gateway_url": double.gateway_url,
            "application": {"id": str(double.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
        })  # fmt: skip
        if self.servers_after:
            await asyncio.sleep(self.servers_after)
        threshold = session.large_threshold = int(data.get("large_threshold") or 50)
        for guild in double.guilds.values():
            await self.send(session, "GUILD_CREATE", self._guild_create(guild.payload(), threshold))
        session.ready.set()
        self.identified.set()
        return session

    def _guild_create(self, payload: dict[str, Any], large_threshold: int) -> dict[str, Any]:
        """A server over the client's ``large_threshold`` is "large": as on Discord, its
        GUILD_CREATE carries only the bot's own member, and the client asks for the rest."""
        if payload["member_count"] <= large_threshold:
            return payload
        bot_id = str(self.double.bot_user.id)
        members = [m for m in payload["members"] if m["user"]["id"] == bot_id]
        return payload | {"large": True, "members": members}

    async def _resume(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> Session | None:
        session = self.sessions.get(data.get("session_id", ""))
        if session is None or data.get("token", "").removeprefix("Bot ") != self.double.bot_token:
            await socket.send_str(json.dumps({"op": 9, "d": False}))
            return None
        session.socket = socket
        self.current = session
        self.resumes += 1
        missed = [p for p in session.sent if p["s"] > int(data.get("seq") or 0)]
        for payload in missed:
            await socket.send_str(json.dumps(payload))
        await self.send(session, "RESUMED", {})
        return session

    async def _chunk(self, session: Session, data: dict[str, Any]) -> None:
        guild = self.double.guilds.get(int(data["guild_id"]))
        if guild is None:
            return
        members = [m.payload() for m in guild.members.values()]
        wanted = data.get("user_ids")
        if wanted:
            ids = {str(u) for u in (wanted if isinstance(wanted, list) else [wanted])}
            members = [m for m in members if m["user"]["id"] in ids]
        # Discord answers in chunks of up to 1,000 members, numbered.
        pieces = [members[i : i + CHUNK_SIZE] for i in range(0, len(members), CHUNK_SIZE)] or [[]]
        for index, piece in enumerate(pieces):
            chunk: dict[str, Any] = {
                "guild_id": str(guild.id),
                "members": piece,
                "chunk_index": index,
                "chunk_count": len(pieces),
            }
            if data.get("nonce"):
                chunk["nonce"] = data["nonce"]
            await self.send(session, "GUILD_MEMBERS_CHUNK", chunk)

    async def send(self, session: Session, event: str, data: dict[str, Any]) -> None:
        self.double.touch()
        session.sequence += 1
        payload = {"op": 0, "t": event, "s": session.sequence, "d": data}
        session.sent.append(payload)
        if session.socket is not None and not session.socket.closed:
            try:
                await session.socket.send_str(json.dumps(payload))
            except ConnectionResetError:
                session.socket = None

    async def bot_removed(self, guild_id: int) -> None:
        """The bot is removed from a server (kicked, or the server deleted): Discord sends
        GUILD_DELETE without ``unavailable``, and the server is gone from REST (404). The
        server is kept aside so ``bot_added`` can bring it back as it was."""
        guild = self.double.guilds.pop(guild_id)
        self.left[guild_id] = guild
        self.double.commands.pop(guild_id, None)  # an app's server commands go with it
        if self.connected:  # a bot that is offline is told nothing; its next READY lacks it
            await self.dispatch("GUILD_DELETE", {"id": str(guild_id)})
            await self.double.settle()

    async def bot_added(self, guild_id: int) -> None:
        """The bot is added to a server (again): GUILD_CREATE with the whole server and no
        ``unavailable`` field (that is for a server back from an outage), which discord.py
        reports as a join."""
        guild = self.left.pop(guild_id)
        self.double.guilds[guild_id] = guild
        threshold = self.current.large_threshold if self.current else 50
        payload = {k: v for k, v in guild.payload().items() if k != "unavailable"}
        await self.dispatch("GUILD_CREATE", self._guild_create(payload, threshold))
        await self.double.settle()

    @property
    def connected(self) -> bool:
        socket = self.current.socket if self.current is not None else None
        return socket is not None and not socket.closed

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send an event to the connected bot (kept for replay if it is reconnecting)."""
        if self.current is not None:
            await self.send(self.current, event, data)

    async def drop(self) -> None:
        """Close the bot's connection abruptly; discord.py should reconnect and RESUME."""
        if self.current is not None and self.current.socket is not None:
            await self.current.socket.close(code=4000, message=b"Dropped by the test")
            self.current.socket = None

    async def close_all(self) -> None:
        for session in self.sessions.values():
            if session.socket is not None and not session.socket.closed:
                await session.socket.close(code=1001)
