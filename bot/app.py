"""The bot: start-up order, where Discord is, feature loading and clean shutdown."""

from __future__ import annotations

import asyncio
import logging
import pkgutil
from collections.abc import Mapping
from typing import Any

import discord
import yarl
from discord.ext import commands

import cogs
from bot import __version__
from bot.actions import Actions, Handler
from bot.audit import AuditEntry, AuditLog
from bot.audit_text import AuditTargets, named_members
from bot.audit_text import render as render_audit
from bot.challenge_areas import load_areas
from bot.clock import Clock
from bot.db import Database
from bot.digest import DigestSections
from bot.dm_channels import DmChannels
from bot.draining import drain_handlers
from bot.errors import report_error
from bot.lookup import ServerNotReady, complete_member_list, find_text_channel
from bot.member_messages import AUDIT, MemberMessages
from bot.member_threads import MemberThreads
from bot.migrations import migrate
from bot.paging import PageButton, Pages
from bot.personal_data import PersonalData
from bot.ratelimit import Pacer, limit_requests
from bot.scheduler import Job, Scheduler, SchedulerPolicy
from bot.server_areas import ServerAreas
from bot.server_settings import ServerSettings
from bot.settings import Settings
from bot.ui import ActionButton
from bot.web import WebServer

log = logging.getLogger(__name__)
# How long scheduled work waits at start-up for a server Discord has not sent yet; past it,
# work for that server fails and is retried (it is never run on a partial member list).
SERVER_WAIT_SECONDS = 30.0


def point_at_discord(settings: Settings) -> None:
    """Send REST calls (interaction callbacks included) and the gateway where settings say.

    Both are discord.py class attributes read on every request and connection; by default
    they stay on Discord's own endpoints.
    """
    discord.http.Route.BASE = settings.discord_api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


def feature_packages() -> list[str]:
    """Every package in ``cogs/``: adding a feature is adding a folder."""
    return sorted(
        f"cogs.{module.name}" for module in pkgutil.iter_modules(cogs.__path__) if module.ispkg
    )


