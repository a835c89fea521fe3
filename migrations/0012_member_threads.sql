-- The private thread made for one member in a channel, where the bot reaches them when
-- their DMs are closed. Found again by id, never by name: two members may share a display
-- name, and one must never be added to the other's thread. Erased with the member's data,
-- and the thread itself is deleted then.
CREATE TABLE member_threads (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    thread_id  INTEGER NOT NULL,
    created_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id, channel_id)
);
