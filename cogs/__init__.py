"""Feature packages: one folder per feature, each loaded by the bot at start-up."""
