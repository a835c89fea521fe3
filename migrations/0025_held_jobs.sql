-- A server that removes the bot keeps its data for a while in case it comes back (issue 20).
-- Its scheduled work is 'held' meanwhile, rather than run for a server the bot is no longer
-- in, where it was lost without a word. Added back, its work is pending again and the
-- scheduler's rule for work that fell due while the bot was down applies: run late within
-- the grace period, otherwise marked missed and reported to its moderators. SQLite cannot
-- change a CHECK constraint, so the table is rebuilt with 'held' allowed.
CREATE TABLE scheduled_jobs_new (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER,                      -- NULL for work that belongs to no server
    kind        TEXT    NOT NULL,             -- handler name, e.g. 'events.reminder'
    job_key     TEXT,                         -- optional: makes scheduling idempotent per kind
    payload     TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
    due_at      TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'running', 'done', 'failed', 'missed',
                                  'cancelled', 'held')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    late        INTEGER NOT NULL DEFAULT 0,   -- 1 when it ran after downtime
    last_error  TEXT,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    claimed_by  TEXT                          -- the worker that claimed it (migration 0022)
);
INSERT INTO scheduled_jobs_new (id, guild_id, kind, job_key, payload, due_at, status, attempts,
                                late, last_error, created_at, updated_at, claimed_by)
    SELECT id, guild_id, kind, job_key, payload, due_at, status, attempts, late, last_error,
           created_at, updated_at, claimed_by
    FROM scheduled_jobs;
DROP TABLE scheduled_jobs;
ALTER TABLE scheduled_jobs_new RENAME TO scheduled_jobs;
CREATE INDEX scheduled_jobs_due ON scheduled_jobs (status, due_at);
CREATE INDEX scheduled_jobs_guild ON scheduled_jobs (guild_id, status);
CREATE UNIQUE INDEX scheduled_jobs_pending_key ON scheduled_jobs (kind, job_key)
    WHERE job_key IS NOT NULL AND status = 'pending';
