"""Installing the project prints no deprecation warning about its licence metadata."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_licence_is_an_spdx_string_with_a_setuptools_that_reads_it() -> None:
    """A TOML table (``{ text = "MIT" }``) made setuptools warn at every install; the SPDX
    string form needs setuptools 77 or later in the build requirements."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["license"] == "MIT"
    requires = project["build-system"]["requires"]
    setuptools = next(r for r in requires if r.startswith("setuptools"))
    found = re.fullmatch(r"setuptools>=(\d+)(\.\d+)*", setuptools)
    assert found is not None and int(found.group(1)) >= 77, setuptools
