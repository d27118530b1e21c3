"""The role-play scenarios, loaded once from `data/scenarios/*.json` (one file per category).

Slugs are stable: sessions and reports refer to them. Each demo topic maps to a scenario by its
title (`topic_titles` in the data); other topics fall back to the first scenario of their
category and level.
"""

from __future__ import annotations

import functools
import json
import pathlib

from . import Scenario, ScenarioStep

DATA_DIR = pathlib.Path(__file__).resolve().parent / "data" / "scenarios"
CATEGORIES = ("work", "travel", "daily", "social", "academic")
LEVELS = ("beginner", "intermediate", "advanced")


def _step(raw: dict) -> ScenarioStep:
    return ScenarioStep(
        partner_line=raw["partner_line"],
        expects=raw["expects"],
        keywords=tuple(raw["keywords"]),
        example_answers=tuple(raw["example_answers"]),
        follow_up=raw["follow_up"],
    )


def _scenario(raw: dict) -> Scenario:
    return Scenario(
        slug=raw["slug"],
        title=raw["title"],
        title_vi=raw["title_vi"],
        category=raw["category"],
        level=raw["level"],
        partner_persona=raw["partner_persona"],
        learner_goal=raw["learner_goal"],
        learner_goal_vi=raw["learner_goal_vi"],
        useful_phrases=tuple(raw["useful_phrases"]),
        drill_sentences=tuple(raw["drill_sentences"]),
        steps=tuple(_step(s) for s in raw["steps"]),
    )


@functools.lru_cache(maxsize=1)
def _load() -> tuple[tuple[Scenario, ...], dict[str, str]]:
    scenarios: list[Scenario] = []
    topic_map: dict[str, str] = {}
    for category in CATEGORIES:
        raw_list = json.loads((DATA_DIR / f"{category}.json").read_text(encoding="utf-8"))
        for raw in raw_list:
            scenario = _scenario(raw)
            scenarios.append(scenario)
            for title in raw.get("topic_titles", ()):
                topic_map[_norm(title)] = scenario.slug
    return tuple(scenarios), topic_map


def _norm(title: str) -> str:
    return " ".join(title.lower().split())


def all_scenarios() -> tuple[Scenario, ...]:
    """Every scenario, by category (work, travel, daily, social, academic) then file order."""
    return _load()[0]


@functools.lru_cache(maxsize=1)
def _by_slug() -> dict[str, Scenario]:
    return {s.slug: s for s in all_scenarios()}


def get_scenario(slug: str) -> Scenario | None:
    return _by_slug().get(slug)


def scenarios_for(category: str | None = None, level: str | None = None) -> list[Scenario]:
    return [
        s
        for s in all_scenarios()
        if (category is None or s.category == category) and (level is None or s.level == level)
    ]


def topic_scenario_map() -> dict[str, str]:
    """Normalised demo topic title -> scenario slug."""
    return dict(_load()[1])


def scenario_for_topic(title: str, category: str, difficulty: str) -> Scenario:
    """The scenario for a topic: by its title when one was written for it, else the first of its
    category and level, else the first of its category, else the first scenario."""
    slug = _load()[1].get(_norm(title or ""))
    if slug:
        return _by_slug()[slug]
    for candidates in (scenarios_for(category, difficulty), scenarios_for(category), scenarios_for(level=difficulty)):
        if candidates:
            return candidates[0]
    return all_scenarios()[0]
