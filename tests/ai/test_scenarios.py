"""The scenario catalogue: counts, coverage, uniqueness and the shape of every phrase."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from aesp_app.integrations.ai import scenarios as sc
from aesp_app.services.demo_data import TOPICS

ASCII_ENGLISH = re.compile(r"^[A-Za-z0-9 ,.'?!:;\-()\"/…]+$")


def test_at_least_thirty_scenarios_with_two_per_category_and_level():
    all_ = sc.all_scenarios()
    assert len(all_) >= 30
    counts = Counter((s.category, s.level) for s in all_)
    for category in sc.CATEGORIES:
        for level in sc.LEVELS:
            assert counts[(category, level)] >= 2, (category, level)
    assert set(counts) == {(c, lv) for c in sc.CATEGORIES for lv in sc.LEVELS}


def test_slugs_and_titles_are_unique_and_slug_shaped():
    all_ = sc.all_scenarios()
    slugs = [s.slug for s in all_]
    assert len(set(slugs)) == len(slugs)
    assert len({s.title for s in all_}) == len(all_)
    for slug in slugs:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug
        assert sc.get_scenario(slug).slug == slug
    assert sc.get_scenario("no-such-scenario") is None


@pytest.mark.parametrize("scenario", sc.all_scenarios(), ids=lambda s: s.slug)
def test_each_scenario_is_complete(scenario):
    assert scenario.title and scenario.title_vi and scenario.partner_persona
    assert scenario.learner_goal and scenario.learner_goal_vi
    assert 4 <= len(scenario.useful_phrases) <= 8
    assert 3 <= len(scenario.drill_sentences) <= 5
    assert 3 <= len(scenario.steps) <= 6
    for phrase in scenario.useful_phrases:
        assert phrase.strip() and ASCII_ENGLISH.match(phrase), phrase
    for sentence in scenario.drill_sentences:
        assert ASCII_ENGLISH.match(sentence), sentence
        assert 5 <= len(sentence.split()) <= 14, sentence
        assert sentence[-1] in ".?!", sentence
    assert len(set(scenario.drill_sentences)) == len(scenario.drill_sentences)
    for step in scenario.steps:
        assert step.partner_line.strip() and step.expects.strip() and step.follow_up.strip()
        assert step.keywords and all(k.strip() for k in step.keywords)
        assert len(step.example_answers) >= 2
        for example in step.example_answers:
            assert example.isascii(), example


def test_scenarios_for_filters():
    work_beginner = sc.scenarios_for("work", "beginner")
    assert work_beginner and all(s.category == "work" and s.level == "beginner" for s in work_beginner)
    assert len(sc.scenarios_for("travel")) >= 6
    assert len(sc.scenarios_for(level="advanced")) >= 10


def test_every_demo_topic_has_its_own_scenario_of_the_same_category_and_level():
    mapping = sc.topic_scenario_map()
    seen = set()
    for title, category, difficulty, _description, _scenario in TOPICS:
        scenario = sc.scenario_for_topic(title, category, difficulty)
        assert " ".join(title.lower().split()) in mapping, title
        assert (scenario.category, scenario.level) == (category, difficulty), title
        seen.add(scenario.slug)
    assert len(seen) == len(TOPICS)  # one scenario per demo topic


def test_unknown_topic_falls_back_to_first_of_category_and_level():
    scenario = sc.scenario_for_topic("Something new", "social", "advanced")
    assert scenario == sc.scenarios_for("social", "advanced")[0]
    assert sc.scenario_for_topic("Title", "unknown", "expert") == sc.all_scenarios()[0]
    assert sc.scenario_for_topic("  booking a HOTEL room ", "daily", "beginner").slug == "booking-a-hotel-room"
