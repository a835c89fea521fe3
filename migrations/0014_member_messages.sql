-- Where the bot posted a member's words or name for others to read, so /profile delete (and
-- the retention purge) can take them back from Discord: a 'card' (their profile text or
-- request in someone else's DM or thread) is deleted, a 'digest' naming them is edited to
-- drop their line, a 'thread' named after them is renamed. A message that names several
-- members has one row per member. Erased with the member; the clean-up on Discord follows.
CREATE TABLE member_messages (
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,      -- the member whose words or name it carries
    channel_id  INTEGER NOT NULL,      -- a channel, a thread or a DM channel
    message_id  INTEGER NOT NULL,      -- for a 'thread', the thread's own id
    kind        TEXT    NOT NULL CHECK (kind IN ('card', 'digest', 'thread')),
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id, message_id)
);
CREATE INDEX member_messages_message ON member_messages (guild_id, message_id);
