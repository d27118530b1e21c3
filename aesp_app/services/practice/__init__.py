"""The speaking practice room (service layer): topics, sessions, turns, drills, reports.
Rules as implemented: docs/practice.md."""

from __future__ import annotations

from aesp_app.services.practice.errors import PracticeError
from aesp_app.services.practice.sessions import (
    DrillResult,
    SessionReport,
    SessionSummary,
    StartResult,
    TurnResult,
    add_mentor_feedback,
    drill_attempt,
    drill_audio,
    end_session,
    get_report,
    learner_audio_turn,
    learner_text_turn,
    list_sessions,
    monthly_allowance,
    partner_voice,
    session_audio,
    sessions_this_month,
    start_session,
    turn_audio,
)
from aesp_app.services.practice.topics import TopicView, daily_challenge, list_topics

__all__ = [
    "DrillResult",
    "PracticeError",
    "SessionReport",
    "SessionSummary",
    "StartResult",
    "TopicView",
    "TurnResult",
    "add_mentor_feedback",
    "daily_challenge",
    "drill_attempt",
    "drill_audio",
    "end_session",
    "get_report",
    "learner_audio_turn",
    "learner_text_turn",
    "list_sessions",
    "list_topics",
    "monthly_allowance",
    "partner_voice",
    "session_audio",
    "sessions_this_month",
    "start_session",
    "turn_audio",
]
