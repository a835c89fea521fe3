"""A small plain discord.py bot that uses every kind of interaction and route the double serves.

It is not the project's bot: the double's own tests must not depend on any feature.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands


class ProbeView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Press", custom_id="probe:button")
    async def press(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.edit_message(content=f"pressed by {interaction.user.id}")

    @discord.ui.select(
        custom_id="probe:select",
        options=[discord.SelectOption(label=x, value=x) for x in ("red", "green", "blue")],
        max_values=2,
    )
    async def choose(
        self, interaction: discord.Interaction, select: discord.ui.Select[Any]
    ) -> None:
        await interaction.response.send_message(f"chose {','.join(select.values)}", ephemeral=True)


class ProbeModal(discord.ui.Modal, title="Probe form"):
    answer: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Answer", custom_id="probe:answer"
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"you said {self.answer.value}", ephemeral=True)


class Probe(commands.Cog):
    def __init__(self, bot: ProbeBot) -> None:
        self.bot = bot
        self.results: dict[str, Any] = {}

    @app_commands.command(name="echo", description="Every option type")
    async def echo(
        self,
        interaction: discord.Interaction,
        text: str,
        count: int,
        ratio: float,
        flag: bool,
        who: discord.Member,
        where: discord.TextChannel,
        role: discord.Role,
    ) -> None:
        line = f"{text}|{count}|{ratio}|{flag}|{who.name}|{where.name}|{role.name}"
        await interaction.response.send_message(line, ephemeral=True)

    @app_commands.command(name="slow", description="Defers, then follows up")
    async def slow(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await asyncio.sleep(0.05)
        await interaction.followup.send("done thinking")

    @app_commands.command(name="fruit", description="Autocomplete")
    async def fruit(self, interaction: discord.Interaction, name: str) -> None:
        await interaction.response.send_message(name)

    @fruit.autocomplete("name")
    async def fruit_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = ["apple", "apricot", "banana"]
        return [app_commands.Choice(name=n, value=n) for n in names if n.startswith(current)]

    @app_commands.command(name="panel", description="Buttons and selects")
    async def panel(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("panel", view=ProbeView())

    @app_commands.command(name="form", description="A modal")
    async def form(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(ProbeModal())

    @app_commands.command(name="work", description="Every other route")
    async def work(self, interaction: discord.Interaction, who: discord.Member) -> None:
        await interaction.response.defer(ephemeral=True)
        self.results.clear()
        guild = interaction.guild
        assert guild is not None and isinstance(interaction.channel, discord.TextChannel)
        self.results["dm"] = await _code(who.send("hello"))
        high = discord.utils.get(guild.roles, name="High")
        low = await guild.create_role(name="Low")
        self.results["add_low"] = await _code(who.add_roles(low))
        self.results["add_high"] = await _code(who.add_roles(high)) if high else None
        self.results["remove_low"] = await _code(who.remove_roles(low))
        category = await guild.create_category("Work")
        room = await guild.create_text_channel(
            "Quiet Room",
            category=category,
            # The bot lets itself in, as on Discord: the double applies the overwrites.
            overwrites={
                guild.default_role: discord.PermissionOverwrite(view_channel=False),
                guild.me: discord.PermissionOverwrite(view_channel=True),
            },
            topic="for tests",
        )
        await room.set_permissions(who, view_channel=True)
        await room.edit(name="quiet-room-2")
        message = await room.send("pin me")
        await message.pin()
        await message.edit(content="pinned")
        thread = await room.create_thread(name="private", type=discord.ChannelType.private_thread)
        await thread.add_user(who)
        start = discord.utils.utcnow() + timedelta(days=1)
        event = await guild.create_scheduled_event(
            name="Seminar", start_time=start, end_time=start + timedelta(hours=1),
            entity_type=discord.EntityType.external, location="Online",
            privacy_level=discord.PrivacyLevel.guild_only,
        )  # fmt: skip
        await event.edit(name="Seminar (moved)")
        self.results["event"] = event.id
        await event.delete()
        self.results.update(room=room.id, thread=thread.id, message=message.id)
        await interaction.followup.send("worked", ephemeral=True)


async def _code(call: Any) -> int:
    try:
        await call
    except discord.HTTPException as exc:
        return exc.code
    return 0


class ProbeBot(commands.Bot):
    def __init__(self, guild_id: int) -> None:
        intents = discord.Intents.default()
        intents.members = True
        super().__init__(command_prefix="!", intents=intents, guild_ready_timeout=0.05)
        self.guild_id = guild_id
        self.probe = Probe(self)

    async def setup_hook(self) -> None:
        await self.add_cog(self.probe)
        self.add_view(ProbeView())
        guild = discord.Object(self.guild_id)
        self.tree.copy_global_to(guild=guild)
        await self.tree.sync(guild=guild)
