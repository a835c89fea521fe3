"""Audit entries in words, for the moderators' audit channel.

The ``audit_log`` table keeps the machine form (action kind, target, JSON details) for
scripts and exports; moderators read a sentence with names and mentions, a link to what the
entry is about where one is known, and the details as labelled embed fields. Every action
kind the code records has a sentence here (tests/core/test_audit_text.py checks it); a kind
missing from the table still reads as a plain generic sentence.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import discord

from bot.audit import AuditEntry
from bot.challenge_areas import AreaCatalog
from bot.text import escape_markdown, fit

# {actor} is who acted ("The bot" when nobody did); {target} is what it concerned.
# A key "*.suffix" serves every feature's kind with that suffix; "prefix.*" every kind
# under that prefix.
SENTENCES: dict[str, str] = {
    "profile.created": "{actor} posted their introduction.",
    "profile.updated": "{actor} updated their profile.",
    "profile.verified": "{actor} verified {target}.",
    "profile.rejected": "{actor} sent back the introduction of {target}.",
    "profile.deleted": "A member deleted their profile and personal data.",
    "profiles.channel_missing": "The bot could not find the introductions channel for {target}.",
    "profiles.purge": "The bot removed the profiles of members who left.",
    "areas.setup": "{actor} ran the server set-up.",
    "areas.described": "{actor} changed the description of {target}.",
    "areas.list_uploaded": "{actor} gave this server its own list of challenge areas.",
    "areas.list_reset": "{actor} put back the bot's list of challenge areas.",
    "areas.role_failed": "The bot could not give {target} an area role.",
    "areas.resource_deleted": "A channel or role of {target} was deleted by hand.",
    "events.created": "{actor} created {target}.",
    "events.edited": "{actor} changed {target}.",
    "events.cancelled": "{actor} cancelled {target}.",
    "events.scheduled_event_failed": (
        "The bot could not update the server's scheduled event for {target}."
    ),
    "events.reminder_failed": "Some members could not be reminded of {target}.",
    "events.reminder_not_sent": "A reminder of {target} was not sent to some members.",
    "events.reminder_uncertain": "Some members may not have been reminded of {target}.",
    "mentoring.round": "{actor} ran a mentor matching round.",
    "mentoring.help": "{actor} asked the moderators for help with {target}.",
    "announce.scheduled": "{actor} scheduled {target}.",
    "announce.approved": "{actor} approved {target}.",
    "announce.rejected": "{actor} rejected {target}.",
    "announce.edited": "{actor} changed {target}.",
    "announce.paused": "{actor} paused {target}.",
    "announce.resumed": "{actor} resumed {target}.",
    "announce.cancelled": "{actor} cancelled {target}.",
    "announce.sent_now": "{actor} posted {target} now.",
    "announce.history": "{actor} looked at the history of {target}.",
    "announce.listed": "{actor} listed the scheduled announcements.",
    "announce.run_failed": "{target} could not be posted.",
    "hub.config_set": "{actor} changed a setting for this server.",
    "hub.config_reset": "{actor} put a setting for this server back to its default.",
    "hub.server_left": (
        "The bot was removed from this server; its data is deleted unless it is added back."
    ),
    "hub.server_returned": "The bot was added back to this server in time: nothing was deleted.",
    "hub.server_deleted": "The bot deleted this server's data, kept since it was removed.",
    "partners.invited": "{actor} made a one-time code to link with a partner network.",
    "partners.linked": "{actor} linked this server with the partner network {target}.",
    "partners.linked_by_partner": (
        "A moderator of {target} redeemed this server's code: the two networks are linked."
    ),
    "partners.ended": "{actor} ended the link with the partner network {target}.",
    "partners.ended_by_partner": "A moderator of {target} ended its link with this server.",
    "partners.introduction_requested": (
        "{actor} asked a member of the partner network {target} for an introduction."
    ),
    "partners.introduction_received": (
        "A member of a partner network asked {target} for an introduction."
    ),
    "partners.introduction_answered": (
        "{actor} answered an introduction request from a partner network."
    ),
    "partners.introduction_outcome": (
        "An introduction request by {target} to a partner network was answered."
    ),
    "partners.introduction_expired": (
        "An introduction request across networks, concerning {target}, expired."
    ),
    "partners.enquiry_sent": "{actor} sent an enquiry to partner networks too.",
    "partners.enquiry_received": (
        "An enquiry from the partner network {target} reached members here."
    ),
    "partners.enquiry_answered": "{actor} offered help with an enquiry from a partner network.",
    "partners.enquiry_helper": (
        "A member of the partner network {target} offered help with an enquiry from here."
    ),
    "job.failed": "A scheduled task ({target}) failed after its retries.",
    "job.missed": "A scheduled task ({target}) was missed: it fell due too long ago.",
    "job.*": "A scheduled task ({target}) needs attention.",
    "*.role_failed": "The bot could not give {target} a role.",
    "*.channel_missing": "The bot could not find the channel it needs for {target}.",
    "*.delivery_failed": "The bot could not reach {target} privately.",
}

LABELS: dict[str, str] = {
    "action": "What the bot tried",
    "approval": "Approval",
    "changed": "Changed",
    "changes": "Changes made",
    "channel": "Channel",
    "channel_id": "Channel",
    "deleted": "Deleted",
    "deleted_after": "Deleted after",
    "due_at": "Was due",
    "fix": "What to do",
    "from": "Was",
    "member_told": "Member told",
    "members": "Members",
    "message_id": "Message",
    "not_removed": "Not removed",
    "proposed": "Proposals sent",
    "reason": "Reason",
    "role": "Role",
    "setting": "Setting",
    "rows": "Records removed",
    "stage": "Stage",
    "starts_at": "Starts",
    "state": "State",
    "stopped": "Stopped because",
    "title": "Title",
    "to": "Now",
    "unmatched": "Not matched",
}

# How a scheduled job's kind reads in a sentence.
JOB_KINDS: dict[str, str] = {
    "events.reminder": "an event reminder",
    "events.offer": "a waiting-list offer",
    "events.next": "the next event of a series",
    "events.changed": "a notice about a changed event",
    "announcements.run": "an announcement",
    "areas.digest": "the weekly area digest",
    "mentoring.checkin": "a mentoring check-in",
    "mentoring.proposal_expiry": "the expiry of a mentoring proposal",
    "mentoring.round": "a mentor matching round",
    "experts.request_expiry": "the expiry of an introduction request",
    "experts.enquiry_close": "the closing of an enquiry",
    "experts.search_purge": "the clean-up of saved searches",
    "profiles.purge": "the removal of departed members' profiles",
    "hub.server_purge": "the deletion of a server's data after the bot was removed",
}

TOLD = {"DM": "by direct message", "THREAD": "in their private thread", "FAILED": "could not"}
_MEMBER = re.compile(r"^member:(\d+)$")
_NUMBERED = re.compile(r"^([a-z]+) #(\d+)$")
_JOB = re.compile(r"^(\S+) job (\d+)$")
_TIME_KEYS = {"deleted_after", "due_at", "starts_at"}
MAX_FIELDS = 25


@dataclass(frozen=True)
class Target:
    """What an entry concerns, in words, and where to see it when that is known."""

    name: str
    link: str | None = None


# Looks up "event #12" or "announcement #3" for a server: (guild_id, number) -> Target.
TargetLookup = Callable[[int, int], Awaitable[Target | None]]


class AuditTargets:
    """Features register how their numbered targets read ("event #12" -> its title)."""

    def __init__(self) -> None:
        self._lookups: dict[str, TargetLookup] = {}

    def register(self, noun: str, lookup: TargetLookup) -> None:
        self._lookups[noun] = lookup

    async def describe(
        self, guild: discord.Guild, target: str, areas: AreaCatalog | None
    ) -> Target:
        member = _MEMBER.match(target)
        if member:
            return Target(member_name(guild, int(member.group(1))))
        numbered = _NUMBERED.match(target)
        if numbered and numbered.group(1) in self._lookups:
            found = await self._lookups[numbered.group(1)](guild.id, int(numbered.group(2)))
            if found is not None:
                return found
        job = _JOB.match(target)
        if job:
            return Target(JOB_KINDS.get(job.group(1), "a scheduled task"))
        area = areas.get(target) if areas is not None else None
        if area is not None:
            return Target(f"the area '{escape_markdown(area.name)}'")
        return Target(escape_markdown(target.replace("_", " ")))


def member_name(guild: discord.Guild, user_id: int) -> str:
    """Their server name in bold and a mention (which never pings here), or the mention
    alone; the bold name is what ``without_names`` takes out when the member erases."""
    member = guild.get_member(user_id)
    if member is None:
        return f"<@{user_id}>"
    return f"**{escape_markdown(member.display_name)}** (<@{user_id}>)"


_NAMED = re.compile(r"\*\*((?:\\.|[^*\\])*)\*\* \(<@(\d+)>\)")
FORMER = "a former member"


def without_names(content: str, keep: set[int]) -> str:
    """An entry's sentence with the names of members not in ``keep`` taken out (erasure)."""
    text = _NAMED.sub(lambda m: m.group(0) if int(m.group(2)) in keep else FORMER, content)
    return text[0].upper() + text[1:] if text else text


