"""research-hub-bot: the shared core every feature package in ``cogs/`` stands on."""

__version__ = "0.1.0"
