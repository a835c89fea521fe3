-- Expert search: each search is stored so its Previous and Next buttons keep working
-- after a restart (a custom id holds only the search's id and the page).
CREATE TABLE expert_searches (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    query       TEXT    NOT NULL,
    filters     TEXT    NOT NULL CHECK (json_valid(filters)),
    created_at  TEXT    NOT NULL
);
CREATE INDEX expert_searches_user ON expert_searches (guild_id, user_id);
