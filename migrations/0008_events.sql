-- Events (issue 7): events and their series, RSVPs with a waitlist, members' reminder
-- choices, and one row per reminder delivered, so a reminder is never sent twice.

-- A repeating event: an RFC 5545 RRULE read on the wall clock of `timezone`, so 15:00
-- London stays 15:00 London across daylight-saving changes. Each occurrence is an event row.
CREATE TABLE event_series (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    rrule           TEXT    NOT NULL,         -- e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=6
    timezone        TEXT    NOT NULL,
    first_start     TEXT    NOT NULL,         -- DTSTART of the series (UTC)
    state           TEXT    NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'ended')),
    created_at      TEXT    NOT NULL
);

CREATE TABLE events (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    series_id       INTEGER REFERENCES event_series (id),
    occurrence      INTEGER NOT NULL DEFAULT 1,   -- 1, 2, ... within its series
    organiser_id    INTEGER,                      -- NULL once the organiser erased their data
    title           TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
    description     TEXT    NOT NULL DEFAULT '',
    location        TEXT    NOT NULL DEFAULT '',
    area            TEXT,                         -- challenge-area slug, NULL for none
    timezone        TEXT    NOT NULL,             -- the zone 'when' was read in
    starts_at       TEXT    NOT NULL,
    ends_at         TEXT    NOT NULL CHECK (ends_at > starts_at),
    capacity        INTEGER CHECK (capacity IS NULL OR capacity >= 1),
    reminders       TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(reminders)),  -- seconds
    when_text       TEXT    NOT NULL DEFAULT '',  -- what the organiser typed, for Edit
    rrule           TEXT,                         -- the series' rule (also on a draft)
    state           TEXT    NOT NULL DEFAULT 'draft'
                    CHECK (state IN ('draft', 'scheduled', 'cancelled')),
    channel_id      INTEGER,                      -- the card
    message_id      INTEGER,
    discord_event_id INTEGER,                     -- the guild scheduled event
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE INDEX events_guild_start ON events (guild_id, state, starts_at);
CREATE INDEX events_series ON events (series_id, occurrence);

-- going, maybe, declined ("Can't go"), waitlist, or offered (a freed place held for the
-- first on the waitlist until offer_expires_at). `since` orders the waitlist.
CREATE TABLE event_rsvps (
    event_id        INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    guild_id        INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    name            TEXT    NOT NULL,
    status          TEXT    NOT NULL
                    CHECK (status IN ('going', 'maybe', 'declined', 'waitlist', 'offered')),
    since           TEXT    NOT NULL,
    offer_expires_at TEXT,
    muted           INTEGER NOT NULL DEFAULT 0,   -- reminders off for this event
    PRIMARY KEY (event_id, user_id)
);
CREATE INDEX event_rsvps_member ON event_rsvps (guild_id, user_id);

-- A member's own reminder offsets (seconds, largest first) and whether Maybe is reminded.
CREATE TABLE event_reminder_prefs (
    guild_id        INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    offsets         TEXT    CHECK (offsets IS NULL OR json_valid(offsets)),
    include_maybe   INTEGER NOT NULL DEFAULT 0,
    updated_at      TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

-- One row per member per reminder, claimed before the DM is sent: a restart in the middle
-- of a fan-out carries on with the members not yet claimed and never repeats one.
-- `starts_at` is part of the key so a moved event reminds again for its new time.
CREATE TABLE event_reminder_deliveries (
    event_id        INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    starts_at       TEXT    NOT NULL,
    offset_seconds  INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    guild_id        INTEGER NOT NULL,
    via             TEXT    NOT NULL DEFAULT 'pending' CHECK (via IN ('pending', 'dm', 'channel')),
    at              TEXT    NOT NULL,
    PRIMARY KEY (event_id, starts_at, offset_seconds, user_id)
);
CREATE INDEX event_reminder_deliveries_member ON event_reminder_deliveries (guild_id, user_id);
