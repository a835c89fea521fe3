-- Calendar files that calendar apps trust (issue 14, part 5).
--
-- A calendar app keeps the copy with the higher SEQUENCE, so every change a member's
-- calendar must follow (time, place, title or status) raises it. Triggers raise it, not the
-- code that edits, so no path that changes an event can forget to.

-- An occurrence's own SEQUENCE (a one-off event, or an occurrence written as an override).
ALTER TABLE events ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;

-- The series' SEQUENCE and LAST-MODIFIED: its rule, first start, template (title, place,
-- length) and state, and its EXDATEs (one per cancelled occurrence).
ALTER TABLE event_series ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
ALTER TABLE event_series ADD COLUMN updated_at TEXT;
UPDATE event_series SET updated_at = created_at;

-- A draft is not in anyone's calendar yet: publishing it (or taking it back) is not a change.
CREATE TRIGGER events_sequence
AFTER UPDATE OF title, location, starts_at, ends_at, state ON events
WHEN OLD.state != 'draft' AND NEW.state != 'draft' AND (
    OLD.title IS NOT NEW.title OR OLD.location IS NOT NEW.location
    OR OLD.starts_at IS NOT NEW.starts_at OR OLD.ends_at IS NOT NEW.ends_at
    OR OLD.state IS NOT NEW.state)
BEGIN
    UPDATE events SET sequence = OLD.sequence + 1 WHERE id = NEW.id;
END;

-- A cancelled occurrence becomes an EXDATE of its series: the series itself changed.
CREATE TRIGGER events_series_exdate
AFTER UPDATE OF state ON events
WHEN NEW.series_id IS NOT NULL AND OLD.state = 'scheduled' AND NEW.state = 'cancelled'
BEGIN
    UPDATE event_series SET sequence = sequence + 1, updated_at = NEW.updated_at
    WHERE id = NEW.series_id;
END;

CREATE TRIGGER event_series_sequence
AFTER UPDATE OF rrule, timezone, first_start, state, template ON event_series
WHEN OLD.rrule IS NOT NEW.rrule OR OLD.timezone IS NOT NEW.timezone
    OR OLD.first_start IS NOT NEW.first_start OR OLD.state IS NOT NEW.state
    OR json_extract(OLD.template, '$.title') IS NOT json_extract(NEW.template, '$.title')
    OR json_extract(OLD.template, '$.location') IS NOT json_extract(NEW.template, '$.location')
    OR json_extract(OLD.template, '$.duration_seconds')
       IS NOT json_extract(NEW.template, '$.duration_seconds')
BEGIN
    UPDATE event_series SET sequence = sequence + 1 WHERE id = NEW.id;
END;

-- A member's calendar subscription: the secret in their feed URL, stored only as its SHA-256
-- (a copy of the database never gives the URL away). One per member and server; a reset
-- replaces it, so the old URL stops at once. /profile delete removes it.
CREATE TABLE event_feed_tokens (
    guild_id        INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    token_hash      TEXT    NOT NULL UNIQUE,
    created_at      TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);
