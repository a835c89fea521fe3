-- Announcement versions (issue: silent gaps): every edit adds one to `version` and records
-- who made it. The edit form remembers the version it was opened on and saves only if it
-- is unchanged (UPDATE ... WHERE id = ? AND version = ?), so of two moderators editing at
-- once the second is told who changed it first instead of silently overwriting it.
ALTER TABLE announcements ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE announcements ADD COLUMN updated_by INTEGER;  -- last editor; NULL once erased
