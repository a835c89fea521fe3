"""Languages (ISO 639) as members choose them, store them and read them.

Profiles, mentoring offers and requests and enquiries store language codes ("en", "he",
"cs"), so mentoring, where a shared language is a hard rule, compares codes and never
spellings. Names come from langcodes and language-data (CLDR's English names: "Hebrew",
"Persian", "Norwegian"), and what a member types is read by langcodes in any language
("Deutsch", "Ivrit", "עברית", "Farsi", "iw"). The list offered as someone types is every
ISO 639-1 language (pycountry's table), about 180; a rarer language can still be typed.
"""

from __future__ import annotations

import functools

import pycountry

from bot.textmatch import fold

# langcodes (~30 ms with its data) is imported where a name is first looked up, not at start-up.

# The network's working languages, offered first where a select holds at most 25 options.
# Its countries' languages (Israel, the Nordic countries, Kenya, India...) and the languages
# of the communities its research works with.
COMMON = (
    "en", "fr", "de", "es", "pt", "it", "nl", "ar", "he", "fa", "ur", "hi", "bn", "zh",
    "ru", "uk", "pl", "cs", "tr", "sv", "no", "da", "fi", "sw",
)  # fmt: skip


def _english_name(code: str) -> str | None:
    """CLDR's English name, or None when langcodes has no name for the code."""
    if not (2 <= len(code) <= 3 and code.isascii() and code.isalpha()):
        return None
    import langcodes

    try:
        language = langcodes.Language.get(code.lower())
    except ValueError:  # langcodes' LanguageTagError
        return None
    named = language.display_name("en")
    return None if not language.is_valid() or "Unknown" in named else named


@functools.cache
def catalogue() -> dict[str, str]:
    """ISO 639-1 code -> English name, sorted by name."""
    found: dict[str, str] = {}
    for entry in pycountry.languages:
        code = getattr(entry, "alpha_2", None)
        named = _english_name(str(code)) if code else None
        if code and named:
            found[str(code)] = named
    return dict(sorted(found.items(), key=lambda pair: fold(pair[1])))


@functools.lru_cache(maxsize=4096)
def find(text: str) -> str | None:
    """The code of the language ``text`` names: a code ("he", "heb", "iw") or a name in
    English or in the language itself ("Czech", "čeština", "Deutsch"), else None."""
    wanted = " ".join(text.split())
    if not wanted:
        return None
    if fold(wanted) in _by_name():
        return _by_name()[fold(wanted)]
    import langcodes

    try:
        if len(wanted) <= 3 and wanted.isascii() and wanted.isalpha():
            tag = langcodes.standardize_tag(wanted.lower(), macro=True)
        else:
            tag = langcodes.find(wanted).to_tag()
    except (LookupError, ValueError):
        return None
    code = langcodes.Language.get(langcodes.standardize_tag(tag, macro=True)).language
    return code if code and (code in catalogue() or code in _living()) else None


@functools.cache
def _living() -> frozenset[str]:
    """ISO 639-3 codes of living languages: "Cantonese" (yue) is one, "Klingon" is not."""
    return frozenset(str(x.alpha_3) for x in pycountry.languages if getattr(x, "type", "") == "L")


@functools.cache
def _by_name() -> dict[str, str]:
    return {fold(named): code for code, named in catalogue().items()}


def name(code: str) -> str:
    """A stored code as people read it ("he" -> "Hebrew"); anything else as it was stored."""
    return catalogue().get(code) or _english_name(code) or code


def names(codes: tuple[str, ...] | list[str] | frozenset[str]) -> str:
    """Codes as a comma-separated list of names, in the order given."""
    return ", ".join(name(code) for code in codes)


def search(text: str, limit: int = 25) -> list[tuple[str, str]]:
    """(code, name) pairs for autocomplete: the network's languages when nothing is typed;
    else the language ``text`` names exactly, then names starting with it, then containing."""
    wanted = fold(text.strip())
    if not wanted:
        return [(code, name(code)) for code in COMMON][:limit]
    codes: list[str] = []
    exact = find(text)
    if exact:
        codes.append(exact)
    for test in (str.startswith, str.__contains__):
        for code, named in catalogue().items():
            if code not in codes and test(fold(named), wanted):
                codes.append(code)
    return [(code, name(code)) for code in codes[:limit]]


def parse(text: str) -> tuple[list[str], list[str]]:
    """Comma-separated languages -> (codes in order without repeats, parts not understood)."""
    codes: list[str] = []
    unknown: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        code = find(part)
        if code is None:
            unknown.append(part)
        elif code not in codes:
            codes.append(code)
    return codes, unknown
