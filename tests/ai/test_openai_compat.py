"""The OpenAI-compatible partner against a local fake chat server (a test double, see
fake_openai.py): request shape, retries, timeouts, fallback to the offline engine."""

from __future__ import annotations

import dataclasses
from decimal import Decimal


from aesp_app.integrations.ai import Correction, Turn, get_partner
from aesp_app.integrations.ai.offline import OfflinePartner
from aesp_app.integrations.ai.openai_compat import OpenAICompatiblePartner, clean_reply, estimate_tokens
from aesp_app.integrations.ai.scenarios import get_scenario
from aesp_app.settings import load_settings

from .fake_openai import CANNED_REPLY


def make_settings(base_url: str, **overrides):
    values = dict(ai_base_url=base_url, ai_api_key="sk-test-123", ai_model="fake-chat-1", ai_timeout_seconds=1,
                  ai_price_per_1k_prompt_tokens=Decimal("0.5"), ai_price_per_1k_completion_tokens=Decimal("1.5"))
    values.update(overrides)
    return dataclasses.replace(load_settings(), **values)


def make_partner(server, *, timeout=0.3, **kwargs) -> tuple[OpenAICompatiblePartner, list[float]]:
    pauses: list[float] = []
    partner = OpenAICompatiblePartner(make_settings(server.base_url), fallback=OfflinePartner(), timeout=timeout,
                                      backoff_seconds=0.01, sleep=pauses.append, **kwargs)
    return partner, pauses


SCENARIO = get_scenario("hotel-check-in")
HISTORY = [Turn("partner", SCENARIO.steps[0].partner_line), Turn("learner", "I have a reservation under Nguyen."),
           Turn("partner", SCENARIO.steps[1].partner_line)]


def test_reply_comes_from_the_model_and_steps_from_the_offline_engine(fake_chat):
    partner, pauses = make_partner(fake_chat)
    reply = partner.reply(SCENARIO, HISTORY, "I am stay two nights.", 1, [Correction("am stay", "am staying", "")])
    assert reply.text == CANNED_REPLY
    assert reply.engine == "fake-chat-1" and reply.step_index == 2 and not reply.finished
    assert reply.recast == "I am staying two nights."
    assert reply.usage.status == "success" and (reply.usage.prompt_tokens, reply.usage.completion_tokens) == (120, 18)
    assert reply.usage.model == "fake-chat-1" and reply.usage.latency_ms >= 0
    assert pauses == []
    (request,) = fake_chat.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer sk-test-123"
    body = request["body"]
    assert body["model"] == "fake-chat-1" and 0 <= body["temperature"] <= 1
    system = body["messages"][0]
    assert system["role"] == "system"
    assert SCENARIO.partner_persona in system["content"]
    assert SCENARIO.learner_goal in system["content"]
    assert SCENARIO.steps[2].partner_line in system["content"]  # what to ask next
    assert 'I am staying' in system["content"]  # the one mistake to recast
    assert "No markdown" in system["content"]
    roles = [m["role"] for m in body["messages"]]
    assert roles == ["system", "assistant", "user", "assistant", "user"]
    assert body["messages"][-1]["content"] == "I am stay two nights."


def test_retries_on_500_and_429_then_succeeds(fake_chat):
    fake_chat.script = ["500", "429", "ok"]
    partner, pauses = make_partner(fake_chat)
    reply = partner.reply(SCENARIO, HISTORY, "Three nights, please.", 1, [])
    assert reply.text == CANNED_REPLY and reply.usage.status == "success"
    assert len(fake_chat.requests) == 3
    assert pauses == [0.01, 0.02]  # growing pause between attempts


def test_three_server_errors_fall_back_to_offline(fake_chat):
    fake_chat.script = ["500", "500", "500"]
    partner, _ = make_partner(fake_chat)
    reply = partner.reply(SCENARIO, HISTORY, "Three nights, please.", 1, [])
    offline = OfflinePartner().reply(SCENARIO, HISTORY, "Three nights, please.", 1, [])
    assert len(fake_chat.requests) == 3
    assert (reply.text, reply.engine, reply.step_index) == (offline.text, "offline", offline.step_index)
    assert reply.usage.status == "fallback" and "HTTP 500" in reply.usage.error and "3 attempts" in reply.usage.error
    assert reply.usage.prompt_tokens == 0


def test_timeout_falls_back_to_offline(fake_chat):
    fake_chat.script = ["hang", "hang"]
    fake_chat.hang_seconds = 0.5
    partner, _ = make_partner(fake_chat, timeout=0.15, retries=1)
    reply = partner.reply(SCENARIO, HISTORY, "Bananas are yellow.", 1, [])
    assert reply.engine == "offline" and reply.usage.status == "fallback"
    assert reply.usage.error.startswith("timeout")
    assert reply.step_index == 1 and SCENARIO.steps[1].follow_up in reply.text
    assert len(fake_chat.requests) == 2


