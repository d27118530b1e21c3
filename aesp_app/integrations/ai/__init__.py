"""The conversation partner and written feedback, behind one small interface.

`get_partner(settings)` returns the offline scenario engine, or — with AI_BASE_URL, AI_API_KEY
and AI_MODEL set — a partner that asks an OpenAI-compatible chat API and falls back to the
offline engine when the API fails. Scores never come from here: they come from the offline
speech and language analysers, so results stay comparable whichever partner answered.
"""

from __future__ import annotations

import dataclasses
from typing import Protocol


@dataclasses.dataclass(frozen=True)
class Scenario:
    """A role-play: who the partner is, what the learner should achieve, the steps."""

    slug: str
    title: str
    title_vi: str
    category: str  # work | travel | daily | social | academic
    level: str  # beginner | intermediate | advanced
    partner_persona: str
    learner_goal: str
    learner_goal_vi: str
    useful_phrases: tuple[str, ...]
    drill_sentences: tuple[str, ...]
    steps: tuple[ScenarioStep, ...]


@dataclasses.dataclass(frozen=True)
class ScenarioStep:
    partner_line: str  # what the partner says to open this step
    expects: str  # what the learner should do, in a few words (shown as a hint)
    keywords: tuple[str, ...]  # words that show the learner did it
    example_answers: tuple[str, ...]  # model answers, for similarity and hints
    follow_up: str  # asked when the answer missed the point


@dataclasses.dataclass(frozen=True)
class Turn:
    role: str  # "partner" | "learner"
    text: str


@dataclasses.dataclass(frozen=True)
class Correction:
    """A learner mistake the partner may recast (from the grammar analyser)."""

    original: str
    corrected: str
    explanation: str
    # Where `original` is in the learner's text (character offsets), when known; -1 otherwise.
    start: int = -1
    end: int = -1


@dataclasses.dataclass(frozen=True)
class Usage:
    model: str
    prompt_tokens: int
    completion_tokens: int
    status: str  # success | error | fallback
    latency_ms: int
    error: str = ""


@dataclasses.dataclass(frozen=True)
class PartnerReply:
    text: str
    engine: str  # "offline" or the model name
    step_index: int  # the scenario step the conversation is on after this reply
    finished: bool  # the scenario's goal is reached
    recast: str = ""  # the learner's sentence said correctly, when the partner recast it
    usage: Usage | None = None  # present when a model API was called (logged in ai_usage_logs)


class ConversationPartner(Protocol):
    engine_name: str

    def opening(self, scenario: Scenario) -> PartnerReply: ...

    def reply(
        self, scenario: Scenario, history: list[Turn], learner_text: str, step_index: int, corrections: list[Correction]
    ) -> PartnerReply: ...

    def written_feedback(self, scenario: Scenario, history: list[Turn], summary: dict) -> tuple[str, Usage | None]:
        """A short paragraph for the report, in English, encouraging and specific."""
        ...


OFFLINE_ENGINE = "offline"


def corrections_from_errors(errors) -> list[Correction]:
    """Corrections from the grammar analyser's errors (GrammarError objects or their JSON): the
    wrong words, the first suggestion and the explanation. Errors without a suggestion are left
    out: there is nothing to recast."""
    out: list[Correction] = []
    for error in errors or ():
        if isinstance(error, dict):
            original = error.get("text") or ""
            corrected = error.get("correction") or (error.get("suggestions") or [None])[0]
            explanation = error.get("explanation") or error.get("message") or ""
            start, end = error.get("start", -1), error.get("end", -1)
        else:
            original = getattr(error, "text", "") or ""
            corrected = getattr(error, "correction", None)
            explanation = getattr(error, "explanation", "") or getattr(error, "message", "") or ""
            start, end = getattr(error, "start", -1), getattr(error, "end", -1)
        if original and corrected and original.strip().lower() != str(corrected).strip().lower():
            out.append(Correction(original=original, corrected=str(corrected), explanation=explanation,
                                  start=int(start if start is not None else -1), end=int(end if end is not None else -1)))
    return out


def get_partner(settings=None) -> ConversationPartner:
    """The offline scenario engine, or the OpenAI-compatible partner when AI_BASE_URL (with
    AI_MODEL) is set; the latter falls back to the offline engine when a call fails."""
    from .offline import OfflinePartner

    if settings is None:
        from aesp_app.settings import get_settings

        settings = get_settings()
    offline = OfflinePartner()
    if getattr(settings, "ai_enabled", False):
        from .openai_compat import OpenAICompatiblePartner

        return OpenAICompatiblePartner(settings, fallback=offline)
    return offline
