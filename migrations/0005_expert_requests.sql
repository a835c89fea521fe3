-- Introductions with consent: a member asks to be introduced to an expert, who accepts or
-- declines; pending requests expire (scheduled work).
CREATE TABLE expert_requests (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    requester_id    INTEGER NOT NULL,
    expert_id       INTEGER NOT NULL,
    who             TEXT    NOT NULL,
    topic           TEXT    NOT NULL,
    by_when         TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'accepted', 'declined', 'expired')),
    thread_id       INTEGER,
    created_at      TEXT    NOT NULL,
    decided_at      TEXT,
    expires_at      TEXT    NOT NULL
);
CREATE INDEX expert_requests_requester ON expert_requests (guild_id, requester_id, status);
CREATE INDEX expert_requests_expert ON expert_requests (guild_id, expert_id, status);
CREATE UNIQUE INDEX expert_requests_one_pending ON expert_requests (guild_id, requester_id, expert_id)
    WHERE status = 'pending';

-- "Not taking requests until <date>".
CREATE TABLE expert_pauses (
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    until       TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);
