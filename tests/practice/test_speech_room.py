"""The practice room with the real engines: speech spoken by the engine's own voice, the offline
partner and the real grammar and vocabulary analyser. Loads models: marked slow; one engine is
shared by the whole run."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sqlmodel import select

from aesp_app.integrations.speech.audio import SAMPLE_RATE, resample, wav_bytes
from aesp_app.integrations.speech.lexicon import tokenize
from aesp_app.models.practice import LearnerProgress, PracticeSession
from aesp_app.services import practice
from aesp_app.services.errors import ServiceError
from aesp_app.services.practice import PracticeError

from .conftest import DRILLS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def speech():
    from aesp_app.integrations.speech import get_speech_engine

    eng = get_speech_engine()
    eng.warm_up(tts=True)
    return eng


@pytest.fixture(scope="session")
def say(speech):
    """say(text) -> WAV bytes of the engine's voice reading text (noise off: repeatable)."""
    cache: dict[str, bytes] = {}

    def _say(text: str) -> bytes:
        if text not in cache:
            samples, rate = speech.tts.synthesize_samples(text, deterministic=True)
            cache[text] = wav_bytes(resample(samples, rate, SAMPLE_RATE), SAMPLE_RATE)
        return cache[text]

    return _say


def test_spoken_and_typed_answers_with_the_offline_partner(real_world, offline_partner, speech, say):
    s = real_world.session
    uid = real_world.learner.id
    started = practice.start_session(s, user_id=uid, topic_id=real_world.topic.id, partner=offline_partner)
    spoken = practice.learner_audio_turn(
        s, user_id=uid, session_id=started.session_id, audio=say("Hello, nice to meet you. My name is John."),
        filename="answer.wav", content_type="audio/wav", partner=offline_partner, speech=speech,
    )
    s.commit()
    assert "my name is john" in spoken.learner_text.lower()
    assert spoken.step_index == 1 and spoken.partner_text
    voice = spoken.feedback["speech"]
    assert voice["pronunciation_score"] >= 60 and 0 <= voice["fluency_score"] <= 100
    assert voice["fluency"]["wpm"] > 60 and not [w for w in voice["words"] if w["error"]]

    typed = practice.learner_text_turn(s, user_id=uid, session_id=started.session_id,
                                       text="I am agree, I am the new designer in the design team.", partner=offline_partner)
    assert [(e["text"], e["correction"]) for e in typed.feedback["grammar_errors"]] == [("am agree", "agree")]
    assert "I agree" in typed.recast or "agree" in typed.partner_text
    s.commit()

    # The partner's line in voice, and the learner's answer replayed.
    assert practice.partner_voice(s, user_id=uid, session_id=started.session_id, turn_index=0, speech=speech)[:4] == b"RIFF"
    answer, ctype, _ = practice.turn_audio(s, user_id=uid, session_id=started.session_id, turn_index=spoken.turn_index)
    assert ctype == "audio/wav" and "john" in speech.transcribe(answer).text.lower()

    report = practice.end_session(s, user_id=uid, session_id=started.session_id, partner=offline_partner)
    s.commit()
    sc = report.scores
    assert all(sc[k] is not None and 0 <= sc[k] <= 100 for k in ("pronunciation", "grammar", "vocabulary", "fluency", "overall"))
    assert report.grammar_errors[0]["correction"] == "agree" and report.grammar_errors[0]["explanation"]
    assert report.vocabulary["level"] in {"A1", "A2", "B1", "B2", "C1", "C2"}
    assert abs(sum(report.vocabulary["cefr"].values()) - 1) < 0.01
    assert report.fluency["wpm"] > 60 and report.written_feedback
    progress = s.exec(select(LearnerProgress).where(LearnerProgress.user_id == uid)).one()
    assert progress.total_sessions == 1 and progress.xp_points == report.xp_awarded > 0
    assert progress.pronunciation_score == sc["pronunciation"] and progress.current_streak == 1


def test_silence_oversize_and_not_audio_are_refused(real_world, offline_partner, speech):
    s = real_world.session
    uid = real_world.learner.id
    sid = practice.start_session(s, user_id=uid, topic_id=real_world.topic.id, partner=offline_partner).session_id

    def code(audio: bytes) -> PracticeError:
        with pytest.raises(ServiceError) as info:
            practice.learner_audio_turn(s, user_id=uid, session_id=sid, audio=audio, partner=offline_partner, speech=speech)
        return info.value.code

    assert code(wav_bytes(np.zeros(2 * SAMPLE_RATE, dtype=np.float32), SAMPLE_RATE)) == PracticeError.AUDIO_SILENCE
    assert code(wav_bytes(np.zeros(61 * SAMPLE_RATE, dtype=np.float32), SAMPLE_RATE)) == PracticeError.AUDIO_TOO_LONG
    assert code(b"RIFF" + b"\0" * (5 * 1024 * 1024)) == PracticeError.AUDIO_TOO_LARGE
    assert code("Xin chào, đây không phải âm thanh.".encode() * 20) == PracticeError.AUDIO_NOT_AUDIO
    row = s.get(PracticeSession, sid)
    assert len(json.loads(row.transcript)) == 1 and row.audio_recording is None


def test_drill_flags_a_swapped_word(world, offline_partner, speech, say):
    """The test catalogue's drill sentence, read with one word swapped: that word is flagged with
    what was expected and what was heard; the correct reading flags nothing."""
    s = world.session
    uid = world.learner.id
    sid = practice.start_session(s, user_id=uid, topic_id=world.topic.id, partner=offline_partner).session_id
    bad = practice.drill_attempt(s, user_id=uid, session_id=sid, sentence_index=0,
                                 audio=say(DRILLS[0].replace("coffee", "tea")), speech=speech)
    assert [w["word"] for w in bad.flagged] == ["coffee"]
    assert bad.flagged[0]["heard"] == "tea" and bad.flagged[0]["expected"].startswith("/")
    assert [w["word"] for w in bad.words] == tokenize(DRILLS[0])  # word by word, in order
    good = practice.drill_attempt(s, user_id=uid, session_id=sid, sentence_index=0, audio=say(DRILLS[0]), speech=speech)
    assert good.flagged == [] and good.pronunciation_score > bad.pronunciation_score and good.attempts == 2
    s.commit()
    report = practice.end_session(s, user_id=uid, session_id=sid, partner=offline_partner)
    assert report.flagged_words == [] and report.scores["pronunciation"] == good.pronunciation_score
    # The second sentence read wrong stays in the report as expected vs heard.
    sid2 = practice.start_session(s, user_id=uid, topic_id=world.topic.id, partner=offline_partner).session_id
    practice.drill_attempt(s, user_id=uid, session_id=sid2, sentence_index=1,
                           audio=say(DRILLS[1].replace("house", "mouse")), speech=speech)
    report2 = practice.end_session(s, user_id=uid, session_id=sid2, partner=offline_partner)
    s.commit()
    assert [(w["word"], w["heard"]) for w in report2.flagged_words] == [("house", "mouse")]
    assert json.loads(s.get(PracticeSession, sid2).pronunciation_errors)[0]["sentence"] == DRILLS[1]