def named_members(entry: AuditEntry) -> list[int]:
    """Whose name the entry's sentence may carry: its actor and the member it is about."""
    found = [entry.actor_id] if entry.actor_id else []
    member = _MEMBER.match(entry.target or "")
    if member and int(member.group(1)) not in found:
        found.append(int(member.group(1)))
    return found


def template_for(action: str) -> str | None:
    """The sentence for a kind: exact, then by its suffix, then by its prefix."""
    prefix, _, suffix = action.partition(".")
    return SENTENCES.get(action) or SENTENCES.get(f"*.{suffix}") or SENTENCES.get(f"{prefix}.*")


def sentence(action: str, actor: str | None, target: str | None) -> str:
    """One sentence for an entry; unknown kinds read as "<who>: <what>, about <target>"."""
    who = actor or "The bot"
    about = target or "something"
    template = template_for(action)
    if template is None:
        feature, _, what = action.partition(".")
        text = f"{who}: {feature.replace('_', ' ')}, {what.replace('_', ' ') or 'done'}"
        return f"{text}, about {about}." if target else f"{text}."
    text = template.format(actor=who, target=about)
    return text[0].upper() + text[1:]


def field_value(key: str, value: Any, guild_id: int, details: dict[str, Any]) -> str | None:
    """A detail as a person reads it, or None when there is nothing to show."""
    if value is None or value == [] or value == {} or value == "":
        return None
    if key == "members" and isinstance(value, list):
        return ", ".join(f"<@{v}>" for v in value)
    if key == "channel_id":
        return f"<#{value}>"
    if key == "message_id" and details.get("channel_id"):
        where = f"{guild_id}/{details['channel_id']}/{value}"
        return f"[Open the message](https://discord.com/channels/{where})"
    if key in _TIME_KEYS and isinstance(value, str):
        try:
            return f"<t:{int(datetime.fromisoformat(value).timestamp())}:f>"
        except ValueError:
            pass
    if key == "member_told":
        return TOLD.get(str(value), "yes" if value is True else "no" if value is False else None)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(escape_markdown(str(v).replace("_", " ")) for v in value)
    if isinstance(value, dict):
        pairs = value.items()
        return "\n".join(f"{escape_markdown(str(k))}: {escape_markdown(str(v))}" for k, v in pairs)
    return escape_markdown(str(value))


