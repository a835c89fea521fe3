"""How much text each slash-command option takes, declared once with its meaning.

Without ``max_length`` Discord's client lets a member paste 6,000 characters into a string
option; with it, the client stops them at the limit before anything is sent. Each alias is
the limit that fits what the option holds, and the checks behind it agree (the time parser
takes 100 characters, a mentoring text 500, and so on). The aliases read as ``str`` to type
checkers.
"""

from __future__ import annotations

from discord import app_commands

Moment = app_commands.Range[str, None, 100]  # "next Tuesday 15:00 CET": the time parser's limit
ZoneName = app_commands.Range[str, None, 64]  # IANA names are at most 32 characters
Reference = app_commands.Range[str, None, 100]  # an autocompleted event, announcement or area
Title = app_commands.Range[str, None, 100]  # an event's title (TITLE_LIMIT)
Place = app_commands.Range[str, None, 100]  # an event's location or link (LOCATION_LIMIT)
Span = app_commands.Range[str, None, 40]  # a duration ("1d 2h") or a date ("2027-03-01")
SpanList = app_commands.Range[str, None, 100]  # reminder offsets: "1d,1h,15m"
Repeat = app_commands.Range[str, None, 100]  # "weekly" or a five-field cron expression
Query = app_commands.Range[str, None, 200]  # words to search profiles for
CountryName = app_commands.Range[str, None, 60]  # a country's name or code
LanguageName = app_commands.Range[str, None, 60]  # a language's name or code
Topic = app_commands.Range[str, None, 200]  # an enquiry's topic, in a few words
Reason = app_commands.Range[str, None, 300]  # why an event is cancelled, told to attendees
Listing = app_commands.Range[str, None, 200]  # comma-separated areas, languages, free hours
Avoid = app_commands.Range[str, None, 200]  # what a mentee wants to avoid (MAX_AVOID)
Paragraph = app_commands.Range[str, None, 500]  # a mentoring offer, goals or methods (MAX_TEXT)

# Whole numbers: Discord's client refuses values outside the range before sending.
Places = app_commands.Range[int, 1, 100_000]  # an event's capacity
Occurrences = app_commands.Range[int, 2, 52]  # how many times a repeating event happens
Mentees = app_commands.Range[int, 1, 5]  # mentees a mentor takes at once
