"""Every action kind the code records has a sentence for the moderators' audit channel.

Kinds are found in the source, as the code writes them: string literals "<family>.<what>"
(families: the feature packages, plus "profile", "announce" and "job"), and f-strings
"{...}.<what>" or "<family>.{...}" whose sentence is a "*.<what>" or "<family>.*" entry.
Scheduler job kinds (assigned to a ``*_JOB`` name) are not audit actions, and the sentence
table's own keys do not count as uses.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bot.audit_text import SENTENCES, sentence, template_for

ROOT = Path(__file__).resolve().parents[2]
KIND = re.compile(r"^([a-z]+)\.([a-z_]+)$")


def families() -> set[str]:
    packages = {p.name for p in (ROOT / "cogs").iterdir() if (p / "__init__.py").exists()}
    return packages | {"profile", "announce", "job"}


def job_kinds(tree: ast.AST) -> set[str]:
    return {
        node.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        and any(isinstance(t, ast.Name) and t.id.endswith("_JOB") for t in node.targets)
    }


def recorded_kinds() -> tuple[set[str], set[str]]:
    """(literal kinds, f-string patterns such as "*.delivery_failed" or "job.*")."""
    literals: set[str] = set()
    patterns: set[str] = set()
    wanted = families()
    sources = [*(ROOT / "cogs").rglob("*.py"), *(ROOT / "bot").rglob("*.py")]
    sources.remove(ROOT / "bot" / "audit_text.py")  # the table itself is not a use
    trees = [ast.parse(path.read_text()) for path in sources]
    jobs = set().union(*(job_kinds(tree) for tree in trees))
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found = KIND.match(node.value)
                if found and found.group(1) in wanted and node.value not in jobs:
                    literals.add(node.value)
            if isinstance(node, ast.JoinedStr):
                patterns |= fstring_pattern(node, wanted)
    return literals, patterns


def fstring_pattern(node: ast.JoinedStr, wanted: set[str]) -> set[str]:
    parts = [v.value if isinstance(v, ast.Constant) else "*" for v in node.values]
    text = "".join(str(part) for part in parts)
    if re.fullmatch(r"\*\.[a-z_]+", text) or (
        re.fullmatch(r"[a-z]+\.\*", text) and text.split(".")[0] in wanted
    ):
        return {text}
    return set()


def test_every_recorded_kind_has_a_sentence() -> None:
    literals, patterns = recorded_kinds()
    assert "profile.created" in literals and "job.*" in patterns  # the scan finds them
    assert {k for k in literals if template_for(k) is None} == set()
    assert {p for p in patterns if p not in SENTENCES} == set()


def test_a_sentence_names_the_actor_and_target_or_says_the_bot() -> None:
    assert sentence("events.created", "Nadia (<@1>)", "the event 'Seminar' (#1)") == (
        "Nadia (<@1>) created the event 'Seminar' (#1)."
    )
    assert sentence("areas.role_failed", None, "Amira (<@2>)") == (
        "The bot could not give Amira (<@2>) an area role."
    )


def test_an_unknown_kind_still_reads_as_plain_words() -> None:
    assert sentence("badges.awarded_twice", None, "Amira (<@2>)") == (
        "The bot: badges, awarded twice, about Amira (<@2>)."
    )
