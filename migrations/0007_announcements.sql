-- Scheduled announcements: one-off and recurring posts, and every run of them.
-- A recurrence is stored as a standard 5-field cron expression read in `timezone`, so
-- "weekly, Monday 09:00 Europe/London" stays at 09:00 London across daylight saving.
CREATE TABLE announcements (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    channel_id      INTEGER NOT NULL,
    author_id       INTEGER,                  -- NULL once the author erased their data
    title           TEXT    NOT NULL DEFAULT '',
    body            TEXT    NOT NULL,
    style           TEXT    NOT NULL DEFAULT 'embed' CHECK (style IN ('embed', 'text')),
    role_id         INTEGER,                  -- the one role the post may ping
    timezone        TEXT    NOT NULL,
    starts_at       TEXT    NOT NULL,         -- the first run (UTC)
    repeat          TEXT    NOT NULL DEFAULT 'none',  -- none, daily, weekdays, weekly, monthly, cron
    cron            TEXT,                     -- NULL for a one-off
    state           TEXT    NOT NULL DEFAULT 'draft'
                    CHECK (state IN ('draft', 'awaiting_approval', 'scheduled', 'paused',
                                     'done', 'failed', 'cancelled', 'rejected')),
    next_run_at     TEXT,                     -- the pending run (UTC), NULL when none
    approved_by     INTEGER,
    approved_at     TEXT,
    review_channel_id INTEGER,                -- the approval card, retired when superseded
    review_message_id INTEGER,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE INDEX announcements_guild_state ON announcements (guild_id, state);

-- One row per run, keyed by (announcement, scheduled time): a restart, a second fire or a
-- clock jump finds the row already there and never posts twice.
CREATE TABLE announcement_runs (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    announcement_id INTEGER NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    scheduled_for   TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'sending'
                    CHECK (status IN ('sending', 'retrying', 'sent', 'failed', 'missed')),
    manual          INTEGER NOT NULL DEFAULT 0,   -- 1 for /announce send_now
    late            INTEGER NOT NULL DEFAULT 0,
    attempts        INTEGER NOT NULL DEFAULT 0,
    channel_id      INTEGER,
    message_id      INTEGER,
    error           TEXT,
    fix             TEXT,
    started_at      TEXT    NOT NULL,
    finished_at     TEXT,
    UNIQUE (announcement_id, scheduled_for)
);
CREATE INDEX announcement_runs_guild ON announcement_runs (guild_id, announcement_id);
