"""Practice fixtures: users, topics, a fixed scenario catalogue, a controllable clock, and test
doubles for the conversation partner, the text analyser and the speech engine (the fast tests).
The slow tests use the real speech engine and analyser (one engine for the whole run)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import wave
from typing import Any

import numpy as np
import pytest
from sqlmodel import Session

from aesp_app.integrations.ai import PartnerReply, Scenario, ScenarioStep, Turn, Usage
from aesp_app.integrations.language.grammar import GrammarError
from aesp_app.integrations.language.feedback import TextFeedback, grammar_score
from aesp_app.integrations.language.vocabulary import Suggestion, VocabularyReport, WordLevel
from aesp_app.integrations.speech.audio import SAMPLE_RATE, audio_error, decode_audio
from aesp_app.integrations.speech.engine import ReadingScore
from aesp_app.integrations.speech.fluency import FluencyReport
from aesp_app.integrations.speech.pronunciation import WordScore
from aesp_app.models.accounts import Role, User
from aesp_app.models.learning import Topic
from aesp_app.services.practice import sessions as practice_sessions
from aesp_app.services.practice import topics as practice_topics

DRILLS = (
    "I think we should drink coffee in the morning.",
    "She lives in a small house near the river.",
)

SCENARIO = Scenario(
    slug="test-first-day",
    title="Introducing yourself on your first day",
    title_vi="Giới thiệu bản thân trong ngày đầu đi làm",
    category="work",
    level="beginner",
    partner_persona="Linh, a colleague",
    learner_goal="Say your name and role.",
    learner_goal_vi="Nói tên và vị trí của bạn.",
    useful_phrases=("Nice to meet you.",),
    drill_sentences=DRILLS,
    steps=(
        ScenarioStep("Hi! I'm Linh. What's your name?", "say your name", ("name",), ("My name is Minh.",), "Sorry, your name?"),
        ScenarioStep("Which team are you joining?", "say your team", ("team",), ("I'm joining the design team.",), "Which team?"),
    ),
)


class FakeCatalogue:
    """Stands in for aesp_app.integrations.ai.scenarios: every topic plays SCENARIO."""

    @staticmethod
    def scenario_for_topic(title: str, category: str, difficulty: str) -> Scenario:
        return SCENARIO

    @staticmethod
    def get_scenario(slug: str) -> Scenario | None:
        return SCENARIO if slug == SCENARIO.slug else None


class PartnerDouble:
    """Test double of the ConversationPartner protocol: opens with the first step, moves one step
    per answer, recasts with the first correction, reports usage when asked to."""

    engine_name = "test-double"

    def __init__(self, *, usage: bool = False) -> None:
        self.usage = usage
        self.calls: list[tuple[str, Any]] = []

    def _usage(self) -> Usage | None:
        return Usage(model="test-model", prompt_tokens=120, completion_tokens=30, status="success", latency_ms=5) if self.usage else None

    def opening(self, scenario: Scenario) -> PartnerReply:
        self.calls.append(("opening", scenario.slug))
        return PartnerReply(text=scenario.steps[0].partner_line, engine=self.engine_name, step_index=0, finished=False,
                            usage=self._usage())

    def reply(self, scenario, history: list[Turn], learner_text: str, step_index: int, corrections) -> PartnerReply:
        self.calls.append(("reply", (learner_text, step_index, list(corrections), len(history))))
        nxt = step_index + 1
        finished = nxt >= len(scenario.steps)
        text = "Well done!" if finished else scenario.steps[nxt].partner_line
        recast = ""
        if corrections:
            c = corrections[0]
            recast = learner_text.replace(c.original, c.corrected)
        return PartnerReply(text=text, engine=self.engine_name, step_index=nxt, finished=finished, recast=recast,
                            usage=self._usage())

    def written_feedback(self, scenario, history, summary: dict):
        self.calls.append(("feedback", summary))
        return f"Good work. Overall {summary['scores']['overall']}.", self._usage()


_B2 = {"negotiate", "colleague", "department", "experience", "designer"}
_STRONGER = {"good": ["excellent", "impressive"], "big": ["huge", "enormous"]}


def fake_analyze_text(text: str) -> TextFeedback:
    """Test double of analyze_text: "am agree" is an error; words of 4+ letters are content words,
    B2 when listed, else A1; "good" and "big" get stronger alternatives."""
    errors = []
    for m in re.finditer(r"\bam agree\b", text):
        errors.append(GrammarError(m.start(), m.end(), m.group(0), "“agree” is a verb.", ["agree"],
                                   "Say “I agree”, not “am agree”.", "be-plus-verb", "rules"))
    tokens = list(re.finditer(r"[A-Za-z]+", text))
    words = [WordLevel(t.group(0), t.group(0).lower(), "NOUN", "B2" if t.group(0).lower() in _B2 else "A1", "cefrpy")
             for t in tokens if len(t.group(0)) >= 4]
    suggestions = [Suggestion(t.start(), t.end(), t.group(0), _STRONGER[t.group(0).lower()], "A1")
                   for t in tokens if t.group(0).lower() in _STRONGER]
    levels = ("A1", "A2", "B1", "B2", "C1", "C2")
    cefr = {lvl: (sum(w.level == lvl for w in words) / len(words) if words else 0.0) for lvl in levels}
    b1 = sum(v for k, v in cefr.items() if k >= "B1")
    vocab = VocabularyReport(words=words, cefr=cefr, level="B2" if b1 >= 0.2 else "A1",
                             score=int(45 + 110 * b1) if words else 0, unique_ratio=1.0, suggestions=suggestions)
    return TextFeedback(text=text, word_count=len(tokens), grammar_score=grammar_score(len(errors), len(tokens)),
                        grammar_errors=errors, vocabulary=vocab)


def tone_wav(seconds: float = 1.0, *, amplitude: float = 0.3, rate: int = SAMPLE_RATE) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    samples = (amplitude * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    return wav_of(samples, rate)


def wav_of(samples: np.ndarray, rate: int = SAMPLE_RATE) -> bytes:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return buf.getvalue()


@dataclasses.dataclass(frozen=True)
class _Heard:
    text: str


class SpeechDouble:
    """Test double of the speech engine: validates like the engine (real decoder), answers with
    the text registered for the recording, scores each word 90 except the words in `wrong`."""

    def __init__(self) -> None:
        self.said: dict[bytes, str] = {}
        self.wrong: dict[str, str] = {}

    def say(self, text: str, seconds: float = 1.5) -> bytes:
        data = tone_wav(seconds + len(self.said) * 0.01)  # distinct bytes per utterance
        self.said[data] = text
        return data

    def _decode(self, data: bytes) -> str:
        audio = decode_audio(data)
        if float(np.max(np.abs(audio.samples), initial=0.0)) < 1e-3:
            raise audio_error("silence")
        if data not in self.said:
            raise audio_error("silence")
        return self.said[data]

    def transcribe(self, data: bytes) -> _Heard:
        return _Heard(self._decode(data))

    def score_reading(self, data: bytes, target: str) -> ReadingScore:
        heard_text = self._decode(data)
        heard = re.findall(r"[A-Za-z']+", heard_text.lower())
        words = []
        for i, word in enumerate(re.findall(r"[A-Za-z']+", target)):
            got = heard[i] if i < len(heard) else None
            bad = got != word.lower()
            words.append(WordScore(word=word, score=15 if bad else 90, error=bad, issue="replaced" if bad else None,
                                   expected=f"/{word.lower()}/", heard=got if bad else None,
                                   heard_ipa=f"/{got}/" if bad and got else None, start=None, end=None, phones=[]))
        score = int(round(sum(w.score for w in words) / max(1, len(words))))
        fluency = FluencyReport(wpm=120.0, speaking_seconds=1.5, pauses=[], fillers=["um"], score=80)
        return ReadingScore(target=target, transcript=heard_text, pronunciation_score=score, words=words,
                            fluency=fluency, duration=1.5)

    def synthesize(self, text: str) -> bytes:
        return tone_wav(0.5)


class Clock:
    """Moves the practice services' "now"."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, moment: dt.datetime) -> None:
        self.now = moment

    def advance(self, **delta: float) -> None:
        self.now = self.now + dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(practice_sessions, "_now", c)
    monkeypatch.setattr(practice_topics, "utcnow", c)
    return c


