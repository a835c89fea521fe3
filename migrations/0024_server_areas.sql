-- A server's own challenge areas (issue 20): a partner network works on other questions
-- than the hub, so its moderators may give the bot a list of their own, in the same TOML
-- form as config/challenge_areas.toml. Without a row, the bot's file applies. The text is
-- kept as uploaded so the moderators can download, edit and upload it again.
CREATE TABLE server_areas (
    guild_id    INTEGER PRIMARY KEY,
    source      TEXT    NOT NULL CHECK (length(source) BETWEEN 1 AND 100000),
    updated_at  TEXT    NOT NULL
);  -- who uploaded it is in the audit log, which handles erasure; no member id here
