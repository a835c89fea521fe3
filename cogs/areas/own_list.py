"""``/areas-admin download|upload|reset``: a server's own list of challenge areas, as the
moderators see it. The file's rules and the comparison are in area_list.py; storing it in
the service."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import discord

from bot.challenge_areas import AreaCatalog, AreaConfigError, parse_areas
from bot.errors import UserError
from bot.text import escape_markdown, excerpt
from cogs.areas.area_list import MAX_FILE_BYTES, compare, render
from cogs.areas.service import AreaService

if TYPE_CHECKING:
    from bot.app import HubBot

Interaction = discord.Interaction["HubBot"]
FILENAME = "challenge-areas.toml"
AFTER = (
    "Run /hub setup to create the channels and roles of new areas (and rename those of "
    "renamed ones)."
)


class OwnAreaList:
    def __init__(self, bot: HubBot, service: AreaService) -> None:
        self.bot = bot
        self.service = service

    async def download(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        guild_id = interaction.guild_id
        catalog = self.bot.areas.of(guild_id)
        text = render(catalog, await self.service.texts(guild_id))
        whose = (
            "This server's own list"
            if self.bot.areas.is_own(guild_id)
            else "The bot's list (this server has none of its own yet)"
        )
        about = "The challenge areas in force on this server, as TOML."
        file = discord.File(io.BytesIO(text.encode("utf-8")), filename=FILENAME, description=about)
        await interaction.response.send_message(
            f"{whose}: {len(catalog.areas)} areas. Edit the file and upload it with "
            "/areas-admin upload (preview:true first shows what changes).",
            file=file, ephemeral=True,
        )  # fmt: skip

    async def upload(
        self, interaction: Interaction, attachment: discord.Attachment, preview: bool
    ) -> None:
        assert interaction.guild_id is not None
        guild_id = interaction.guild_id
        text = await self._read(attachment)
        named = escape_markdown(excerpt(attachment.filename, 60))
        try:
            new = parse_areas(text, named)
        except AreaConfigError as exc:
            raise UserError(
                f"Nothing was changed: {str(exc).rstrip('.')}. Fix it and upload the file again; "
                "/areas-admin download gives a correct file to start from."
            ) from None
        said = await self._change(guild_id, new)
        if preview:
            await interaction.response.send_message(
                f"Preview, nothing saved: this server's areas would become the "
                f"{len(new.areas)} of {named}.\n{said}", ephemeral=True
            )  # fmt: skip
            return
        await self.service.replace_list(guild_id, text)
        await self.bot.audit.record(guild_id, "areas.list_uploaded",
                                    actor_id=interaction.user.id,
                                    details={"areas": len(new.areas)})  # fmt: skip
        await interaction.response.send_message(
            f"This server now has its own {len(new.areas)} challenge areas.\n{said}\n{AFTER}\n"
            "/areas-admin reset goes back to the bot's list.", ephemeral=True
        )  # fmt: skip

    async def reset(self, interaction: Interaction, preview: bool) -> None:
        assert interaction.guild_id is not None
        guild_id = interaction.guild_id
        if not self.bot.areas.is_own(guild_id):
            raise UserError(
                "This server already uses the bot's list of challenge areas. To use your "
                "own, upload one with /areas-admin upload."
            )
        said = await self._change(guild_id, self.bot.areas.default)
        if preview:
            await interaction.response.send_message(
                f"Preview, nothing saved: this server would go back to the bot's list.\n{said}",
                ephemeral=True,
            )
            return
        await self.service.reset_list(guild_id)
        await self.bot.audit.record(guild_id, "areas.list_reset", actor_id=interaction.user.id)
        await interaction.response.send_message(
            f"This server uses the bot's list of challenge areas again.\n{said}\n{AFTER}",
            ephemeral=True,
        )

    async def _change(self, guild_id: int, new: AreaCatalog) -> str:
        counts = await self.service.counts(guild_id)
        return "\n".join(compare(self.bot.areas.of(guild_id), new, counts).lines())

    @staticmethod
    async def _read(attachment: discord.Attachment) -> str:
        if attachment.size > MAX_FILE_BYTES:
            raise UserError(
                f"That file is {attachment.size // 1000} KB; a list of areas fits in "
                f"{MAX_FILE_BYTES // 1000} KB. Upload the .toml file from /areas-admin download, "
                "edited."
            )
        try:
            return (await attachment.read()).decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            raise UserError(
                "That file is not text (UTF-8). Upload the .toml file from /areas-admin "
                "download, edited in a text editor."
            ) from None
        except discord.HTTPException:
            raise UserError("Discord did not give me the file. Upload it again.") from None
