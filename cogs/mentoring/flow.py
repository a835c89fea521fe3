"""The Discord side of a pairing: proposals to both sides, answers, the pair's thread,
check-ins, the end, and a member who leaves.

Each side hears privately: by DM, or, when their DMs are closed, in a private thread made
for them alone. Only the bot decides whom to ping; member text never pings.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.delivery import DM, PrivateDelivery
from bot.errors import UserError
from bot.lookup import find_role, find_text_channel
from bot.scheduler import Job
from bot.text import clean, escape_markdown, fit
from bot.ui import discord_time
from cogs.mentoring.pairings import Pairing, PairingError, PairingService, PairThread
from cogs.mentoring.proposal_text import Labelled, about_the_mentee, about_the_mentor
from cogs.mentoring.views import EndModal, checkin_view, proposal_view
from cogs.profiles.service import ProfileService

if TYPE_CHECKING:
    from bot.app import HubBot

log = logging.getLogger(__name__)
Interaction = discord.Interaction[Any]
NONE = discord.AllowedMentions.none()
AGENDA = (
    "**A suggested first meeting (30 to 45 minutes):**\n"
    "1. Introductions: your work, and how you came to it.\n"
    "2. The mentee's goals for the next three months, in their words.\n"
    "3. How you will meet: how often, where, and in which language.\n"
    "4. One first step each before the next meeting.\n"
    "The bot checks in with you both privately at a few points. Either of you can end the "
    "pairing from a check-in at any time, no reasons needed."
)


class PairingFlow:
    def __init__(self, bot: HubBot, pairings: PairingService, profiles: ProfileService) -> None:
        self.bot = bot
        self.pairings = pairings
        self.profiles = profiles
        self.threads = PrivateDelivery(
            bot, feature="mentoring", setting="introductions_channel", title="Mentoring"
        )

    # -- private delivery ------------------------------------------------------------------------

    async def send(self, guild: discord.Guild, user_id: int, **message: Any) -> bool:
        """DM the member; when DMs are closed, their own private thread in the
        introductions channel (one per member, reused while it is open). True for DM."""
        text = message.get("content") or "a message about mentoring"
        closed = f"your DMs are closed, so here it is: {text}"
        return await self.threads.send(guild, user_id, closed, **message) == DM

    async def _name(self, guild_id: int, user_id: int) -> str:
        profile = await self.profiles.get(guild_id, user_id)
        return escape_markdown(profile.name) if profile else "a member"

    async def _plain_name(self, guild: discord.Guild, user_id: int) -> str:
        """A member's name for a thread title (no markdown there): their profile's name,
        else their server display name; never their login handle when a name is known."""
        named = await self.profiles.name_of(guild.id, user_id)
        if named is not None:
            return clean(named)
        member = guild.get_member(user_id)
        return clean(member.display_name) if member else "a member"

    async def _about_other_side(
        self, guild_id: int, pairing: Pairing, reader_id: int
    ) -> list[Labelled]:
        """The mentor reads the mentee's goals; the mentee reads the mentor's expertise and
        offer: each sees what they need to decide."""
        if reader_id == pairing.mentor_id:
            return await about_the_mentee(
                self.bot.db, self.profiles, guild_id, pairing.mentee_id, pairing.request_id
            )
        return await about_the_mentor(self.bot.db, self.profiles, guild_id, pairing.mentor_id)

    # -- proposals ---------------------------------------------------------------------------------

    async def deliver(self, guild: discord.Guild, pairing: Pairing) -> None:
        mentor = await self._name(guild.id, pairing.mentor_id)
        mentee = await self._name(guild.id, pairing.mentee_id)
        for user_id, role, other, named in (
            (pairing.mentee_id, "mentor", mentor, pairing.mentor_id),
            (pairing.mentor_id, "mentee", mentee, pairing.mentee_id),
        ):
            embed = discord.Embed(title=f"Mentoring proposal: {other} as your {role}"[:256])
            embed.description = "Why this pairing:\n" + "\n".join(
                f"- {escape_markdown(r)}" for r in pairing.reasons
            )
            for about in await self._about_other_side(guild.id, pairing, user_id):
                embed.add_field(
                    name=about.label, value=fit(escape_markdown(about.text), 1024), inline=False
                )
            embed.add_field(
                name="Answer by",
                value=discord_time(int(pairing.expires_at.timestamp()), "F"),
                inline=False,
            )
            embed.set_footer(
                text="If you both accept, a private thread opens for you two. "
                "A decline is private and needs no reason."
            )
            content = "You have a mentoring proposal."
            how, card = await self.threads.deliver(
                guild, user_id, f"your DMs are closed, so here it is: {content}",
                content=content, embed=embed, view=proposal_view(pairing.id),
            )  # fmt: skip
            await self.pairings.delivered(pairing.id, user_id, how)
            if card is not None:  # it names the other side: taken back if they erase
                await self.bot.member_messages.remember(
                    guild.id, [named], card.channel.id, card.id, "card"
                )

    async def answer(self, interaction: Interaction, pairing_id: int, accept: bool) -> None:
        try:
            pairing = await self.pairings.answer(pairing_id, interaction.user.id, accept)
        except PairingError as exc:
            raise UserError(str(exc)) from exc
        guild = self.bot.get_guild(pairing.guild_id)
        assert guild is not None
        other = pairing.other(interaction.user.id)
        if not accept:
            await interaction.response.edit_message(
                content="Declined. The other side is told only that it will not go ahead; "
                "you are both back in the pool for the next round.",
                embed=None,
                view=None,
            )
            await self.send(
                guild,
                other,
                content="A mentoring proposal will not go ahead this time. This is no "
                "reflection on you; you are back in the pool for the next round.",
            )
            return
        if pairing.status != "active":
            await interaction.response.edit_message(
                content="Accepted. Waiting for the other side; you will hear when they answer.",
                embed=None,
                view=None,
            )
            return
        await interaction.response.defer()
        thread = await self._open_thread(guild, pairing)
        note = f" Your private thread: <#{thread.id}>." if thread else ""
        await interaction.edit_original_response(
            content=f"Accepted by both of you.{note}", embed=None, view=None
        )
        await self.send(guild, other, content=f"Your mentoring pairing is confirmed.{note}")

    async def _open_thread(self, guild: discord.Guild, pairing: Pairing) -> discord.Thread | None:
        """A private thread in the introductions channel with just the two of them, opened by
        the bot's welcome card (whose id is kept, to take it back on an erasure)."""
        mentor_id, mentee_id = pairing.mentor_id, pairing.mentee_id
        mentor = await self._name(guild.id, mentor_id)
        mentee = await self._name(guild.id, mentee_id)
        reasons = "; ".join(escape_markdown(r) for r in pairing.reasons)
        text = (
            f"Welcome, <@{pairing.mentee_id}> ({mentee}, mentee) and <@{pairing.mentor_id}> "
            f"({mentor}, mentor). You were paired because: {reasons}.\n\n{AGENDA}"
        )
        wanted = (await self.bot.server_settings.for_server(guild.id)).introductions_channel
        channel = find_text_channel(guild, wanted)
        if channel is None:
            return None
        members = [m for m in (guild.get_member(i) for i in (mentee_id, mentor_id)) if m]
        names = " and ".join([await self._plain_name(guild, m.id) for m in members])
        names = names or "two members"
        thread = await channel.create_thread(
            name=f"Mentoring: {names}"[:100], type=discord.ChannelType.private_thread,
            invitable=False,
        )  # fmt: skip
        for member in members:
            await thread.add_user(member)
        card = await thread.send(text[:2000], allowed_mentions=NONE)
        await self.pairings.set_thread(pairing.id, thread.id, card.id)
        return thread

    async def forget_in_threads(
        self, guild: discord.Guild, threads: list[PairThread], erased: int
    ) -> None:
        """After ``erased`` deleted their data: each pair thread drops their name and the
        bot's welcome card (their name and the reasons drawn from their profile) and stays
        archived for the other member, whose own words Discord does not let the bot delete."""
        for pair in threads:
            try:
                thread = await self._thread(guild, pair.thread_id)
                if thread is None:
                    continue
                if thread.archived:
                    await thread.edit(archived=False)
                stays = await self._plain_name(guild, pair.other_id)
                await thread.edit(name=f"Mentoring: {stays} and a former member"[:100])
                if pair.card_id is not None:
                    await thread.get_partial_message(pair.card_id).delete()
                if not pair.active:  # an active pair's thread is archived with the notice
                    await thread.edit(archived=True, locked=True)
            except discord.HTTPException:
                log.warning("could not clear a pair thread after an erasure (user %d)", erased)

    async def _thread(self, guild: discord.Guild, thread_id: int) -> discord.Thread | None:
        thread = guild.get_thread(thread_id)
        if thread is None:
            fetched = await guild.fetch_channel(thread_id)
            thread = fetched if isinstance(fetched, discord.Thread) else None
        return thread

    async def expire(self, job: Job) -> None:
        expired = await self.pairings.expire(int(job.payload["pairing_id"]))
        guild = self.bot.get_guild(job.guild_id or 0)
        if expired is None or guild is None:
            return
        pairing = expired.pairing
        for user_id in (pairing.mentor_id, pairing.mentee_id):
            if user_id in expired.unreached:
                text = (
                    "A mentoring proposal for you expired before it could reach you, so it "
                    "does not count against you. You stay in the pool."
                )
            elif user_id in expired.paused:
                text = (
                    "A mentoring proposal expired without your answer, again, so your "
                    "mentoring is paused. Use /mentor resume when you are ready."
                )
            elif user_id in expired.silent:
                text = "A mentoring proposal expired without your answer. You stay in the pool."
            else:
                text = (
                    "A mentoring proposal expired without the other side's answer. You are "
                    "back in the pool for the next round."
                )
            await self.send(guild, user_id, content=text)

    # -- check-ins and the end ---------------------------------------------------------------------

    async def send_checkin(self, job: Job) -> None:
        pairing = await self.pairings.get(int(job.payload["pairing_id"]))
        guild = self.bot.get_guild(job.guild_id or 0)
        if pairing is None or pairing.status != "active" or guild is None:
            return
        stage = int(job.payload["stage"])
        total = len(self.pairings.config.checkins)
        for user_id in (pairing.mentor_id, pairing.mentee_id):
            other = await self._name(guild.id, pairing.other(user_id))
            await self.send(
                guild,
                user_id,
                content=f"Mentoring check-in {stage} of {total}: how is your pairing with "
                f"{other} going? Only moderators see a call for help.",
                view=checkin_view(pairing.id, stage),
            )

    async def send_missed_checkin(self, job: Job) -> None:
        """A check-in missed while the bot was down still goes out, late, unless the next
        one is already due: then that one speaks for both."""
        pairing = await self.pairings.get(int(job.payload["pairing_id"]))
        stage, offsets = int(job.payload["stage"]), self.pairings.config.checkins
        if pairing is None or pairing.started_at is None:
            return
        if stage < len(offsets) and pairing.started_at + offsets[stage] <= self.bot.clock.now():
            return
        await self.send_checkin(job)

    async def checkin(
        self, interaction: Interaction, pairing_id: int, stage: int, answer: str
    ) -> None:
        if answer == "end":
            pairing = await self.pairings.get(pairing_id)
            if pairing is None or pairing.status != "active":
                raise UserError("This pairing has already ended.")
            try:
                pairing.side(interaction.user.id)
            except PairingError as exc:
                raise UserError(str(exc)) from exc
            await interaction.response.send_modal(EndModal(pairing_id, stage))
            return
        try:
            pairing = await self.pairings.checkin(pairing_id, interaction.user.id, stage, answer)
        except PairingError as exc:
            raise UserError(str(exc)) from exc
        if answer == "well":
            await interaction.response.send_message(
                "Thank you. Good to hear it is going well.", ephemeral=True
            )
            return
        await interaction.response.send_message(
            "Thank you for saying so. A moderator will contact you privately; the other side "
            "is not told.",
            ephemeral=True,
        )
        await self._alert_moderators(pairing, interaction.user.id, stage)

    async def _alert_moderators(self, pairing: Pairing, user_id: int, stage: int) -> None:
        """Post in the audit channel, pinging the moderator role and nobody else, so the
        moderators are notified; the member text is the bot's own, the other side is not told."""
        guild = self.bot.get_guild(pairing.guild_id)
        audit = (await self.bot.server_settings.for_server(pairing.guild_id)).audit_channel
        channel = find_text_channel(guild, audit) if guild else None
        await self.bot.audit.record(
            pairing.guild_id, "mentoring.help", actor_id=user_id,
            target=f"pairing {pairing.id}", details={"stage": stage}, mirror=False,
        )  # fmt: skip
        if guild is None or channel is None:
            return
        role = find_role(
            guild, (await self.bot.server_settings.for_server(guild.id)).moderator_role
        )
        ping = f"{role.mention}: " if role else ""
        await channel.send(
            f"{ping}Mentoring: <@{user_id}> could use help with pairing {pairing.id} (mentor "
            f"<@{pairing.mentor_id}>, mentee <@{pairing.mentee_id}>), check-in {stage}. "
            "Please contact them privately.",
            allowed_mentions=discord.AllowedMentions(
                everyone=False, users=False, roles=[role] if role else False, replied_user=False
            ),
        )

    async def end(
        self, interaction: Interaction, pairing_id: int, stage: int, feedback: str
    ) -> None:
        try:
            pairing = await self.pairings.end(
                pairing_id, interaction.user.id, stage, feedback.strip()
            )
        except PairingError as exc:
            raise UserError(str(exc)) from exc
        await interaction.response.send_message(
            "The pairing is closed. Thank you for your feedback and for taking part.",
            ephemeral=True,
        )
        guild = self.bot.get_guild(pairing.guild_id)
        if guild is None:
            return
        await self.send(
            guild,
            pairing.other(interaction.user.id),
            content="Your mentoring pairing has been closed by the other side. Thank you "
            "for taking part; /mentor request or /mentor offer when you want another.",
        )
        await self.archive(guild, pairing)

    async def archive(self, guild: discord.Guild, pairing: Pairing) -> None:
        if pairing.thread_id is None:
            return
        try:
            thread = await self._thread(guild, pairing.thread_id)
            if thread is not None:
                await thread.send("This pairing has ended; the thread is archived.")
                await thread.edit(archived=True, locked=True)
        except discord.HTTPException:
            log.warning("could not archive the thread of pairing %d", pairing.id)

    async def member_left(self, guild: discord.Guild, user_id: int) -> None:
        closed = await self.pairings.member_left(guild.id, user_id)
        await self.tell_closed(guild, user_id, closed, "the other side left the server")

    async def tell_closed(
        self, guild: discord.Guild, user_id: int, closed: list[Pairing], why: str
    ) -> None:
        """Tell the other side of each pairing closed because of ``user_id`` (privately),
        and archive the thread of a pairing that had started."""
        for pairing in closed:
            other = pairing.other(user_id)
            back = (
                " You are back in the pool for the next round."
                if other == pairing.mentee_id
                else " Your place is free again."
            )
            what = "proposal" if pairing.status == "proposed" else "pairing"
            await self.send(
                guild, other, content=f"Your mentoring {what} has ended because {why}.{back}"
            )
            if pairing.status == "active":
                await self.archive(guild, pairing)