class HubBot(commands.Bot):
    """The research hub bot. Features reach the shared core through its attributes."""

    def __init__(self, settings: Settings, *, clock: Clock | None = None) -> None:
        point_at_discord(settings)
        intents = discord.Intents.default()
        intents.members = True
        # Every request to Discord, retries after a 429 included, waits on this one limiter.
        self.limiter = Pacer(settings.event_reminder_rate)
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=settings.guild_ready_timeout,
            http_trace=limit_requests(self.limiter, settings.discord_api_base),
        )
        self.settings = settings
        # Each server's challenge areas: its own list, else the file's (read after migrate).
        self.areas = ServerAreas(load_areas(settings.challenge_areas_file))
        self.clock = clock or Clock()
        self.version = __version__
        self.started_at = self.clock.now()
        self._db: Database | None = None
        self._scheduler: Scheduler | None = None
        self._audit: AuditLog | None = None
        self._personal_data: PersonalData | None = None
        self._member_threads: MemberThreads | None = None
        self._member_messages: MemberMessages | None = None
        self._dm_channels: DmChannels | None = None
        self._server_settings: ServerSettings | None = None
        self._servers_known: asyncio.Future[None] | None = None
        self.pages = Pages()
        self.actions = Actions()  # what each persistent button does, by feature
        self.digest_sections = DigestSections()
        # Features say how their audit targets read ("event #12" -> its title and card).
        self.audit_targets = AuditTargets()
        # Top-level command name -> its id on Discord, per server (None: global commands).
        self.command_ids: dict[int | None, dict[str, int]] = {}
        # Members' calendar feeds over HTTP: only with HUB_PUBLIC_URL; features add routes.
        self.web: WebServer | None = (
            WebServer(settings.feed_host, settings.feed_port) if settings.public_url else None
        )
        self.tree.on_error = self._on_app_command_error  # type: ignore[method-assign]

    # The core parts exist from setup_hook on; features only run after it.
    @property
    def db(self) -> Database:
        if self._db is None:
            raise RuntimeError("The database is not open yet.")
        return self._db

    @property
    def scheduler(self) -> Scheduler:
        if self._scheduler is None:
            raise RuntimeError("The scheduler is not started yet.")
        return self._scheduler

    @property
    def audit(self) -> AuditLog:
        if self._audit is None:
            raise RuntimeError("The audit log is not open yet.")
        return self._audit

    @property
    def personal_data(self) -> PersonalData:
        if self._personal_data is None:
            raise RuntimeError("The database is not open yet.")
        return self._personal_data

    @property
    def member_threads(self) -> MemberThreads:
        if self._member_threads is None:
            raise RuntimeError("The database is not open yet.")
        return self._member_threads

    @property
    def member_messages(self) -> MemberMessages:
        if self._member_messages is None:
            raise RuntimeError("The database is not open yet.")
        return self._member_messages

    @property
    def dm_channels(self) -> DmChannels:
        if self._dm_channels is None:
            raise RuntimeError("The database is not open yet.")
        return self._dm_channels

    @property
    def server_settings(self) -> ServerSettings:
        """Per-server values of the settings moderators change with /hub config."""
        if self._server_settings is None:
            raise RuntimeError("The database is not open yet.")
        return self._server_settings

    def add_buttons(self, handlers: Mapping[type[ActionButton], Handler]) -> None:
        """Persistent buttons and the handler each one's clicks go to: discord.py rebuilds
        them from posted messages, and each button's ``action`` (named once, in its class)
        is registered for its handler."""
        self.add_dynamic_items(*handlers)
        for button, handler in handlers.items():
            self.actions.register(button.action, handler)

    async def setup_hook(self) -> None:
        settings = self.settings
        self._db = await Database.open(settings.database_path)
        await migrate(self._db, self.clock)
        await self.areas.load(self._db)
        self._audit = AuditLog(self._db, self.clock, mirror=self._mirror_audit)
        self._server_settings = ServerSettings(self._db, self.clock, settings)
        policy = SchedulerPolicy(
            grace_period=settings.late_grace_period,
            max_attempts=settings.job_max_attempts,
            retry_delay=settings.job_retry_delay,
        )
        self._scheduler = Scheduler(
            self._db,
            self.clock,
            policy,
            reporter=self._report_job,
            ready=self.wait_until_members_known,
            worker=settings.worker_name,
        )
        self._personal_data = PersonalData(self._db)
        self._personal_data.register(
            "audit_log", export=self._audit.export_member, erase=self._audit.forget_member
        )
        self._personal_data.register(
            "scheduled_jobs",
            export=self._scheduler.export_member,
            erase=self._scheduler.forget_member,
        )
        self._member_threads = MemberThreads(self._db, self.clock)
        self._personal_data.register(
            "member_threads", export=self._member_threads.export, erase=self._member_threads.erase
        )
        self._member_messages = MemberMessages(self._db, self.clock)
        self._personal_data.register(
            "member_messages",
            export=self._member_messages.export,
            erase=self._member_messages.erase,
        )
        self._dm_channels = DmChannels(self._db, self)
        self._personal_data.register(
            "dm_channels", export=self._dm_channels.export, erase=self._dm_channels.erase
        )
        self.add_dynamic_items(PageButton)
        for package in feature_packages():
            await self.load_extension(package)
        await self._scheduler.start()
        if self.web is not None:
            await self.web.start()
            log.info("feed server listening on %s:%d", self.web.host, self.web.port)
        await self.sync_commands()
        log.info("set up: %d feature(s), version %s", len(self.extensions), self.version)

    async def sync_commands(self) -> None:
        """Sync, and keep each command's id (``None``: global) so /help can mention them."""
        if not self.settings.guild_ids:
            synced = await self.tree.sync()
            self.command_ids[None] = {c.name: c.id for c in synced}
            log.info("synced %d global command(s)", len(synced))
            return
        for guild_id in self.settings.guild_ids:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            try:
                synced = await self.tree.sync(guild=guild)
            except discord.Forbidden:  # removed from it: its data waits for the retention
                log.warning("not in server %d (HUB_GUILD_IDS): its commands were not synced",
                            guild_id)  # fmt: skip
                continue
            self.command_ids[guild_id] = {c.name: c.id for c in synced}
            log.info("synced %d command(s) to server %d", len(synced), guild_id)

    async def wait_until_members_known(self) -> None:
        """Scheduled work decides who is still a member from the member list, so it waits
        until Discord has sent every server and all its members. Right after start-up a
        server may still be on its way (Discord sends large or busy ones after READY), and a
        partial list would skip members as if they had left: a reminder "done" for nobody.
        Once per start; later a job checks its own server."""
        await self.wait_until_ready()
        if self._servers_known is None:
            self._servers_known = asyncio.ensure_future(self._wait_for_servers())
        await asyncio.shield(self._servers_known)

    async def _wait_for_servers(self) -> None:
        try:
            async with asyncio.timeout(SERVER_WAIT_SECONDS):
                for guild in list(self.guilds):
                    if guild.unavailable:
                        await self.wait_for(
                            "guild_available", check=lambda g, i=guild.id: g.id == i
                        )
                    await complete_member_list(guild)
        except (TimeoutError, ServerNotReady) as exc:  # its jobs check again, and are retried
            log.warning("a server or its members did not arrive in time: %r", exc)

    async def on_ready(self) -> None:
        log.info("connected to Discord as bot user %s in %d server(s)", self.user, len(self.guilds))

    async def close(self) -> None:
        """Stop new work first and let running jobs and handlers finish (they still need the
        database and Discord), then close the database, then Discord's session and gateway."""
        if self.web is not None:
            await self.web.stop()
        if self._scheduler is not None:
            await self._scheduler.stop()
        # Listeners, commands and clicks already running finish (they may record an audit
        # entry or post a card); then gateway events are ignored, so none starts on a closed
        # database. No await between the two: nothing new can start in between.
        await drain_handlers(grace=10.0)
        self._connection.parsers.clear()
        if self._db is not None:
            await self._db.close()
            self._db = None
        await super().close()
        log.info("stopped cleanly")

    async def _on_app_command_error(
        self, interaction: discord.Interaction[Any], error: discord.app_commands.AppCommandError
    ) -> None:
        await report_error(interaction, error)

    async def _mirror_audit(self, entry: AuditEntry) -> None:
        """The entry as a sentence for moderators (bot/audit_text.py); never pings."""
        guild = self.get_guild(entry.guild_id) if entry.guild_id else None
        if guild is None:
            return
        # The server's own channel (/hub config), or the environment's.
        settings = await self.server_settings.for_server(guild.id)
        channel = find_text_channel(guild, settings.audit_channel)
        if channel is None:
            return
        line, embed = await render_audit(entry, guild, self.audit_targets, self.areas.of(guild.id))
        embeds = [embed] if embed is not None else []
        posted = await channel.send(
            line, embeds=embeds, allowed_mentions=discord.AllowedMentions.none()
        )
        # Their names leave this message if they erase their data (cogs/hub/audit_targets.py).
        named = named_members(entry)
        if named:
            await self.member_messages.remember(guild.id, named, channel.id, posted.id, AUDIT)

    async def _report_job(self, job: Job, outcome: str, error: str | None) -> None:
        # Features listen with on_job_reported, e.g. to carry a recurrence past a missed run.
        self.dispatch("job_reported", job, outcome, error)
        await self.audit.record(
            job.guild_id,
            f"job.{outcome}",
            target=f"{job.kind} job {job.id}",
            details={"due_at": job.due_at.isoformat(), "reason": error},
        )
