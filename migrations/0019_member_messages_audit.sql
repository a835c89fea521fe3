-- Audit-channel entries name members ("**Amira Haddad** (@Amira) posted their
-- introduction."), so /profile delete takes the name out of them too: member_messages takes
-- the kind 'audit'. SQLite cannot change a CHECK constraint, so the table is rebuilt.
CREATE TABLE member_messages_new (
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,      -- the member whose words or name it carries
    channel_id  INTEGER NOT NULL,      -- a channel, a thread or a DM channel
    message_id  INTEGER NOT NULL,      -- for a 'thread', the thread's own id
    kind        TEXT    NOT NULL CHECK (kind IN ('card', 'digest', 'thread', 'audit')),
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id, message_id)
);
INSERT INTO member_messages_new (guild_id, user_id, channel_id, message_id, kind, created_at)
    SELECT guild_id, user_id, channel_id, message_id, kind, created_at FROM member_messages;
DROP TABLE member_messages;
ALTER TABLE member_messages_new RENAME TO member_messages;
CREATE INDEX member_messages_message ON member_messages (guild_id, message_id);
