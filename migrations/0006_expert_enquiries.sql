-- Brokered enquiries: a policy or government member (or a moderator) asks a structured
-- question; members open to government enquiries in the matching areas get it privately
-- and answer "I can help" or "Not for me". The enquirer only ever sees the yes answers.
CREATE TABLE expert_enquiries (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    enquirer_id   INTEGER NOT NULL,
    topic         TEXT    NOT NULL,
    details       TEXT    NOT NULL DEFAULT '',
    need          TEXT    NOT NULL CHECK (need IN ('briefing', 'review', 'interview')),
    areas         TEXT    NOT NULL CHECK (json_valid(areas)),      -- area slugs, JSON list
    countries     TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(countries)),
    languages     TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(languages)),
    deadline      TEXT    NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_at    TEXT    NOT NULL
);
CREATE INDEX expert_enquiries_enquirer ON expert_enquiries (guild_id, enquirer_id, status);

CREATE TABLE expert_enquiry_recipients (
    enquiry_id    INTEGER NOT NULL REFERENCES expert_enquiries (id) ON DELETE CASCADE,
    guild_id      INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    delivered_by  TEXT    CHECK (delivered_by IN ('dm', 'channel', 'failed')),
    answer        TEXT    CHECK (answer IN ('yes', 'no')),
    answered_at   TEXT,
    PRIMARY KEY (enquiry_id, user_id)
);
CREATE INDEX expert_enquiry_recipients_user ON expert_enquiry_recipients (guild_id, user_id);
