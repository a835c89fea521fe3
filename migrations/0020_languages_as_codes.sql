-- Languages are stored as ISO 639 codes ("en", "he", "cs"), not English names: mentoring
-- needs a shared language and compares them exactly, and the bot shows them by their
-- CLDR English names (bot/languages.py). Until now the form offered a fixed list of 25
-- names; each of those, in any case, becomes its code. Anything else stays as it was.
CREATE TEMP TABLE language_codes (name TEXT PRIMARY KEY, code TEXT NOT NULL);
INSERT INTO language_codes (name, code) VALUES
    ('english', 'en'), ('french', 'fr'), ('german', 'de'), ('spanish', 'es'),
    ('portuguese', 'pt'), ('italian', 'it'), ('dutch', 'nl'), ('arabic', 'ar'),
    ('urdu', 'ur'), ('hindi', 'hi'), ('bengali', 'bn'), ('chinese', 'zh'),
    ('japanese', 'ja'), ('korean', 'ko'), ('russian', 'ru'), ('ukrainian', 'uk'),
    ('polish', 'pl'), ('turkish', 'tr'), ('persian', 'fa'), ('swedish', 'sv'),
    ('norwegian', 'no'), ('danish', 'da'), ('finnish', 'fi'), ('indonesian', 'id'),
    ('swahili', 'sw'), ('hebrew', 'he'), ('czech', 'cs');


UPDATE profiles SET languages = (
    SELECT json_group_array(COALESCE(m.code, j.value))
    FROM (SELECT value, key FROM json_each(profiles.languages) ORDER BY key) AS j
    LEFT JOIN language_codes AS m ON m.name = lower(trim(j.value))
);
UPDATE mentor_offers SET languages = (
    SELECT json_group_array(COALESCE(m.code, j.value))
    FROM (SELECT value, key FROM json_each(mentor_offers.languages) ORDER BY key) AS j
    LEFT JOIN language_codes AS m ON m.name = lower(trim(j.value))
);
UPDATE mentee_requests SET languages = (
    SELECT json_group_array(COALESCE(m.code, j.value))
    FROM (SELECT value, key FROM json_each(mentee_requests.languages) ORDER BY key) AS j
    LEFT JOIN language_codes AS m ON m.name = lower(trim(j.value))
);
UPDATE expert_enquiries SET languages = (
    SELECT json_group_array(COALESCE(m.code, j.value))
    FROM (SELECT value, key FROM json_each(expert_enquiries.languages) ORDER BY key) AS j
    LEFT JOIN language_codes AS m ON m.name = lower(trim(j.value))
);
-- An unfinished introduction's languages, and a saved search's language filter.
UPDATE profile_drafts SET data = json_set(data, '$.languages', json((
    SELECT json_group_array(COALESCE(m.code, j.value))
    FROM (SELECT value, key FROM json_each(profile_drafts.data, '$.languages') ORDER BY key) AS j
    LEFT JOIN language_codes AS m ON m.name = lower(trim(j.value))
)))
WHERE json_type(data, '$.languages') = 'array';
UPDATE expert_searches SET filters = json_set(filters, '$.language', (
    SELECT code FROM language_codes WHERE name = lower(trim(json_extract(filters, '$.language')))
))
WHERE lower(trim(json_extract(filters, '$.language'))) IN (SELECT name FROM language_codes);

DROP TABLE temp.language_codes;
