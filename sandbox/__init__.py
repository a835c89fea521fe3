"""A local Discord for tests and the offline sandbox. Nothing in bot/ or cogs/ imports it."""
