-- Mentoring: mentors' offers, mentees' requests, proposed and active pairings, check-ins.
-- Capacity in use is counted from pairings (proposed or active), never stored twice.

CREATE TABLE mentor_offers (
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    capacity    INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 5),
    areas       TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(areas)),
    methods     TEXT    NOT NULL DEFAULT '',
    languages   TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(languages)),
    offer       TEXT    NOT NULL,
    free_hours  TEXT    NOT NULL DEFAULT '',           -- as typed, e.g. "Tue 14-16, Thu 9-11"
    status      TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
    missed      INTEGER NOT NULL DEFAULT 0,            -- proposals left unanswered in a row
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

CREATE TABLE mentee_requests (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    goals         TEXT    NOT NULL,
    areas         TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(areas)),
    methods       TEXT    NOT NULL DEFAULT '',
    languages     TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(languages)),
    country_pref  TEXT    NOT NULL DEFAULT 'any' CHECK (country_pref IN ('any', 'same', 'other')),
    avoid         TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL DEFAULT 'open'
                  CHECK (status IN ('open', 'proposed', 'matched', 'paused', 'closed', 'withdrawn')),
    missed        INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX mentee_requests_status ON mentee_requests (guild_id, status, created_at);
-- One open request per member: open, proposed, matched or paused all count.
CREATE UNIQUE INDEX mentee_requests_one_open ON mentee_requests (guild_id, user_id)
    WHERE status IN ('open', 'proposed', 'matched', 'paused');

CREATE TABLE mentor_pairings (
    id             INTEGER PRIMARY KEY,
    guild_id       INTEGER NOT NULL,
    request_id     INTEGER NOT NULL,
    mentor_id      INTEGER NOT NULL,
    mentee_id      INTEGER NOT NULL,
    score          REAL    NOT NULL,
    reasons        TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(reasons)),
    status         TEXT    NOT NULL DEFAULT 'proposed'
                   CHECK (status IN ('proposed', 'active', 'declined', 'expired', 'withdrawn', 'ended')),
    mentor_answer  TEXT    CHECK (mentor_answer IN ('accept', 'decline')),
    mentee_answer  TEXT    CHECK (mentee_answer IN ('accept', 'decline')),
    proposed_at    TEXT    NOT NULL,
    expires_at     TEXT    NOT NULL,
    started_at     TEXT,
    ended_at       TEXT,
    ended_by       INTEGER,
    outcome        TEXT,                                -- why it ended: declined, expired, ended, member-left
    feedback       TEXT    NOT NULL DEFAULT '',
    thread_id      INTEGER
);
CREATE INDEX mentor_pairings_mentor ON mentor_pairings (guild_id, mentor_id, status);
CREATE INDEX mentor_pairings_mentee ON mentor_pairings (guild_id, mentee_id, status);
CREATE UNIQUE INDEX mentor_pairings_one_live ON mentor_pairings (guild_id, mentor_id, mentee_id)
    WHERE status IN ('proposed', 'active');

CREATE TABLE mentor_checkins (
    pairing_id   INTEGER NOT NULL REFERENCES mentor_pairings (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,
    stage        INTEGER NOT NULL,
    answer       TEXT    NOT NULL CHECK (answer IN ('well', 'help', 'end')),
    answered_at  TEXT    NOT NULL,
    PRIMARY KEY (pairing_id, user_id, stage)
);
