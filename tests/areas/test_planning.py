"""The set-up planner and the areas file, without Discord."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.challenge_areas import AreaConfigError, load_areas
from cogs.areas.planning import (
    ExistingChannel,
    ExistingRole,
    GuildSnapshot,
    channel_name,
    plan_setup,
)
from cogs.areas.suggestions import terms_of as terms

CATALOG = load_areas()
NAMED = {"welcome_channel": "welcome", "audit_channel": "audit-log"}


def snapshot(channels: list[ExistingChannel] | None = None, roles: list[ExistingRole] | None = None,
             channels_ok: bool = True, roles_ok: bool = True) -> GuildSnapshot:  # fmt: skip
    return GuildSnapshot(channels or [], roles or [], 50, channels_ok, roles_ok)


def test_empty_server_gets_everything() -> None:
    plan = plan_setup(snapshot(), {}, CATALOG, NAMED, {}, "Introduced")
    created = [(s.kind, s.name) for s in plan.changes if s.action == "create"]
    assert ("category", "Acute challenges") in created
    assert ("channel", "new-and-emerging-technology") in created
    assert ("role", "Threat and risk management") in created
    assert ("channel", "audit-log") in created
    assert sum(1 for k, _ in created if k == "channel") == 12
    assert sum(1 for s in plan.changes if s.action == "pin") == 10
    assert plan.problems == []


def test_existing_things_are_adopted_not_recreated() -> None:
    existing = [
        ExistingChannel(1, "welcome", "text"),
        ExistingChannel(2, "Acute challenges", "category"),
    ]
    plan = plan_setup(snapshot(existing), {}, CATALOG, NAMED, {}, "Introduced")
    adopted = {(s.kind, s.key) for s in plan.steps if s.action == "adopt"}
    assert ("channel", "welcome_channel") in adopted and ("category", "acute") in adopted
    assert not any(
        s.action == "create" and s.key in {"welcome_channel", "acute"} for s in plan.steps
    )


def test_renamed_area_renames_the_stored_channel_and_role() -> None:
    stored = {("channel", "data"): (10, "data"), ("role", "data"): (20, "Data")}
    existing = [ExistingChannel(10, "data", "text", topic=CATALOG.get("data").purpose)]  # type: ignore[union-attr]
    roles = [ExistingRole(20, "Data", 3)]
    catalog = CATALOG.model_copy(deep=True)
    area = catalog.get("data")
    assert area is not None
    area.name = "Data and methods"
    plan = plan_setup(snapshot(existing, roles), stored, catalog, {}, {}, "Introduced")
    renames = {(s.kind, s.discord_id, s.name) for s in plan.steps if s.action == "rename"}
    assert renames == {("channel", 10, "data-and-methods"), ("role", 20, "Data and methods")}


def test_missing_permissions_and_high_roles_are_problems() -> None:
    roles = [ExistingRole(20, "Data", 60)]
    plan = plan_setup(
        snapshot(roles=roles, channels_ok=False, roles_ok=False), {}, CATALOG, {}, {}, "Introduced"
    )
    assert any("Manage Channels" in p for p in plan.problems)
    assert any("Manage Roles" in p for p in plan.problems)
    assert any("'Data' is above my own role" in p for p in plan.problems)


def test_channel_names_and_matching_terms() -> None:
    assert channel_name("Threat and risk management") == "threat-and-risk-management"
    assert channel_name("New & emerging tech!") == "new-emerging-tech"
    assert terms("Radicalization") == terms("radicalisation")
    assert terms("Behaviour") == terms("behavior")
    assert terms("Désinformation") == terms("desinformation")


def test_bad_areas_file_names_the_entry(tmp_path: Path) -> None:
    good = (Path(__file__).resolve().parents[2] / "config" / "challenge_areas.toml").read_text()
    bad = tmp_path / "areas.toml"
    bad.write_text(good.replace('group = "chronic"', 'group = "slow"', 1))
    with pytest.raises(
        AreaConfigError, match=r"area 5 \('thresholds'\).*group 'slow' is not one of"
    ):
        load_areas(bad)
    bad.write_text(good.replace('slug = "data"', 'slug = "Data Sets"'))
    with pytest.raises(AreaConfigError, match=r"area 9 \('Data Sets'\), slug"):
        load_areas(bad)
    bad.write_text(good.replace('slug = "evaluation"', 'slug = "data"'))
    with pytest.raises(AreaConfigError, match="the slug is used twice"):
        load_areas(bad)
    bad.write_text("[[area]\n")
    with pytest.raises(AreaConfigError, match="not valid TOML"):
        load_areas(bad)
