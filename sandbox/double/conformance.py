"""Checks the double's traffic against Discord's published OpenAPI specification.

The double is the project's only picture of Discord, so every request the bot makes is matched
to an operation of Discord's specification (``tests/discord_api/openapi.json``) and its path,
query and body checked against that operation's schemas, and every answer of the double is
checked against the operation's response schema for its status. A mismatch is a problem the
test fixture turns into a failure. Validation is done by ``jsonschema-rs`` (the spec is a
resource of its ``Registry``; its Rust core checks an interaction callback, a union of seven
message and modal shapes, in microseconds where pure-Python ``jsonschema`` took 20 ms and
doubled the sandbox tour); validators are built once per schema and shared by every double
of the process.

``python -m sandbox.double.conformance`` runs the e2e suite and the sandbox tour with the
report on and prints, per operation, the requests and answers checked and the invalid ones.
It needs the dev extras (``jsonschema-rs``) and a checkout (the spec lives under ``tests/``).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from jsonschema_rs import Draft202012Validator, Registry, ValidationError

from sandbox.double.tally import Tally

DEFAULT_SPEC = Path(__file__).resolve().parents[2] / "tests" / "discord_api" / "openapi.json"
ANSWERS_URI = "https://discord.double/openapi.json"
REQUESTS_URI = "https://discord.double/openapi-requests.json"
METHODS = ("get", "put", "post", "patch", "delete")

# Encodings Discord accepts in requests although the specification types them otherwise.
# Kept small on purpose: each entry is something discord.py sends and Discord takes.
# 1. Snowflakes: the spec says string; discord.py sends integers in JSON bodies (recipient_id,
#    parent_id, overwrite ids), which Discord parses as the same id.
# 2. Query booleans: the spec says boolean; discord.py sends ``with_response=1`` (and 0).
# 3. Permission bitsets (role ``permissions``, overwrite ``allow``/``deny``): the spec says
#    integer; discord.py sends decimal strings, Discord's own serialisation of permissions.
QUERY_BOOLEANS = {"1": True, "0": False}
PERMISSION_FIELDS = frozenset({"permissions", "allow", "deny"})
INTEGER_STRING = {"type": "string", "pattern": "^[0-9]+$"}


def _allow_documented_encodings(document: dict[str, Any]) -> dict[str, Any]:
    """The copy of the spec requests are checked against: the allow-list above applied."""
    patched = copy.deepcopy(document)
    snowflake = patched["components"]["schemas"]["SnowflakeType"]
    patched["components"]["schemas"]["SnowflakeType"] = {
        "anyOf": [snowflake, {"type": "integer", "minimum": 0}]
    }
    for schema in _walk(patched["components"]["schemas"]):
        for name in PERMISSION_FIELDS & set(schema.get("properties", {})):
            prop = schema["properties"][name]
            if "integer" in _types(prop):
                schema["properties"][name] = {"anyOf": [prop, INTEGER_STRING]}
    return patched


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in list(node.values()):
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type", [])
    return [kind] if isinstance(kind, str) else list(kind)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


@dataclass
class Operation:
    """One method on one path of the spec, with JSON pointers to its schemas."""

    operation_id: str
    method: str
    template: str
    pointer: str
    pattern: re.Pattern[str]
    literals: int
    parameters: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    body_schema: str | None = None
    body_required: bool = False


class Spec:
    """The loaded specification, its operations and a cache of compiled validators."""

    def __init__(self, path: Path) -> None:
        self.document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        requests = _allow_documented_encodings(self.document)
        self.registry = Registry([(ANSWERS_URI, self.document), (REQUESTS_URI, requests)])
        self.operations = [op for item in self.document["paths"].items() for op in self._ops(*item)]
        self._validators: dict[str, Draft202012Validator] = {}

    def _ops(self, template: str, item: dict[str, Any]) -> Iterator[Operation]:
        segments = template.strip("/").split("/")
        regex = "/".join("[^/]+" if s.startswith("{") else re.escape(s) for s in segments)
        pattern = re.compile(f"^/{regex}$")
        literals = sum(not s.startswith("{") for s in segments)
        for method in METHODS:
            if method not in item:
                continue
            raw = item[method]
            pointer = f"/paths/{_escape(template)}/{method}"
            op = Operation(raw["operationId"], method.upper(), template, pointer, pattern, literals)
            for param in [*item.get("parameters", []), *raw.get("parameters", [])]:
                op.parameters[(param["in"], param["name"])] = param
            json_body = raw.get("requestBody", {}).get("content", {}).get("application/json")
            if json_body is not None:
                op.body_schema = f"{pointer}/requestBody/content/application~1json/schema"
                op.body_required = bool(raw["requestBody"].get("required"))
            yield op

    def match(self, method: str, path: str) -> Operation | None:
        """The operation for a request; literal segments win (``/users/@me`` over an id)."""
        found = [op for op in self.operations if op.method == method and op.pattern.match(path)]
        return max(found, key=lambda op: op.literals, default=None)

    def validator(self, uri: str, pointer: str) -> Draft202012Validator:
        key = f"{uri}#{quote(pointer, safe='/~')}"  # a pointer holds { and } from paths
        cached = self._validators.get(key)
        if cached is None:
            cached = Draft202012Validator({"$ref": key}, registry=self.registry)
            self._validators[key] = cached
        return cached

    def problem(self, uri: str, pointer: str, value: Any) -> str | None:
        """What is wrong with ``value`` against the schema at ``pointer``, or None."""
        return _error(self.validator(uri, pointer), value)

    def response_pointer(self, op: Operation, status: int) -> tuple[str | None, bool]:
        """Pointer to the answer's JSON schema (None: no body), and whether the status is
        documented for the operation at all."""
        responses = self.document["paths"][op.template][op.method.lower()]["responses"]
        for key in (str(status), f"{status // 100}XX", "default"):
            if key not in responses:
                continue
            base = f"{op.pointer}/responses/{key}"
            entry = responses[key]
            if "$ref" in entry:
                base = entry["$ref"].removeprefix("#")
                entry = self.resolve(entry["$ref"])
            if "application/json" not in entry.get("content", {}):
                return None, True
            return f"{base}/content/application~1json/schema", True
        return None, False

    def resolve(self, ref: str) -> dict[str, Any]:
        node: Any = self.document
        for token in ref.removeprefix("#/").split("/"):
            node = node[token.replace("~1", "/").replace("~0", "~")]
        return dict(node)


@functools.cache
def load_spec(path: Path = DEFAULT_SPEC) -> Spec:
    """One parsed spec per process: every test's double shares it and its validators."""
    return Spec(path)


