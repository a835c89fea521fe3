"""Start-up stays quick: loading the bot and every feature leaves the heavy libraries for the
moment they are first used (issue 18: ready in-process under 0.3 s)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Each costs 15 ms to 0.4 s to import, and only some commands need it.
HEAVY = ("numpy", "scipy", "icalendar", "langcodes", "dateparser")
LOAD_EVERY_FEATURE = """
import importlib, json, sys
from bot.app import feature_packages
for package in feature_packages():
    importlib.import_module(package)
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in {heavy})))
"""


def test_loading_every_feature_imports_no_heavy_library() -> None:
    script = LOAD_EVERY_FEATURE.format(heavy=set(HEAVY))
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout.splitlines()[-1]) == []
