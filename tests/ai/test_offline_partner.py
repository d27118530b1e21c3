"""The offline scenario engine: step tracking, follow-ups, hints, recasts, odd inputs."""

from __future__ import annotations

import time

import pytest

from aesp_app.integrations.ai import Correction, PartnerReply, Turn, corrections_from_errors, get_partner
from aesp_app.integrations.ai import offline as off
from aesp_app.integrations.ai.offline import OfflinePartner
from aesp_app.integrations.ai.scenarios import all_scenarios, get_scenario

partner = OfflinePartner()


def walk(slug: str, answers: list[str], corrections: dict[int, list[Correction]] | None = None) -> list[PartnerReply]:
    scenario = get_scenario(slug)
    opening = partner.opening(scenario)
    history = [Turn("partner", opening.text)]
    step = opening.step_index
    replies = []
    for i, answer in enumerate(answers):
        reply = partner.reply(scenario, list(history), answer, step, (corrections or {}).get(i, []))
        replies.append(reply)
        history += [Turn("learner", answer), Turn("partner", reply.text)]
        step = reply.step_index
    return replies


def test_opening_is_the_first_line_with_a_greeting():
    scenario = get_scenario("hotel-check-in")
    opening = partner.opening(scenario)
    assert opening.text == scenario.steps[0].partner_line  # already starts with a greeting
    assert (opening.engine, opening.step_index, opening.finished) == ("offline", 0, False)
    assert partner.opening(get_scenario("asking-for-directions")).text.startswith("Hello! You look")


@pytest.mark.parametrize("scenario", all_scenarios(), ids=lambda s: s.slug)
def test_example_answers_walk_every_scenario_to_the_end(scenario):
    answers = [step.example_answers[1] for step in scenario.steps]
    replies = walk(scenario.slug, answers)
    assert [r.step_index for r in replies] == list(range(1, len(scenario.steps) + 1))
    assert [r.finished for r in replies] == [False] * (len(scenario.steps) - 1) + [True]
    for reply, next_step in zip(replies[:-1], scenario.steps[1:]):
        assert next_step.partner_line in reply.text
    assert "well done" in replies[-1].text.lower()


PARAPHRASES = {
    "hotel-check-in": ["Hello, I made a booking. My name is Tran Minh.", "We are staying three nights.",
                       "Yes of course, here it is.", "When is breakfast?"],
    "ordering-coffee": ["One cappuccino please", "Small, with soy milk", "I'll drink it here", "By card please"],
    "job-interview": ["I studied economics and I worked in a bank for three years.",
                      "I am good at communication with customers.",
                      "I am sometimes too shy, but I am trying to improve.",
                      "Because I think this company has a good culture.", "When will I know the result?"],
    "asking-for-directions": ["Can you tell me the way to the museum?", "Turn left at the bank, right?",
                              "How long does it take to walk there?", "Thanks a lot!"],
    "visiting-the-doctor": ["My stomach hurts and I feel sick.", "It started two days ago.",
                            "I'm not taking any medicine and I have no allergies.", "Should I take it after meals?"],
    "debating-remote-work": ["I think working from home is better for most people.",
                             "A survey from my company shows people finish more work at home.",
                             "However, teams can build trust with regular video calls.",
                             "Overall, a mix of home and office is the best choice."],
    "rescheduling-a-client-meeting": ["Hello Ms Collins, this is Nam from Viet Trade.",
                                      "Sorry, I have an urgent problem so I cannot come on Thursday.",
                                      "Is Monday at 9 am okay for you?", "OK, so Friday at ten. Thank you very much."],
    "lost-passport": ["I can't find my passport anywhere.", "I think I dropped it in a taxi last night.",
                      "No, I haven't gone to the police yet.", "How much does a new passport cost?"],
    "renting-an-apartment": ["Is there a parking space for my motorbike?",
                             "It's too expensive for me. Can you make it cheaper?",
                             "Three months is too much. One month, please.", "One year is better for me."],
    "wedding-toast": ["Hello everyone, I am Minh, the best friend of the groom.",
                      "When we were students, Nam always talked about Lan.", "I hope you will be happy forever.",
                      "Cheers to Nam and Lan!"],
    "ordering-pho-with-a-visitor": ["This is pho. It's a famous Vietnamese noodle soup.",
                                    "You should try the rare beef, it's delicious.",
                                    "You put some lime and herbs in it and eat with chopsticks."],
    "seminar-discussion": ["I think the article is quite interesting but a little one-sided.",
                           "I agree with Anna, we often share our notes on Facebook groups.",
                           "I don't think that's a good idea, because students need to contact each other."],
    "inviting-a-friend-out": ["Do you want to go out for dinner on Saturday?", "Oh okay, what about next Friday?",
                              "Let's meet at the station at 6.", "Great, see you!"],
}


