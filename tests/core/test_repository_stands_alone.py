"""The README leads only to files inside the repository: it used to point at
../shared/DESIGN.md, which a reader of the repository does not have."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
MENTIONED_DOC = re.compile(r"`([\w./-]+\.md)`")


def local_targets(text: str) -> set[str]:
    links = {t for t in LINK.findall(text) if not re.match(r"[a-z]+:", t)}
    return links | set(MENTIONED_DOC.findall(text))


def test_every_file_the_readme_points_to_is_in_the_repository() -> None:
    targets = local_targets((ROOT / "README.md").read_text())
    assert "docs/DESIGN.md" in targets
    for target in sorted(targets):
        path = (ROOT / target).resolve()
        assert path.is_relative_to(ROOT), f"{target} is outside the repository"
        assert path.exists(), f"{target} is not in the repository"


def test_the_design_is_in_the_repository_and_leads_nowhere_outside() -> None:
    design = (ROOT / "docs" / "DESIGN.md").read_text()
    assert "## Layers and layout" in design and "## Voice" in design
    assert "../" not in design
