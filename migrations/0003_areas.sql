-- Challenge-area spaces: what /hub setup created, moderators' edits of area texts, digests.

-- Every channel, category, role and pinned message the bot set up, by what it is for.
-- kind: 'category' (key = group), 'channel' (key = area slug or a setting such as
-- 'welcome_channel'), 'role' (key = area slug or 'introduced'), 'pin' (key = area slug;
-- name holds a fingerprint of the pinned text, so a changed text is re-pinned).
CREATE TABLE guild_resources (
    guild_id    INTEGER NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('category', 'channel', 'role', 'pin')),
    key         TEXT    NOT NULL,
    discord_id  INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (guild_id, kind, key)
);

-- A moderator's own wording of an area's purpose and questions (/areas describe).
CREATE TABLE area_texts (
    guild_id    INTEGER NOT NULL,
    slug        TEXT    NOT NULL,
    purpose     TEXT    NOT NULL,
    questions   TEXT    NOT NULL CHECK (json_valid(questions)),
    updated_by  INTEGER,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (guild_id, slug)
);

-- One digest per area per ISO week, claimed before it is sent so it is never sent twice.
CREATE TABLE area_digests (
    guild_id    INTEGER NOT NULL,
    slug        TEXT    NOT NULL,
    week        TEXT    NOT NULL,          -- e.g. '2026-W48'
    status      TEXT    NOT NULL CHECK (status IN ('sending', 'sent')),
    message_id  INTEGER,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (guild_id, slug, week)
);

-- Messages in threads under area channels, counted per day for the digest's last seven days.
CREATE TABLE area_thread_activity (
    guild_id    INTEGER NOT NULL,
    slug        TEXT    NOT NULL,
    thread_id   INTEGER NOT NULL,
    day         TEXT    NOT NULL,          -- 'YYYY-MM-DD' in UTC
    messages    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, thread_id, day)
);

-- A job that is running may schedule its own successor under the same key (the weekly
-- digest does), so keys are unique among pending jobs only.
DROP INDEX scheduled_jobs_live_key;
CREATE UNIQUE INDEX scheduled_jobs_pending_key ON scheduled_jobs (kind, job_key)
    WHERE job_key IS NOT NULL AND status = 'pending';