@pytest.mark.parametrize("slug", sorted(PARAPHRASES))
def test_own_words_answers_are_recognised(slug):
    replies = walk(slug, PARAPHRASES[slug])
    assert replies[-1].finished
    assert [r.step_index for r in replies] == list(range(1, len(replies) + 1))


OFF_TOPIC = ["Bananas are yellow.", "I don't like mathematics.", "The blue car is very fast."]


@pytest.mark.parametrize("answer", OFF_TOPIC)
def test_off_topic_answer_gets_the_follow_up_and_stays_on_the_step(answer):
    scenario = get_scenario("hotel-check-in")
    reply = walk("hotel-check-in", [answer])[0]
    assert reply.step_index == 0 and not reply.finished
    assert scenario.steps[0].follow_up in reply.text


def test_two_misses_give_a_hint_and_move_on():
    scenario = get_scenario("airport-check-in")
    first, second = walk("airport-check-in", ["Bananas are yellow.", "My cat likes milk."])
    assert first.step_index == 0 and scenario.steps[0].follow_up in first.text
    assert second.step_index == 1
    assert any(example in second.text for example in scenario.steps[0].example_answers)
    assert scenario.steps[1].partner_line in second.text


def test_missing_the_last_step_twice_still_finishes():
    scenario = get_scenario("talking-about-your-job")
    answers = [scenario.steps[0].example_answers[0], scenario.steps[1].example_answers[0], "Bananas.", "Bananas."]
    replies = walk(scenario.slug, answers)
    assert replies[-1].finished and replies[-1].step_index == len(scenario.steps)
    more = partner.reply(scenario, [], "hello again", replies[-1].step_index, [])
    assert more.finished and "finished" in more.text


def test_recasts_one_correction_gently():
    scenario = get_scenario("discussing-a-film")
    corrections = [Correction("am agree", "agree", "'Agree' is a verb: no 'am' before it."),
                   Correction("was liking", "liked", "'Like' is not used in the continuous.")]
    history = [Turn("partner", scenario.steps[2].partner_line)]
    reply = partner.reply(scenario, history, "I am agree that it was long, but the ending was fine.", 2, corrections)
    assert reply.step_index == 3  # the answer itself did the job
    assert reply.recast == "I agree that it was long, but the ending was fine."
    assert '"I agree' in reply.text and '"I am agree' in reply.text
    assert "liked" not in reply.text  # one correction at a time


def test_recast_on_a_miss_and_corrections_not_in_the_text_are_ignored():
    scenario = get_scenario("hotel-check-in")
    reply = partner.reply(scenario, [], "Yesterday I go to the beach.", 0, [Correction("go", "went", "past tense")])
    assert reply.step_index == 0 and reply.recast == "Yesterday I went to the beach."
    assert scenario.steps[0].follow_up in reply.text
    clean = partner.reply(scenario, [], "I have a reservation.", 0, [Correction("goed", "went", "")])
    assert clean.recast == "" and clean.step_index == 1


def test_corrections_from_grammar_errors():
    errors = [{"text": "am agree", "suggestions": ["agree"], "correction": "agree", "explanation": "no 'am'"},
              {"text": "foo", "suggestions": [], "correction": None, "explanation": "x"}]
    assert corrections_from_errors(errors) == [Correction("am agree", "agree", "no 'am'")]


@pytest.mark.parametrize("text", ["", "   ", "...", "?"])
def test_empty_input_asks_again_without_moving(text):
    scenario = get_scenario("ordering-coffee")
    reply = partner.reply(scenario, [], text, 1, [])
    assert reply.step_index == 1 and not reply.finished
    assert "didn't hear" in reply.text and scenario.steps[1].partner_line in reply.text


def test_repeat_request_repeats_the_last_line():
    scenario = get_scenario("ordering-coffee")
    history = [Turn("partner", "Okay. " + scenario.steps[1].partner_line)]
    for text in ("Sorry, can you repeat that?", "Pardon?", "Could you say that again, please?"):
        reply = partner.reply(scenario, history, text, 1, [])
        assert reply.step_index == 1
        assert scenario.steps[1].partner_line in reply.text


def test_i_dont_understand_rephrases_with_an_example():
    scenario = get_scenario("visiting-the-doctor")
    reply = partner.reply(scenario, [], "Sorry, I don't understand.", 1, [])
    assert reply.step_index == 1
    assert scenario.steps[1].follow_up in reply.text
    assert any(e in reply.text for e in scenario.steps[1].example_answers)


