"""A local Discord that an unmodified discord.py client talks to over 127.0.0.1."""

from sandbox.double.actors import InteractionResult, Upload
from sandbox.double.server import DiscordDouble, DiscordError
from sandbox.double.state import Channel, Guild, Member, Message, Role, User

__all__ = [
    "Channel",
    "DiscordDouble",
    "DiscordError",
    "Guild",
    "InteractionResult",
    "Member",
    "Message",
    "Role",
    "Upload",
    "User",
]
