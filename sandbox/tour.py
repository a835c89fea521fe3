"""The tour: a scripted walk through every feature, typed into the terminal as a person would.

Each step is a terminal line and the text its answer must contain. ``python -m bot sandbox
--tour`` prints every step and exits 0 only if every step got its expected answer, so the
tour is also a smoke test of the whole bot.

Adding a feature's tour: ``TOUR.add("events", "event", [Step(...), ...])``. A feature whose
command the bot does not register is skipped with a note. Steps run in order, features in
the order they were added; the clock only moves forward, so keep ``wait`` steps late.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sandbox.registry import StepRegistry

if TYPE_CHECKING:
    from sandbox.terminal import Terminal


@dataclass(frozen=True, init=False)
class Step:
    line: str  # typed into the terminal
    expect: tuple[str, ...] = ()  # each must appear in what the terminal printed
    answers: tuple[str, ...] = ()  # typed into the fields of a form the step opens
    note: str = ""  # printed before the step, to explain it

    def __init__(
        self, line: str, *expect: str, answers: tuple[str, ...] = (), note: str = ""
    ) -> None:
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "expect", expect)
        object.__setattr__(self, "answers", answers)
        object.__setattr__(self, "note", note)


TOUR: StepRegistry[Step] = StepRegistry()

TOUR.add("hub", "hub", [
    Step("as moderator", "You are now moderator",
         note="The moderator checks the bot; /hub setup already built the server."),
    Step("/about", "Members with a profile", "41"),
    Step("/hub health", "Health: all working"),
    Step("/hub setup dry_run:true", "already set up"),
    Step("channels", "#youth-radicalisation", "#introductions"),
])  # fmt: skip

TOUR.add("profiles", "introduce", [
    Step("join tomas", "tomas joined", note="A newcomer joins and introduces themself."),
    Step("as tomas", "no profile yet"),
    Step("channel #welcome 1", "Welcome to the network", "Introduce yourself"),
    Step("click Introduce yourself", "Step 2 of 3", answers=(
        "Tomás Novak", "Fictional Institute for Legal Studies",
        "counter-terrorism law, thresholds, legal frameworks", "legal analysis",
        "I compare the legal thresholds for early intervention.")),
    Step("choose country DE", "Step 2 of 3"),
    Step("choose career_stage 2", "Mid-career researcher"),
    Step("choose languages English,German", "German"),
    Step("click work", "Step 3 of 3"),
    Step("choose areas thresholds,terminology", "Step 3 of 3"),
    Step("click preview", "Preview"),
    Step("click confirm", "Your introduction is posted."),
    Step("channel #introductions 1", "Tomás Novak"),
    Step("/profile view member:amira", "Amira Haddad", "Northbridge University"),
    Step("/profile timezone zone:Europe/Berlin", "Your time zone is now Europe/Berlin"),
    Step("complete /profile timezone zone:Asia/Tok", "Asia/Tokyo",
         note="Tab completion asks the bot's own autocomplete, as Discord does."),
    Step("/profile privacy", "Choose what to change",
         note="A mistake gets the same short answer as in Discord."),
    Step("/profile export", "[file:"),
])  # fmt: skip

TOUR.add("areas", "areas", [
    Step("/areas browse", "Challenge areas", "Thresholds (joined)"),
    Step("/areas members area:thresholds", "Tomás Novak", "Elin Strand"),
])  # fmt: skip

TOUR.add("experts", "expert", [
    Step("as amira", "Amira Haddad", note="Amira looks for an expert and asks to be introduced."),
    Step("complete /expert find query:threat", "threat assessment"),
    Step("/expert find query:threat assessment", "Rosa Alvarez", "local time"),
    Step("click Introduce me: Rosa Alvarez", "Your request was sent to Rosa Alvarez", answers=(
        "PhD researcher, Northbridge University", "Threat assessment in schools", "")),
    Step("as rosa", "Rosa Alvarez"),
    Step("dms 1", "Introduction request from Amira Haddad", "Threat assessment in schools"),
    Step("click Accept", "Accepted. A private thread is open"),
    Step("channel Introduction: Amira Haddad and Rosa Alvarez 1", "Threat assessment in schools"),
    Step("as amira", "Amira Haddad"),
    Step("/expert find query:drones", "Liam O'Brien"),
    Step("click Introduce me: Liam O'Brien", "Your request was sent to Liam O'Brien", answers=(
        "PhD researcher, Northbridge University", "Drone incidents at protests", "")),
    Step("as nadia", "Nadia Rahman",
         note="An official asks the network; only members open to government enquiries see it."),
    Step("/expert enquiry topic:Lone-actor risk need:briefing area:threat-risk-management "
         "deadline:in 10 days", "went privately to",
         answers=("A 30-minute briefing for ministers on lone-actor risk.",)),
    Step("as rosa", "Rosa Alvarez"),
    Step("dms 1", "Enquiry: Lone-actor risk", "30-minute briefing"),
    Step("click I can help", "The enquirer has been told"),
    Step("as nadia", "Nadia Rahman"),
    Step("/expert enquiries", "Lone-actor risk", "Rosa Alvarez"),
    Step("as amira", "Amira Haddad"),
    Step("wait 15d", "expired without an answer",
         note="Time passes: Liam never answers, and the request expires."),
    Step("/expert find query:x country:Atlantis", "'Atlantis' is not a country I know"),
])  # fmt: skip

TOUR.add("announcements", "announce", [
    Step("as moderator", "You are now moderator",
         note="The moderator's weekly post has gone out while time passed."),
    Step("/announce list", "This week in the network", "every Monday at 09:00"),
    Step("channel #announcements 1", "This week in the network"),
    Step("/announce history announcement:1", "posted"),
    Step("/announce schedule channel:#announcements when:tomorrow 10:00 timezone:Europe/Berlin",
         "Preview", "Confirm", answers=("Call for papers", "Abstracts are due on Friday."),
         note="A one-off post, previewed in Berlin time before anything is scheduled."),
    Step("click Confirm", "nnouncement #2"),  # "Scheduled as a…" or "Announcement #2 is waiting…"
    Step("/announce schedule channel:#announcements when:yesterday 10:00", "past",
         note="A time in the past is refused, with what to type instead."),
])  # fmt: skip


TOUR.add("mentoring", "mentor", [
    Step("as amira", "Amira Haddad",
         note="An early-career member asks for a mentor; zone and country come from her profile."),
    Step("/mentor request goals:Design my first interview study on online radicalisation "
         "country:other free_hours:Mon-Thu 9:30-13", "Your request is in", "waiting"),
    Step("/mentor status", "Your request", "waiting for the next round",
         "Free: Mon-Thu 9:30-13"),
    Step("as ben", "Ben Okafor", note="A senior researcher offers two places."),
    Step("/mentor offer capacity:2 offer:Fieldwork safety and publishing from a thesis "
         "free_hours:Tue 14-17", "your offer is saved", "Up to 2 mentees"),
    Step("/mentor offer capacity:9", "1 to 5 (you gave 9)"),
    Step("as moderator", "You are now moderator",
         note="The moderator previews a round: every pair with its reasons, nothing sent."),
    Step("/mentor-admin match dry_run:true", "Dry run:", "shared areas", "both work in English"),
    Step("/mentor-admin overview", "Mentees waiting: 7", "Free mentor places: 11"),
])  # fmt: skip


TOUR.add("events", "event", [
    Step("as moderator", "You are now moderator",
         note="The moderator plans a seminar; everyone sees it in their own time zone."),
    Step('/event create title:"Tour seminar" when:"in 2 hours" timezone:Europe/London '
         "reminders:1h", "Preview: check the time", "Europe/London", "Australia/Sydney",
         answers=("A short walk through the hub's events.",)),
    Step("click Confirm", "Created event #"),
    Step("server-events", "Tour seminar"),
    Step("as amira", "Amira Haddad", note="Amira answers on the card and waits."),
    Step("channel #announcements 1", "Tour seminar", "Going"),
    Step("click Going", "You are Going to Tour seminar"),
    Step("/event mine", "Tour seminar"),
    Step("/event list range:week", "Youth radicalisation network call",
         note="The seeded weekly call has moved on to its next occurrence by now."),
    Step("/event ics event:Tour seminar", "[file:"),
    Step("wait 70m", "passed", note="An hour before it starts, the reminder arrives."),
    Step("dms 1", "Reminder:", "Tour seminar", "Mute reminders for this event"),
    Step("click Mute reminders for this event", "Reminders for Tour seminar are off",
         note="Each reminder has a button to stop this event's reminders."),
    Step('/event create title:"x" when:"yesterday 10:00"', "Creating events is for moderators",
         note="Members cannot create events."),
    Step("as moderator", "You are now moderator"),
    Step('/event create title:"x" when:"yesterday 10:00"', "Give a future time."),
])  # fmt: skip


TOUR.add("server", "hub", [
    Step("as grace", "Grace Mwangi",
         note="What Discord itself shows: the roles the bot gave a member on introduction."),
    Step("roles", "Introduced", "Youth radicalisation", "Early-career researcher"),
    Step("/profile export", "[file:", "(open 1 shows it)",
         note="A file the bot sends (an export, an .ics) can be read."),
    Step("open 1", '"name": "Grace Mwangi"'),
    Step("as moderator", "You are now moderator",
         note="A moderator drags an area role above the bot's own; the bot says what to fix."),
    Step("move-role Evaluation above-bot", "now above the bot's own role"),
    Step("/hub setup dry_run:true", "The role 'Evaluation' is above my own role"),
    Step("move-role Evaluation below-bot", "now below the bot's own role"),
    Step("members", "(DMs closed)",
         note="Oscar has closed his DMs; Elin closes hers, and a request reaches her in a "
         "private thread instead."),
    Step("as elin", "Elin Strand"),
    Step("dms off", "no longer accepts direct messages"),
    Step("as amira", "Amira Haddad"),
    Step("/expert find query:lone actors", "Elin Strand"),
    Step("click Introduce me: Elin Strand", "private thread", "Requests: Elin Strand", answers=(
        "PhD researcher, Northbridge University", "Lone actors online:\nplatforms, and\nsigns.",
        "")),
    Step("as elin", "Elin Strand"),
    Step("channel Requests: Elin Strand 1", "introduction request", "Accept"),
    Step("dms on", "accepts direct messages from the bot again"),
    Step("as moderator", "You are now moderator",
         note="A multi-line field: in a form, type lines and end with a line holding only '.'."),
    Step("/announce schedule channel:#announcements when:tomorrow 11:00", "Preview",
         "First line of the notice.", "Second line.",
         answers=("A notice in two lines", "First line of the notice.\nSecond line.")),
    Step("leave grace", "grace left the server", note="A member leaves: her profile is hidden "
         "now and her data deleted after the retention period unless she returns."),
    Step("wait 31d", "New DM to", "(31d passed)",
         note="Each delivery is shown when it happens, with the time and who received it."),
    Step("join grace", "came back"),
    Step("as grace", "no profile yet"),
])  # fmt: skip


async def run_tour(terminal: Terminal) -> bool:
    """Type every available step; True when every one got the answer it expects."""
    sandbox = terminal.sandbox
    features = TOUR.available(sandbox.synced_commands(), terminal.say)
    passed = failed = 0
    for entry in features:
        terminal.say(f"\n══ {entry.feature} " + "═" * (60 - len(entry.feature)))
        for step in entry.steps:
            if step.note:
                terminal.say(f"\n# {step.note}")
            terminal.say(f"{terminal.prompt}{step.line}")
            terminal.answers.extend(step.answers)
            await terminal.execute(step.line)
            terminal.answers.clear()
            seen = "\n".join(terminal.said)
            missing = [e for e in step.expect if e not in seen]
            if missing:
                failed += 1
                terminal.say(f"✗ expected {', '.join(repr(m) for m in missing)}")
            else:
                passed += 1
    unknown = sandbox.double.unknown_routes
    if unknown:
        failed += 1
        terminal.say(f"✗ the bot called routes the local Discord does not serve: {unknown}")
    total = passed + failed
    verdict = "every step" if not failed else f"{passed} of {total} steps"
    terminal.say(f"\nTour finished: {verdict} got the expected answer.")
    return failed == 0