@pytest.fixture
def catalogue(monkeypatch):
    monkeypatch.setattr(practice_topics, "_scenarios", lambda: FakeCatalogue)
    return FakeCatalogue


@pytest.fixture
def fake_text(monkeypatch):
    monkeypatch.setattr(practice_sessions, "analyze_text", fake_analyze_text)


@pytest.fixture
def partner() -> PartnerDouble:
    return PartnerDouble()


@pytest.fixture
def speech_double() -> SpeechDouble:
    return SpeechDouble()


def make_user(session: Session, username: str, *, role: str = Role.LEARNER.value, timezone: str = "Asia/Ho_Chi_Minh") -> User:
    user = User(username=username, email=f"{username}@example.com", password_hash="x", role=role, timezone=timezone)
    session.add(user)
    session.flush()
    return user


def make_topic(session: Session, title: str = "Introducing Yourself at Work", *, difficulty: str = "beginner",
               category: str = "work", xp: int = 100, daily: bool = False) -> Topic:
    topic = Topic(title=title, category=category, difficulty=difficulty, xp_reward=xp, is_daily_challenge=daily,
                  difficulty_level={"beginner": 1, "intermediate": 2, "advanced": 3}[difficulty])
    session.add(topic)
    session.flush()
    return topic


@dataclasses.dataclass
class World:
    session: Session
    learner: User
    other: User
    mentor: User
    admin: User
    topic: Topic


def _world(session) -> World:
    w = World(
        session=session,
        learner=make_user(session, "learner1"),
        other=make_user(session, "learner2"),
        mentor=make_user(session, "mentor1", role=Role.MENTOR.value),
        admin=make_user(session, "admin1", role=Role.ADMIN.value),
        topic=make_topic(session),
    )
    session.commit()
    return w


@pytest.fixture
def world(session, clock, catalogue, fake_text) -> World:
    """Users and a topic; the scenario catalogue and the text analyser are test doubles."""
    return _world(session)


@pytest.fixture
def real_world(session, clock) -> World:
    """Users and the demo topic "Introducing Yourself at Work"; the real scenario catalogue and
    text analyser."""
    return _world(session)


@pytest.fixture
def offline_partner():
    from aesp_app.integrations.ai import get_partner
    from aesp_app.settings import get_settings

    settings = get_settings()
    assert not settings.ai_enabled
    return get_partner(settings)
