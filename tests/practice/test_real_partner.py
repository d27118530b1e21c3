"""The practice room with the real scenario catalogue and the offline partner (the text analyser
stays a test double here: the real one is exercised by the slow tests)."""

from __future__ import annotations

import json

from aesp_app.integrations.ai import scenarios
from aesp_app.models.practice import PracticeSession
from aesp_app.services import practice

from .conftest import make_topic


def test_demo_topics_get_their_scenarios(real_world):
    s = real_world.session
    make_topic(s, "Checking In at the Airport", category="travel")
    s.commit()
    views = {v.title: v for v in practice.list_topics(s)}
    first_day = views["Introducing Yourself at Work"]
    assert first_day.scenario_slug == "first-day-at-work" and first_day.drill_count >= 3
    assert views["Checking In at the Airport"].scenario_slug in {sc.slug for sc in scenarios.all_scenarios()}


def test_offline_partner_moves_through_the_scenario(real_world, offline_partner, fake_text):
    s = real_world.session
    uid = real_world.learner.id
    started = practice.start_session(s, user_id=uid, topic_id=real_world.topic.id, partner=offline_partner)
    scenario = scenarios.get_scenario(started.scenario_slug)
    assert started.scenario_slug == "first-day-at-work"
    assert scenario.steps[0].partner_line in started.opening
    turn = practice.learner_text_turn(s, user_id=uid, session_id=started.session_id,
                                      text="Hi Linh, nice to meet you. My name is Minh.", partner=offline_partner)
    assert turn.step_index == 1 and turn.partner_text and not turn.finished
    for step in scenario.steps[1:]:
        turn = practice.learner_text_turn(s, user_id=uid, session_id=started.session_id,
                                          text=step.example_answers[0], partner=offline_partner)
    assert turn.finished
    s.commit()
    report = practice.end_session(s, user_id=uid, session_id=started.session_id, partner=offline_partner)
    s.commit()
    assert scenario.title in report.written_feedback and "reached the goal" in report.written_feedback
    row = s.get(PracticeSession, started.session_id)
    assert row.ai_engine == offline_partner.engine_name and row.scenario == scenario.title
    assert len(json.loads(row.transcript)) == 2 * len(scenario.steps) + 1