def label(key: str) -> str:
    return LABELS.get(key) or key.replace("_", " ").capitalize()


def details_embed(entry: AuditEntry, link: str | None) -> discord.Embed | None:
    """The details as labelled fields; None when there is nothing to add to the sentence."""
    assert entry.guild_id is not None
    fields = [
        (label(key), shown)
        for key, value in entry.details.items()
        if (shown := field_value(key, value, entry.guild_id, entry.details)) is not None
    ]
    if not fields and link is None:
        return None
    embed = discord.Embed(timestamp=entry.created_at)
    if link is not None:
        embed.description = f"[Open it in Discord]({link})"
    for name, value in fields[:MAX_FIELDS]:
        embed.add_field(name=fit(name, 256), value=fit(value, 1024), inline=len(value) < 40)
    return embed


async def render(
    entry: AuditEntry, guild: discord.Guild, targets: AuditTargets, areas: AreaCatalog | None
) -> tuple[str, discord.Embed | None]:
    """The message text (one sentence) and the embed of details for one entry."""
    actor = member_name(guild, entry.actor_id) if entry.actor_id else None
    target = await targets.describe(guild, entry.target, areas) if entry.target else None
    line = sentence(entry.action, actor, target.name if target else None)
    link = target.link if target else None
    return fit(line, 2000), details_embed(entry, link)
