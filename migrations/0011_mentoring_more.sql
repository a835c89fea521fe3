-- Mentoring: a mentee may say when they are usually free, in their own time, in the same
-- format as a mentor's free hours ("Tue 14-16, Thu 9:30-11"); empty means the working day.
ALTER TABLE mentee_requests ADD COLUMN free_hours TEXT NOT NULL DEFAULT '';