def test_very_short_answers():
    scenario = get_scenario("airport-check-in")
    ok = partner.reply(scenario, [], "Window.", 2, [])  # one word: accepted, with a fuller model
    assert ok.step_index == 3 and any(e in ok.text for e in scenario.steps[2].example_answers)
    vague = partner.reply(scenario, [], "Yes.", 2, [])
    assert vague.step_index == 2 and "a bit more" in vague.text


def test_history_that_already_holds_the_answer_is_the_same():
    scenario = get_scenario("hotel-check-in")
    base = [Turn("partner", scenario.steps[0].partner_line)]
    a = partner.reply(scenario, base, "Bananas are yellow.", 0, [])
    b = partner.reply(scenario, base + [Turn("learner", "Bananas are yellow.")], "Bananas are yellow.", 0, [])
    assert a == b


def test_deterministic_and_varied():
    scenario = get_scenario("job-interview")
    answers = [s.example_answers[0] for s in scenario.steps]
    assert walk(scenario.slug, answers) == walk(scenario.slug, answers)
    acks = set()
    for n in range(12):
        history = [Turn("partner", "x")] * n
        acks.add(partner.reply(scenario, history, answers[0], 0, []).text.split(" ")[0])
    assert len(acks) >= 3


def test_fast():
    scenario = get_scenario("debating-remote-work")
    off.similarity(scenario.steps[0], "warm up")
    start = time.perf_counter()
    for _ in range(50):
        partner.reply(scenario, [], "In my opinion working from home makes people happier and more productive.", 0, [])
    assert (time.perf_counter() - start) / 50 < 0.005


def test_written_feedback_is_specific():
    scenario = get_scenario("job-interview")
    summary = {"overall": 72, "pronunciation": 64, "grammar": 58, "vocabulary": 81, "fluency": 77,
               "flagged_words": ["strength", "weakness", "colleague"],
               "grammar_errors": [{"text": "am agree", "correction": "agree", "explanation": "Agree is a verb."}],
               "wpm": 84, "goal_reached": True}
    text, usage = partner.written_feedback(scenario, [], summary)
    assert usage is None
    assert "Good work" in text and "job interview" in text.lower()
    assert "vocabulary was your strongest" in text
    assert '"am agree"' in text and '"strength"' in text  # grammar (58) and pronunciation (64)
    assert "fluency" not in text.lower() or "words a minute" not in text
    low = partner.written_feedback(scenario, [], {"overall": 40, "fluency": 30, "wpm": 60, "goal_reached": False})[0]
    assert "60 words a minute" in low and "didn't reach" in low
    assert partner.written_feedback(scenario, [], {})[0].startswith("Thanks for practising")


def test_get_partner_is_offline_without_a_base_url():
    class S:
        ai_enabled = False

    assert get_partner(S()).engine_name == "offline"


def test_off_topic_sentences_rarely_pass_any_step():
    sentences = ["Bananas are yellow.", "My cat is black and white.", "I want to eat pizza tonight.",
                 "Yesterday I watched a movie with my brother.", "I don't like mathematics.",
                 "The blue car is very fast.", "My grandmother grows vegetables."]
    pairs = [(step, s) for sc in all_scenarios() for step in sc.steps for s in sentences]
    passed = sum(off.keyword_score(step, s) >= off.KEYWORD_PASS or off.similarity(step, s) >= off.SIMILARITY_PASS
                 for step, s in pairs)
    assert passed / len(pairs) < 0.03


def test_no_extra_acknowledgement_before_a_line_that_already_reacts():
    scenario = get_scenario("hotel-check-in")  # step 4 opens with "Thank you. You're in room 305."
    reply = partner.reply(scenario, [], "Sure, here's my passport.", 2, [])
    assert reply.text == scenario.steps[3].partner_line


def test_recasts_from_the_real_grammar_analyser():
    pytest.importorskip("harper")
    pytest.importorskip("spacy")
    from aesp_app.integrations.language import analyze_text

    scenario = get_scenario("ielts-part1-hometown")
    text = "This is my town. There is many people in my hometown now."
    corrections = corrections_from_errors(analyze_text(text).grammar_errors)
    assert corrections and corrections[0].start >= 0
    reply = partner.reply(scenario, [], text, 3, corrections)
    assert reply.recast == "There are many people in my hometown now."
    assert '"There are"' in reply.text and '"There is"' in reply.text  # not the "is" inside "This"


def test_whole_words_only_without_offsets():
    scenario = get_scenario("hotel-check-in")
    reply = partner.reply(scenario, [], "This room is booked. There is two beds.", 0, [Correction("is", "are", "")])
    assert reply.recast == "This room are booked."  # first whole word "is", never the "is" in "This"
    located = partner.reply(scenario, [], "This room is booked. There is two beds.", 0,
                            [Correction("is", "are", "", start=27, end=29)])
    assert located.recast == "There are two beds."
