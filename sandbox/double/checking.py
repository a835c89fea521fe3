"""The double's hooks for the conformance check (``conformance.py``), kept out of the server.

The check needs the dev extras (``jsonschema-rs``), so it is imported only when turned on:
by the e2e fixture (``check_conformance()``), or for a whole process, such as the sandbox
tour the tests run, by ``DISCORD_DOUBLE_CONFORMANCE=<file>``, where the counts and problems
are written when the double stops.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from sandbox.double.conformance import Conformance

CONFORMANCE_ENV = "DISCORD_DOUBLE_CONFORMANCE"
API_PREFIX = "/api/v10"


class ConformanceHooks:
    """Mixed into the double: every exchange goes through ``conform`` when a check is on."""

    conformance: Conformance | None = None

    def check_conformance(self) -> Conformance:
        """From now on, check each request and answer against Discord's specification;
        the test fixture fails on any problem it records."""
        from sandbox.double.conformance import Conformance

        self.conformance = Conformance()
        return self.conformance

    def conformance_from_environment(self) -> None:
        if os.environ.get(CONFORMANCE_ENV):
            self.check_conformance()

    def save_conformance(self) -> None:
        if self.conformance is not None and os.environ.get(CONFORMANCE_ENV):
            self.conformance.tally.save(Path(os.environ[CONFORMANCE_ENV]))

    def conform(
        self, request: web.Request, path: str, body: Any, response: web.StreamResponse
    ) -> web.StreamResponse:
        """Check a request the double read and its answer; return the answer."""
        if self.conformance is not None:
            self.conformance.check(
                request.method, path, request.query, body, response.status,
                getattr(response, "body", None),
            )  # fmt: skip
        return response

    def conform_refusal(self, request: web.Request, refusal: web.Response) -> web.Response:
        """A request refused unread (401, 429): only the answer can be checked."""
        if self.conformance is not None:
            path = request.path.removeprefix(API_PREFIX)
            self.conformance.check_refusal(request.method, path, refusal.status, refusal.body)
        return refusal
