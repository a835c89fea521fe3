"""Step lists keyed by feature, for the seed and the tour.

A feature adds its steps with ``add(feature, command, steps)``; ``command`` is the top-level
slash command the feature registers (``event``, ``mentor``, ``announce``...). When the bot in
this build does not sync that command, the feature's steps are skipped with a printed note,
so the sandbox works before and after a feature is merged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

S = TypeVar("S")


@dataclass(frozen=True)
class FeatureSteps(Generic[S]):
    feature: str
    command: str
    steps: tuple[S, ...]


class StepRegistry(Generic[S]):
    """Ordered feature -> steps; features run in the order they were added."""

    def __init__(self) -> None:
        self._features: dict[str, FeatureSteps[S]] = {}

    def add(self, feature: str, command: str, steps: Iterable[S]) -> None:
        if feature in self._features:
            raise ValueError(f"steps for {feature!r} are already registered")
        self._features[feature] = FeatureSteps(feature, command, tuple(steps))

    def features(self) -> list[FeatureSteps[S]]:
        return list(self._features.values())

    def available(self, commands: set[str], say: Callable[[str], None]) -> list[FeatureSteps[S]]:
        """The features whose command the bot registered; a note for each one skipped."""
        found = []
        for entry in self._features.values():
            if entry.command in commands:
                found.append(entry)
            else:
                say(f"({entry.feature}: /{entry.command} is not in this build; skipped)")
        return found
