-- Mentoring: how each side's proposal reached them: 'dm', 'channel' (their private thread
-- when DMs are closed) or 'failed'; NULL until it was sent (and for proposals made before
-- this was recorded). Only a proposal that reached a member and went unanswered counts as a
-- miss for them, and a pair whose proposal did not reach both sides may be proposed again.
ALTER TABLE mentor_pairings ADD COLUMN mentor_delivery TEXT
    CHECK (mentor_delivery IN ('dm', 'channel', 'failed'));
ALTER TABLE mentor_pairings ADD COLUMN mentee_delivery TEXT
    CHECK (mentee_delivery IN ('dm', 'channel', 'failed'));
-- The bot's welcome card in the pair's private thread (names, and the reasons drawn from
-- both profiles), found again by id so /profile delete can take it back.
ALTER TABLE mentor_pairings ADD COLUMN card_id INTEGER;
