-- Impact reports (issue 21): the monthly report posted to the moderators' channel, one row
-- per server and month reported on, claimed before it is sent so a restart or a second fire
-- never posts it twice. Reports hold counts only; nothing here names a member.
CREATE TABLE report_posts (
    guild_id    INTEGER NOT NULL,
    month       TEXT    NOT NULL,          -- the month reported on, e.g. '2026-11'
    status      TEXT    NOT NULL CHECK (status IN ('sending', 'sent')),
    channel_id  INTEGER,
    message_id  INTEGER,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (guild_id, month)
);
