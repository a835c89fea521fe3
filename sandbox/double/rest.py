"""The REST routes a bot uses, outside interactions: users, commands, messages, DMs, roles,
channels and permission overwrites, threads, scheduled events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from sandbox.double import limits
from sandbox.double.permissions import channel_permissions
from sandbox.double.server import DiscordError, json_response
from sandbox.double.state import (
    ATTACH_FILES,
    EMBED_LINKS,
    MANAGE_CHANNELS,
    MANAGE_ROLES,
    MANAGE_THREADS,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    VIEW_CHANNEL,
    Channel,
    Guild,
    Message,
    Role,
    number_components,
    snowflake,
)

if TYPE_CHECKING:
    from sandbox.double.server import DiscordDouble

Params = dict[str, str]
CREATED = 201
NO_CONTENT = 204


def empty() -> web.Response:
    return web.Response(status=NO_CONTENT)


class RestRoutes:
    def __init__(self, double: DiscordDouble) -> None:
        self.d = double

    def register(self) -> None:
        r = self.d.route
        r("GET", "/users/@me", self.me)
        r("GET", "/users/{user}", self.user)
        r("GET", "/gateway", self.gateway)
        r("GET", "/gateway/bot", self.gateway)
        r("GET", "/oauth2/applications/@me", self.application)
        r("GET", "/applications/@me", self.application)
        for base in ("/applications/{app}/commands", "/applications/{app}/guilds/{guild}/commands"):
            r("GET", base, self.list_commands)
            r("PUT", base, self.sync_commands)
        r("POST", "/users/@me/channels", self.open_dm)
        r("POST", "/channels/{channel}/messages", self.send_message)
        r("GET", "/channels/{channel}/messages", self.list_messages)
        r("GET", "/channels/{channel}/messages/{message}", self.get_message)
        r("PATCH", "/channels/{channel}/messages/{message}", self.edit_message)
        r("DELETE", "/channels/{channel}/messages/{message}", self.delete_message)
        for pins in (
            "/channels/{channel}/pins/{message}",
            "/channels/{channel}/messages/pins/{message}",
        ):
            r("PUT", pins, self.pin)
            r("DELETE", pins, self.unpin)
        r("GET", "/guilds/{guild}", self.get_guild)
        r("GET", "/guilds/{guild}/channels", self.list_channels)
        r("POST", "/guilds/{guild}/channels", self.create_channel)
        r("GET", "/channels/{channel}", self.get_channel)
        r("PATCH", "/channels/{channel}", self.edit_channel)
        r("DELETE", "/channels/{channel}", self.delete_channel)
        r("PUT", "/channels/{channel}/permissions/{target}", self.set_overwrite)
        r("DELETE", "/channels/{channel}/permissions/{target}", self.delete_overwrite)
        r("GET", "/guilds/{guild}/roles", self.list_roles)
        r("POST", "/guilds/{guild}/roles", self.create_role)
        r("PATCH", "/guilds/{guild}/roles", self.move_roles)
        r("PATCH", "/guilds/{guild}/roles/{role}", self.edit_role)
        r("DELETE", "/guilds/{guild}/roles/{role}", self.delete_role)
        r("GET", "/guilds/{guild}/members", self.list_members)
        r("GET", "/guilds/{guild}/members/{user}", self.get_member)
        r("PUT", "/guilds/{guild}/members/{user}/roles/{role}", self.add_role)
        r("DELETE", "/guilds/{guild}/members/{user}/roles/{role}", self.remove_role)

    # -- helpers ---------------------------------------------------------------------------------

    def refuse(self, problems: list[str]) -> None:
        if problems:
            self.d.refusals.extend(problems)
            raise DiscordError(400, 50035, "Invalid Form Body: " + "; ".join(problems))

    def channel(self, params: Params) -> Channel:
        channel = self.d.channels.get(int(params["channel"]))
        if channel is None:
            raise DiscordError(404, 10003, "Unknown Channel")
        return channel

    def guild(self, params: Params) -> Guild:
        return self.d.guild(int(params["guild"]))

    def require(self, guild: Guild, permission: int) -> None:
        if not guild.permissions_of(self.d.bot_user.id) & permission:
            raise DiscordError(403, 50013, "Missing Permissions")

    def require_in(self, channel: Channel, permission: int) -> None:
        """Refuse as Discord does when the bot lacks ``permission`` in ``channel``, its
        roles and the channel's overwrites taken together (Missing Access without View)."""
        if channel.guild_id is None:
            return
        guild = self.d.guild(channel.guild_id)
        bits = channel_permissions(guild, channel, self.d.bot_user.id)
        if not bits & VIEW_CHANNEL:
            raise DiscordError(403, 50001, "Missing Access")
        if not bits & permission:
            raise DiscordError(403, 50013, "Missing Permissions")

    def below_bot(self, guild: Guild, role: Role) -> None:
        if role.position >= guild.top_position(self.d.bot_user.id) or role.managed:
            raise DiscordError(403, 50013, "Missing Permissions")

    def message(self, params: Params) -> Message:
        message = self.d.messages.get(int(params["message"]))
        if message is None or message.deleted or message.channel_id != int(params["channel"]):
            raise DiscordError(404, 10008, "Unknown Message")
        return message

    # -- users, application, commands -------------------------------------------------------------

    async def me(self, request: web.Request, params: Params, body: Any) -> web.Response:
        # /users/@me answers the bot's own account, with its private fields.
        private = {"mfa_enabled": False, "locale": "en-US", "verified": True}
        return json_response(self.d.bot_user.payload() | private)

    async def user(self, request: web.Request, params: Params, body: Any) -> web.Response:
        user = self.d.users.get(int(params["user"]))
        if user is None:
            raise DiscordError(404, 10013, "Unknown User")
        return json_response(user.payload())

    async def gateway(self, request: web.Request, params: Params, body: Any) -> web.Response:
        return json_response({
            "url": self.d.gateway_url, "shards": 1,
            "session_start_limit": {
                "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1,
            },
        })  # fmt: skip

    async def application(self, request: web.Request, params: Params, body: Any) -> web.Response:
        return json_response({
            "id": str(self.d.application_id), "name": "Hub Bot", "icon": None,
            "description": "", "bot_public": True, "bot_require_code_grant": False,
            "verify_key": "0" * 64, "owner": self.d.owner.payload(), "team": None,
            "flags": 0, "bot": self.d.bot_user.payload(), "summary": "",
            "type": None, "flags_new": "0", "redirect_uris": [],
            "interactions_endpoint_url": None, "role_connections_verification_url": None,
            "approximate_guild_count": len(self.d.guilds), "approximate_user_install_count": 0,
            "approximate_user_authorization_count": 0, "explicit_content_filter": 0,
            "eligible_oauth2_scopes": ["bot", "applications.commands"],
        })  # fmt: skip

    async def list_commands(self, request: web.Request, params: Params, body: Any) -> web.Response:
        key = int(params["guild"]) if "guild" in params else None
        return json_response(self.d.commands.get(key, []))

    async def sync_commands(self, request: web.Request, params: Params, body: Any) -> web.Response:
        commands = list(body or [])
        self.refuse(limits.check_commands(commands))
        key = int(params["guild"]) if "guild" in params else None
        if key is not None and key not in self.d.guilds:  # a server the bot is not in
            raise DiscordError(403, 50001, "Missing Access")
        stored = []
        for command in commands:
            stored.append({
                **command, "id": str(snowflake()), "application_id": str(self.d.application_id),
                "version": str(snowflake()), "type": command.get("type", 1),
                "guild_id": str(key) if key else None,
                # Discord answers the permission bit set as a string, whatever was sent.
                "default_member_permissions": _bits_text(command.get("default_member_permissions")),
                # Discord fills in the default (installed to servers) rather than echo null.
                "integration_types": command.get("integration_types") or [0],
            })  # fmt: skip
        self.d.commands[key] = stored
        return json_response(stored)

    # -- messages and DMs -------------------------------------------------------------------------

    async def open_dm(self, request: web.Request, params: Params, body: Any) -> web.Response:
        user = self.d.users.get(int(body["recipient_id"]))
        if user is None:
            raise DiscordError(404, 10013, "Unknown User")
        if user.dm_channel_id is None:
            channel = Channel(snowflake(), None, "", type=1, recipient=user)
            self.d.channels[channel.id] = channel
            user.dm_channel_id = channel.id
        return json_response(self.d.channels[user.dm_channel_id].payload())

    def build_message(self, channel: Channel, body: dict[str, Any], **extra: Any) -> Message:
        self.refuse(limits.check_message(body))
        files = body.get("_files", [])
        if not (body.get("content") or body.get("embeds") or files or body.get("components")):
            self.refuse(["Cannot send an empty message"])
        attachments = self.new_attachments(body)
        message = Message(
            id=snowflake(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=self.d.bot_user,
            content=body.get("content") or "",
            embeds=body.get("embeds") or [],
            components=number_components(body.get("components") or []),
            allowed_mentions=body.get("allowed_mentions"),
            flags=int(body.get("flags") or 0),
            attachments=attachments,
            **extra,
        )
        self.d.messages[message.id] = message
        return message

    def new_attachments(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """The uploaded files, each with the description (alt text) its entry in the body's
        ``attachments`` gave it: Discord matches an entry's id to the ``files[id]`` part and
        refuses a description over 1,024 characters. ``data`` is the text, ``bytes`` the file."""
        described = {
            str(a.get("id")): a.get("description")
            for a in body.get("attachments") or []
            if isinstance(a, dict)
        }
        found = []
        for f in body.get("_files", []):
            description = described.get(str(f.get("index")))
            if description is not None and len(description) > 1024:
                self.refuse(["attachments.description: must be 1024 or fewer in length"])
            attachment = {
                "id": str(snowflake()), "filename": f["filename"], "size": len(f["bytes"]),
                "url": f"https://cdn.double/{f['filename']}", "proxy_url": "",
                "data": f["bytes"].decode("utf-8", "replace"), "bytes": f["bytes"],
            }  # fmt: skip
            if description is not None:
                attachment["description"] = description
            found.append(attachment)
        return found

    async def send_message(self, request: web.Request, params: Params, body: Any) -> web.Response:
        channel = self.channel(params)
        if channel.type == 1:
            assert channel.recipient is not None
            if not channel.recipient.dms_open:
                raise DiscordError(403, 50007, "Cannot send messages to this user")
        body = body or {}
        self.require_in(channel, SEND_MESSAGES_IN_THREADS if channel.is_thread else SEND_MESSAGES)
        if body.get("embeds"):
            self.require_in(channel, EMBED_LINKS)
        if body.get("_files"):
            self.require_in(channel, ATTACH_FILES)
        message = self.build_message(channel, body)
        await self.d.gateway.dispatch("MESSAGE_CREATE", message.payload())
        return json_response(message.payload())

    async def list_messages(self, request: web.Request, params: Params, body: Any) -> web.Response:
        channel = self.channel(params)
        limit = int(request.query.get("limit", "50"))
        found = sorted(self.d.messages_in(channel.id), key=lambda m: m.id, reverse=True)
        return json_response([m.payload() for m in found[:limit]])

    async def get_message(self, request: web.Request, params: Params, body: Any) -> web.Response:
        return json_response(self.message(params).payload())

    def apply_edit(self, message: Message, body: dict[str, Any]) -> None:
        merged = {
            "content": body.get("content", message.content),
            "embeds": body.get("embeds", message.embeds),
            "components": body.get("components", message.components),
        }
        self.refuse(limits.check_message(merged))
        message.content = merged["content"] or ""
        message.embeds = merged["embeds"] or []
        message.components = number_components(merged["components"] or [])
        if "allowed_mentions" in body:
            message.allowed_mentions = body["allowed_mentions"]
        if "attachments" in body or body.get("_files"):
            kept = {str(a.get("id")) for a in body.get("attachments") or []}
            message.attachments = [a for a in message.attachments if a["id"] in kept]
            message.attachments += self.new_attachments(body)  # files sent with the edit
        message.edited = True

    async def edit_message(self, request: web.Request, params: Params, body: Any) -> web.Response:
        message = self.message(params)
        self.apply_edit(message, body or {})
        await self.d.gateway.dispatch("MESSAGE_UPDATE", message.payload())
        return json_response(message.payload())

    async def delete_message(self, request: web.Request, params: Params, body: Any) -> web.Response:
        message = self.message(params)
        message.deleted = True
        await self.d.gateway.dispatch("MESSAGE_DELETE", {
            "id": str(message.id), "channel_id": str(message.channel_id),
            **({"guild_id": str(message.guild_id)} if message.guild_id else {}),
        })  # fmt: skip
        return empty()

    async def pin(self, request: web.Request, params: Params, body: Any) -> web.Response:
        self.message(params).pinned = True
        return empty()

    async def unpin(self, request: web.Request, params: Params, body: Any) -> web.Response:
        self.message(params).pinned = False
        return empty()

    # -- channels ---------------------------------------------------------------------------------

    async def get_guild(self, request: web.Request, params: Params, body: Any) -> web.Response:
        return json_response(self.guild(params).payload())

    async def list_channels(self, request: web.Request, params: Params, body: Any) -> web.Response:
        guild = self.guild(params)
        return json_response([c.payload() for c in guild.channels.values() if not c.is_thread])

    async def get_channel(self, request: web.Request, params: Params, body: Any) -> web.Response:
        return json_response(self.channel(params).payload())

    async def create_channel(self, request: web.Request, params: Params, body: Any) -> web.Response:
        guild = self.guild(params)
        self.require(guild, MANAGE_CHANNELS)
        kind = int(body.get("type") or 0)
        name = str(body.get("name") or "")
        if not 1 <= len(name) <= 100:
            self.refuse([f"name: must be 1 to 100 characters (got {len(name)})"])
        if kind == 0:
            name = name.lower().replace(" ", "-")
        channel = self.d.create_channel(guild.id, name, kind, _int(body.get("parent_id")))
        channel.topic = body.get("topic")
        channel.position = int(body.get("position") or len(guild.channels))
        channel.permission_overwrites = [
            _overwrite(o) for o in body.get("permission_overwrites") or []
        ]
        await self.d.gateway.dispatch("CHANNEL_CREATE", channel.payload())
        return json_response(channel.payload(), CREATED)

    async def edit_channel(self, request: web.Request, params: Params, body: Any) -> web.Response:
        channel = self.channel(params)
        body = body or {}
        self.require_in(channel, self.edit_permission(channel, body))
        if "name" in body:
            channel.name = (
                body["name"].lower().replace(" ", "-") if channel.type == 0 else body["name"]
            )
        if "topic" in body:
            self.refuse(
                [] if len(body["topic"] or "") <= 1024 else ["topic: must be 1024 or fewer"]
            )
            channel.topic = body["topic"]
        if "parent_id" in body:
            channel.parent_id = _int(body["parent_id"])
        if "position" in body:
            channel.position = int(body["position"])
        if "permission_overwrites" in body:
            channel.permission_overwrites = [_overwrite(o) for o in body["permission_overwrites"]]
        if channel.is_thread and "archived" in body:
            channel.archived = bool(body["archived"])
        if channel.is_thread and "locked" in body:
            channel.locked = bool(body["locked"])
        event = "THREAD_UPDATE" if channel.is_thread else "CHANNEL_UPDATE"
        await self.d.gateway.dispatch(event, channel.payload())
        return json_response(channel.payload())

    def edit_permission(self, channel: Channel, body: dict[str, Any]) -> int:
        """Manage Channels for a channel; for a thread Manage Threads, except that the
        bot's own thread may be renamed or archived with View Channel alone."""
        if not channel.is_thread:
            return MANAGE_CHANNELS
        own = channel.owner_id == self.d.bot_user.id
        if own and set(body) <= {"name", "archived", "auto_archive_duration"}:
            return VIEW_CHANNEL
        return MANAGE_THREADS

    async def delete_channel(self, request: web.Request, params: Params, body: Any) -> web.Response:
        channel = self.channel(params)
        await self.remove_channel(channel)
        return json_response(channel.payload())

    async def remove_channel(self, channel: Channel) -> None:
        """Also used by tests to delete a channel 'by hand'."""
        self.d.channels.pop(channel.id, None)
        if channel.guild_id is not None:
            self.d.guild(channel.guild_id).channels.pop(channel.id, None)
        event = "THREAD_DELETE" if channel.is_thread else "CHANNEL_DELETE"
        await self.d.gateway.dispatch(event, channel.payload())

    async def set_overwrite(self, request: web.Request, params: Params, body: Any) -> web.Response:
        channel = self.channel(params)
        entry = _overwrite({**(body or {}), "id": params["target"]})
        channel.permission_overwrites = [
            o for o in channel.permission_overwrites if o["id"] != entry["id"]
        ] + [entry]
        await self.d.gateway.dispatch("CHANNEL_UPDATE", channel.payload())
        return empty()

    async def delete_overwrite(
        self, request: web.Request, params: Params, body: Any
    ) -> web.Response:
        channel = self.channel(params)
        channel.permission_overwrites = [
            o for o in channel.permission_overwrites if o["id"] != params["target"]
        ]
        await self.d.gateway.dispatch("CHANNEL_UPDATE", channel.payload())
        return empty()

    # -- roles and members ------------------------------------------------------------------------

    async def list_roles(self, request: web.Request, params: Params, body: Any) -> web.Response:
        return json_response([r.payload() for r in self.guild(params).roles.values()])

    async def create_role(self, request: web.Request, params: Params, body: Any) -> web.Response:
        guild = self.guild(params)
        self.require(guild, MANAGE_ROLES)
        body = body or {}
        role = self.d.create_role(
            guild.id, str(body.get("name") or "new role"), 1, int(body.get("permissions") or 0)
        )
        role.mentionable = bool(body.get("mentionable", False))
        role.hoist = bool(body.get("hoist", False))
        await self.d.gateway.dispatch(
            "GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.payload()}
        )
        return json_response(role.payload())

    def role(self, guild: Guild, params: Params) -> Role:
        role = guild.roles.get(int(params["role"]))
        if role is None:
            raise DiscordError(404, 10011, "Unknown Role")
        return role

    async def edit_role(self, request: web.Request, params: Params, body: Any) -> web.Response:
        guild = self.guild(params)
        self.require(guild, MANAGE_ROLES)
        role = self.role(guild, params)
        self.below_bot(guild, role)
        body = body or {}
        role.name = str(body.get("name", role.name))
        role.permissions = int(body.get("permissions", role.permissions))
        role.mentionable = bool(body.get("mentionable", role.mentionable))
        await self.d.gateway.dispatch(
            "GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": role.payload()}
        )
        return json_response(role.payload())

    async def move_roles(self, request: web.Request, params: Params, body: Any) -> web.Response:
        guild = self.guild(params)
        self.require(guild, MANAGE_ROLES)
        for entry in body or []:
            role = self.role(guild, {"role": str(entry["id"])})
            self.below_bot(guild, role)
            role.position = int(entry["position"])
        return json_response([r.payload() for r in guild.roles.values()])

    async def delete_role(self, request: web.Request, params: Params, body: Any) -> web.Response:
        guild = self.guild(params)
        self.require(guild, MANAGE_ROLES)
        role = self.role(guild, params)
        self.below_bot(guild, role)
        del guild.roles[role.id]
        for member in guild.members.values():
            if role.id in member.roles:
                member.roles.remove(role.id)
        await self.d.gateway.dispatch(
            "GUILD_ROLE_DELETE", {"guild_id": str(guild.id), "role_id": str(role.id)}
        )
        return empty()

    async def list_members(self, request: web.Request, params: Params, body: Any) -> web.Response:
        return json_response([m.payload() for m in self.guild(params).members.values()])

    async def get_member(self, request: web.Request, params: Params, body: Any) -> web.Response:
        member = self.guild(params).members.get(int(params["user"]))
        if member is None:
            raise DiscordError(404, 10007, "Unknown Member")
        return json_response(member.payload())

    async def add_role(self, request: web.Request, params: Params, body: Any) -> web.Response:
        return await self._change_role(params, add=True)

    async def remove_role(self, request: web.Request, params: Params, body: Any) -> web.Response:
        return await self._change_role(params, add=False)

    async def _change_role(self, params: Params, add: bool) -> web.Response:
        guild = self.guild(params)
        self.require(guild, MANAGE_ROLES)
        role = self.role(guild, params)
        self.below_bot(guild, role)
        member = guild.members.get(int(params["user"]))
        if member is None:
            raise DiscordError(404, 10007, "Unknown Member")
        if add and role.id not in member.roles:
            member.roles.append(role.id)
        elif not add and role.id in member.roles:
            member.roles.remove(role.id)
        await self.d.gateway.dispatch(
            "GUILD_MEMBER_UPDATE", member.payload() | {"guild_id": str(guild.id)}
        )
        return empty()


def _int(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None


def _overwrite(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(entry["id"]),
        "type": int(entry.get("type") or 0),
        "allow": str(entry.get("allow") or "0"),
        "deny": str(entry.get("deny") or "0"),
    }


def _bits_text(value: Any) -> str | None:
    return None if value is None else str(value)
