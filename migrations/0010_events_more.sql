-- Events, more (issue 7 follow-up): each member's reminder claim records what happened to it,
-- so a crash between claiming and sending is seen and reported instead of silently lost.
--   sending   claimed by a run that has not finished with this member yet
--   sent      delivered by DM
--   fallback  DMs closed: mentioned in the event's channel
--   failed    could not be reached at all (DMs closed and no channel to mention them in)
--   unknown   a run stopped while this member was 'sending'; the retry did not send again
--             (it might have gone out) and reported them in the audit channel instead
-- `run` names the attempt that claimed the row, so a retry tells its own claims from the
-- ones an earlier, crashed attempt left behind.
CREATE TABLE event_reminder_claims (
    event_id        INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    starts_at       TEXT    NOT NULL,
    offset_seconds  INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    guild_id        INTEGER NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'sending'
                    CHECK (state IN ('sending', 'sent', 'fallback', 'failed', 'unknown')),
    run             TEXT    NOT NULL DEFAULT '',
    at              TEXT    NOT NULL,
    PRIMARY KEY (event_id, starts_at, offset_seconds, user_id)
);
INSERT INTO event_reminder_claims (event_id, starts_at, offset_seconds, user_id, guild_id,
                                   state, at)
SELECT event_id, starts_at, offset_seconds, user_id, guild_id,
       CASE via WHEN 'dm' THEN 'sent' WHEN 'channel' THEN 'fallback' ELSE 'sending' END, at
FROM event_reminder_deliveries;
DROP TABLE event_reminder_deliveries;
ALTER TABLE event_reminder_claims RENAME TO event_reminder_deliveries;
CREATE INDEX event_reminder_deliveries_member ON event_reminder_deliveries (guild_id, user_id);

-- What each coming occurrence of a series is made from (title, description, location, area,
-- capacity, reminders, duration_seconds), so editing one occurrence changes only that one and
-- `/event edit series:true` changes the coming ones. NULL (series made before this) means
-- "copy the latest occurrence", as before.
ALTER TABLE event_series ADD COLUMN template TEXT CHECK (template IS NULL OR json_valid(template));
-- Series made before this get their latest occurrence as their template, which is what
-- their next occurrence would have copied.
UPDATE event_series SET template = (
    SELECT json_object(
        'title', e.title, 'description', e.description, 'location', e.location,
        'area', e.area, 'capacity', e.capacity, 'reminders', json(e.reminders),
        'duration_seconds',
        CAST(round((julianday(e.ends_at) - julianday(e.starts_at)) * 86400) AS INTEGER))
    FROM events e WHERE e.series_id = event_series.id ORDER BY e.occurrence DESC LIMIT 1
);
