-- Several bot processes may share one database (issue 20: PostgreSQL for more than one
-- process). Each claims a job with one UPDATE ... WHERE status = 'pending' and records its
-- name here, so that at start-up a process puts back only the jobs it left running itself
-- (a crash), never the ones another process is running now. NULL: claimed before this
-- column existed, by the only process there was.
ALTER TABLE scheduled_jobs ADD COLUMN claimed_by TEXT;
