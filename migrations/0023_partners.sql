-- Partner networks (issue 20): two servers served by this bot are linked only when a
-- moderator of each agrees (a one-time code made on one side and redeemed on the other),
-- and a member is visible to linked networks only after opting in. Who did what is in the
-- audit log of both servers; these tables hold no member ids.

-- A one-time code: only its SHA-256 is stored, so reading the database gives no code.
CREATE TABLE partner_invites (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,          -- the server that made the code
    code_hash       TEXT    NOT NULL UNIQUE,
    created_at      TEXT    NOT NULL,
    expires_at      TEXT    NOT NULL,
    used_at         TEXT,
    used_by_guild   INTEGER                    -- the server that redeemed it
);
CREATE INDEX partner_invites_guild ON partner_invites (guild_id);

-- A link between two servers, stored once with the smaller id first; ended links stay as
-- history (when, and from which side), and a pair has at most one active link.
CREATE TABLE partner_links (
    id              INTEGER PRIMARY KEY,
    guild_low       INTEGER NOT NULL,
    guild_high      INTEGER NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
    invited_from    INTEGER NOT NULL,          -- the server whose moderator made the code
    created_at      TEXT    NOT NULL,
    ended_at        TEXT,
    ended_from      INTEGER,                   -- the server whose moderator ended it
    CHECK (guild_low < guild_high)
);
CREATE UNIQUE INDEX partner_links_one_active ON partner_links (guild_low, guild_high)
    WHERE status = 'active';
CREATE INDEX partner_links_high ON partner_links (guild_high, status);

-- "Partner networks may find me": off until the member turns it on.
ALTER TABLE profiles ADD COLUMN partner_visible INTEGER NOT NULL DEFAULT 0
    CHECK (partner_visible IN (0, 1));

-- An introduction request to a member of a linked server: the row lives with the
-- requester's server (guild_id); expert_guild is the expert's server (NULL: the same one).
ALTER TABLE expert_requests ADD COLUMN expert_guild INTEGER;
CREATE INDEX expert_requests_expert_guild ON expert_requests (expert_guild, expert_id, status)
    WHERE expert_guild IS NOT NULL;

-- An enquiry may go to opted-in members of linked servers too; each recipient row carries
-- the recipient's own server in guild_id.
ALTER TABLE expert_enquiries ADD COLUMN partners INTEGER NOT NULL DEFAULT 0
    CHECK (partners IN (0, 1));
