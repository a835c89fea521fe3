-- The core's tables: scheduled work and the audit log.
-- Times are UTC text from bot.clock.to_db_time ('YYYY-MM-DDTHH:MM:SS.ffffffZ'), which sorts in time order.

CREATE TABLE scheduled_jobs (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER,                      -- NULL for work that belongs to no server
    kind        TEXT    NOT NULL,             -- handler name, e.g. 'events.reminder'
    job_key     TEXT,                         -- optional: makes scheduling idempotent per kind
    payload     TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
    due_at      TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'running', 'done', 'failed', 'missed', 'cancelled')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    late        INTEGER NOT NULL DEFAULT 0,   -- 1 when it ran after downtime
    last_error  TEXT,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);

CREATE INDEX scheduled_jobs_due ON scheduled_jobs (status, due_at);
CREATE INDEX scheduled_jobs_guild ON scheduled_jobs (guild_id, status);
CREATE UNIQUE INDEX scheduled_jobs_live_key ON scheduled_jobs (kind, job_key)
    WHERE job_key IS NOT NULL AND status IN ('pending', 'running');

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER,
    actor_id    INTEGER,                      -- NULL when the bot itself acted
    action      TEXT    NOT NULL,             -- e.g. 'profile.verified', 'job.missed'
    target      TEXT,
    details     TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(details)),
    created_at  TEXT    NOT NULL
);

CREATE INDEX audit_log_guild_time ON audit_log (guild_id, created_at);