def _error(validator: Draft202012Validator, value: Any) -> str | None:
    if validator.is_valid(value):
        return None
    error = _deepest(next(iter(validator.iter_errors(value))))
    where = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.instance_path)
    message = error.message
    if len(message) > 200:  # keep the verdict at the end ("... is too long")
        message = f"{message[:80]} ... {message[-100:]}"
    return f"{where}: {message}"


def _deepest(error: ValidationError) -> ValidationError:
    """Inside a failed union (anyOf, oneOf), the branch error that reaches furthest into the
    value names the real problem ("$.data.content is too long"), not "matches no branch"."""
    best = error
    for branch in getattr(error.kind, "context", None) or []:
        for inner in branch:
            found = _deepest(inner)
            if len(found.instance_path) > len(best.instance_path):
                best = found
    return best


class Conformance:
    """Checks one double's traffic; ``problems`` lists every mismatch, ``tally`` counts."""

    def __init__(self, spec: Spec | None = None) -> None:
        self.spec = spec or load_spec()
        self.tally = Tally()
        self.problems = self.tally.problems

    def check(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        body: Any,
        status: int,
        answer: Any,
    ) -> None:
        """Check one exchange: the bot's request, then the double's answer to it."""
        started = time.perf_counter()
        op = self.check_request(method, path, query, body)
        if op is not None:
            self.check_answer(op, status, answer)
        self.tally.seconds += time.perf_counter() - started

    def check_request(
        self, method: str, path: str, query: Mapping[str, str], body: Any
    ) -> Operation | None:
        """Match the request to an operation and check it; None when no operation matches."""
        op = self.spec.match(method, path)
        if op is None:
            self.problems.append(f"{method} {path}: no operation in Discord's specification")
            self.tally.count("(unknown route)", request_ok=False)
            return None
        found = self._path_problems(op, path) + self._query_problems(op, query)
        found += self._body_problems(op, body)
        self.problems.extend(f"request {op.operation_id} ({method} {path}) {p}" for p in found)
        self.tally.count(op.operation_id, request_ok=not found)
        return op

    def check_answer(self, op: Operation, status: int, body: Any) -> None:
        """Check the double's answer against the operation's response for that status."""
        pointer, documented = self.spec.response_pointer(op, status)
        problem: str | None = None
        if not documented:
            problem = f"status {status} is not documented"
        elif pointer is None:
            problem = None if not body else f"status {status} has no body in the spec"
        else:
            try:
                value = json.loads(body or b"")
            except ValueError:
                problem = f"status {status}: the body is not JSON"
            else:
                problem = self.spec.problem(ANSWERS_URI, pointer, value)
        if problem is not None:
            self.problems.append(f"answer {op.operation_id} {status} {problem}")
        self.tally.count(op.operation_id, answer_ok=problem is None)

    def check_refusal(self, method: str, path: str, status: int, body: Any) -> None:
        """A request refused before it was read (401, 429): only the answer is checked."""
        op = self.spec.match(method, path)
        if op is not None:
            self.check_answer(op, status, body)

    def _path_problems(self, op: Operation, path: str) -> list[str]:
        values = dict(
            zip(op.template.strip("/").split("/"), path.strip("/").split("/"), strict=True)
        )
        found = []
        for (where, name), param in op.parameters.items():
            if where == "path" and "{" + name + "}" in values:
                problem = self._value_problem(op, param, unquote(values["{" + name + "}"]))
                found += [f"path {name} {problem}"] if problem else []
        return found

    def _query_problems(self, op: Operation, query: Mapping[str, str]) -> list[str]:
        found = []
        for name, value in query.items():
            param = op.parameters.get(("query", name))
            if param is None:
                found.append(f"query {name}: not a parameter of this operation")
                continue
            problem = self._value_problem(op, param, value)
            found += [f"query {name} {problem}"] if problem else []
        for (where, name), param in op.parameters.items():
            if where == "query" and param.get("required") and name not in query:
                found.append(f"query {name}: required")
        return found

    def _value_problem(self, op: Operation, param: dict[str, Any], raw: str) -> str | None:
        """A path or query value arrives as text; it fits if the text, its JSON reading
        (numbers, true/false) or an allow-listed boolean fits the schema."""
        validator = self.spec.validator(REQUESTS_URI, self._param_pointer(op, param))
        candidates: list[Any] = [raw]
        with contextlib.suppress(ValueError):
            candidates.append(json.loads(raw))
        if raw in QUERY_BOOLEANS:
            candidates.append(QUERY_BOOLEANS[raw])
        if any(validator.is_valid(value) for value in candidates):
            return None
        return _error(validator, raw)

    def _param_pointer(self, op: Operation, param: dict[str, Any]) -> str:
        item = self.spec.document["paths"][op.template]
        path_level = item.get("parameters", [])
        if param in path_level:
            return f"/paths/{_escape(op.template)}/parameters/{path_level.index(param)}/schema"
        own = item[op.method.lower()]["parameters"].index(param)
        return f"{op.pointer}/parameters/{own}/schema"

    def _body_problems(self, op: Operation, body: Any) -> list[str]:
        if isinstance(body, dict) and "_files" in body:  # multipart: the payload_json part
            body = {k: v for k, v in body.items() if k != "_files"}
        if op.body_schema is None:
            return [] if body in (None, {}) else ["body: this operation takes no JSON body"]
        if body is None:
            return ["body: required"] if op.body_required else []
        problem = self.spec.problem(REQUESTS_URI, op.body_schema, body)
        return [f"body {problem}"] if problem else []


SUITE = ("tests/e2e", "tests/sandbox/test_offline.py::test_tour_exits_zero_and_checks_every_step")


def main(argv: list[str]) -> int:
    """Run the e2e suite and the sandbox tour (or the test paths given) with the check on;
    pytest prints per operation the requests and answers checked and how many were invalid
    (``--conformance-report``), and fails a test at its first invalid one."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += ["--conformance-report=", *(argv or SUITE)]  # = : no file, print only
    return subprocess.run(command, cwd=DEFAULT_SPEC.parents[2], check=False).returncode


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
