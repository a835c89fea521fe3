-- Each member's DM channel, so a repeat DM is one request: discord.py keeps only the 128
-- most recent DM channels, and opening one again costs a request (POST /users/@me/channels)
-- before every send. A DM channel's id never changes. Erased with the member's data.
CREATE TABLE dm_channels (
    user_id    INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL
);

-- /hub about counts a server's active profiles: from this narrow index, not the whole table.
CREATE INDEX profiles_active ON profiles (guild_id, status) WHERE status = 'active';
