-- Settings moderators change per server with /hub config (bot/server_settings.py): one row
-- a setting, its value as JSON. No row: the HUB_ environment variable is the default. Who
-- changed what is in the audit log, not here, so nothing in this table is personal.
CREATE TABLE server_settings (
    guild_id   INTEGER NOT NULL,
    name       TEXT NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, name)
);