def test_401_is_not_retried_and_falls_back(fake_chat):
    fake_chat.script = ["401", "ok"]
    partner, pauses = make_partner(fake_chat)
    reply = partner.reply(SCENARIO, HISTORY, "Two nights.", 1, [])
    assert len(fake_chat.requests) == 1 and pauses == []
    assert reply.engine == "offline" and reply.usage.status == "fallback" and reply.usage.error.startswith("HTTP 401")
    assert reply.step_index == 2


def test_unreachable_server_and_garbage_fall_back(fake_chat):
    fake_chat.script = ["garbage"]
    partner, _ = make_partner(fake_chat)
    reply = partner.reply(SCENARIO, HISTORY, "Two nights.", 1, [])
    assert reply.usage.status == "fallback" and "invalid response" in reply.usage.error
    settings = make_settings("http://127.0.0.1:9/v1")  # nothing listens on the discard port
    dead = OpenAICompatiblePartner(settings, timeout=0.2, retries=0, sleep=lambda s: None)
    reply = dead.reply(SCENARIO, HISTORY, "Two nights.", 1, [])
    assert reply.engine == "offline" and reply.usage.status == "fallback"


def test_missing_usage_is_estimated(fake_chat):
    fake_chat.script = ["ok-no-usage"]
    partner, _ = make_partner(fake_chat)
    reply = partner.reply(SCENARIO, HISTORY, "Two nights.", 1, [])
    assert reply.usage.status == "success"
    assert reply.usage.completion_tokens == estimate_tokens(CANNED_REPLY) == round(len(CANNED_REPLY) / 4)
    assert reply.usage.prompt_tokens > 50


def test_opening_and_last_step(fake_chat):
    partner, _ = make_partner(fake_chat)
    opening = partner.opening(SCENARIO)
    assert opening.text == CANNED_REPLY and opening.step_index == 0 and opening.usage.status == "success"
    assert SCENARIO.steps[0].partner_line in fake_chat.requests[0]["body"]["messages"][0]["content"]
    last = partner.reply(SCENARIO, HISTORY, "What time is breakfast?", 3, [])
    assert last.finished and last.step_index == 4
    fake_chat.script = ["401"]
    fallback = partner.opening(SCENARIO)
    assert fallback.engine == "offline" and fallback.usage.status == "fallback"


def test_written_feedback_from_the_model_and_fallback(fake_chat):
    fake_chat.reply_text = "**Great job!** You booked the room clearly. Practise the word 'reservation'."
    partner, _ = make_partner(fake_chat)
    summary = {"overall": 80, "grammar": 70, "pronunciation": 85, "vocabulary": 75, "fluency": 80,
               "flagged_words": ["reservation"], "grammar_errors": [], "wpm": 110, "goal_reached": True}
    text, usage = partner.written_feedback(SCENARIO, HISTORY, summary)
    assert text == "Great job! You booked the room clearly. Practise the word 'reservation'."
    assert usage.status == "success"
    user = fake_chat.requests[-1]["body"]["messages"][1]["content"]
    assert '"overall": 80' in user and "I have a reservation under Nguyen." in user
    fake_chat.script = ["401"]
    text, usage = partner.written_feedback(SCENARIO, HISTORY, summary)
    assert text == OfflinePartner().written_feedback(SCENARIO, HISTORY, summary)[0]
    assert usage.status == "fallback"


def test_clean_reply():
    assert clean_reply('Assistant: "**Hello** there."') == "Hello there."
    assert clean_reply("- one\n- two") == "one two"
    assert len(clean_reply("Word. " * 300)) <= 600


def test_get_partner_picks_by_settings(fake_chat):
    partner = get_partner(make_settings(fake_chat.base_url))
    assert isinstance(partner, OpenAICompatiblePartner) and partner.engine_name == "fake-chat-1"
    assert isinstance(get_partner(make_settings("")), OfflinePartner)


def test_no_call_after_the_end_and_no_key_means_no_authorization_header(fake_chat):
    partner, _ = make_partner(fake_chat)
    done = partner.reply(SCENARIO, HISTORY, "Thanks again!", len(SCENARIO.steps), [])
    assert done.finished and done.usage is None and fake_chat.requests == []
    keyless = OpenAICompatiblePartner(make_settings(fake_chat.base_url, ai_api_key=""), timeout=0.3)
    assert keyless.reply(SCENARIO, HISTORY, "Two nights.", 1, []).usage.status == "success"
    assert "Authorization" not in fake_chat.requests[-1]["headers"]
