"""Why the practice room refuses something. Each value is a message key
(aesp_app/i18n/en.py and vi.py)."""

from __future__ import annotations

import enum


class PracticeError(str, enum.Enum):
    SESSION_NOT_FOUND = "practice.session_not_found"
    SESSION_FINISHED = "practice.session_finished"
    TOPIC_NOT_FOUND = "practice.topic_not_found"
    SCENARIO_NOT_FOUND = "practice.scenario_not_found"
    SESSION_TYPE_INVALID = "practice.session_type_invalid"
    MENTOR_INVALID = "practice.mentor_invalid"
    PEER_INVALID = "practice.peer_invalid"
    NOT_SESSION_MENTOR = "practice.not_session_mentor"
    LIMIT_REACHED = "practice.limit_reached"  # params: limit
    ADVANCED_REQUIRED = "practice.advanced_required"
    PARTNER_UNAVAILABLE = "practice.partner_unavailable"
    TOO_MANY_TURNS = "practice.too_many_turns"  # params: max
    TEXT_EMPTY = "practice.text_empty"
    TEXT_TOO_LONG = "practice.text_too_long"  # params: max
    FEEDBACK_EMPTY = "practice.feedback_empty"
    FEEDBACK_TOO_LONG = "practice.feedback_too_long"  # params: max
    DRILL_NOT_FOUND = "practice.drill_not_found"
    TURN_NOT_FOUND = "practice.turn_not_found"
    AUDIO_NOT_FOUND = "practice.audio_not_found"
    AUDIO_EMPTY = "practice.audio_empty"
    AUDIO_TOO_LARGE = "practice.audio_too_large"
    AUDIO_TOO_LONG = "practice.audio_too_long"
    AUDIO_NOT_AUDIO = "practice.audio_not_audio"
    AUDIO_SILENCE = "practice.audio_silence"


# The speech engine's AudioError codes (aesp_app/integrations/speech/audio.py) -> ours.
AUDIO_CODES: dict[str, PracticeError] = {
    "empty": PracticeError.AUDIO_EMPTY,
    "too_large": PracticeError.AUDIO_TOO_LARGE,
    "too_long": PracticeError.AUDIO_TOO_LONG,
    "not_audio": PracticeError.AUDIO_NOT_AUDIO,
    "silence": PracticeError.AUDIO_SILENCE,
}
