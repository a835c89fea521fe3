-- Member profiles: the introduction, its settings, and what the bot did for it.
-- Challenge-area membership lives in profile_areas: the areas feature reads and writes the same rows.

CREATE TABLE profiles (
    guild_id          INTEGER NOT NULL,
    user_id           INTEGER NOT NULL,
    name              TEXT    NOT NULL,
    affiliation       TEXT    NOT NULL,
    expertise         TEXT    NOT NULL CHECK (json_valid(expertise)),  -- keywords as typed, JSON list
    methods           TEXT    NOT NULL DEFAULT '',
    bio               TEXT    NOT NULL DEFAULT '',
    country           TEXT    NOT NULL,                                -- ISO 3166 alpha-2
    career_stage      TEXT    NOT NULL
                      CHECK (career_stage IN ('early-career', 'mid-career', 'senior', 'practitioner', 'policy')),
    languages         TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(languages)),
    timezone          TEXT    NOT NULL,                                -- IANA name
    open_to           TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(open_to)),
    visibility        TEXT    NOT NULL DEFAULT 'members'
                      CHECK (visibility IN ('members', 'verified', 'moderators')),
    searchable        INTEGER NOT NULL DEFAULT 1,
    verification      TEXT    NOT NULL DEFAULT 'none'
                      CHECK (verification IN ('none', 'pending', 'verified', 'rejected')),
    verified_by       INTEGER,
    verified_at       TEXT,
    intro_channel_id  INTEGER,
    intro_message_id  INTEGER,
    queue_message_id  INTEGER,
    status            TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'left')),
    left_at           TEXT,
    confirmed_at      TEXT    NOT NULL,
    nudged_at         TEXT,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

CREATE TABLE profile_keywords (
    guild_id  INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    folded    TEXT    NOT NULL,      -- case-folded, for matching
    keyword   TEXT    NOT NULL,      -- as typed, for showing
    position  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id, folded),
    FOREIGN KEY (guild_id, user_id) REFERENCES profiles (guild_id, user_id) ON DELETE CASCADE
);
CREATE INDEX profile_keywords_folded ON profile_keywords (guild_id, folded);

CREATE TABLE profile_areas (
    guild_id  INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    area_slug TEXT    NOT NULL,
    joined_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id, area_slug),
    FOREIGN KEY (guild_id, user_id) REFERENCES profiles (guild_id, user_id) ON DELETE CASCADE
);
CREATE INDEX profile_areas_area ON profile_areas (guild_id, area_slug);

-- Roles the bot gave, so deleting a profile removes exactly those.
CREATE TABLE profile_roles (
    guild_id  INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    role_id   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id, role_id)
);

-- What a member typed in an unfinished introduction, kept so they never type it twice.
CREATE TABLE profile_drafts (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    data       TEXT    NOT NULL CHECK (json_valid(data)),
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);
