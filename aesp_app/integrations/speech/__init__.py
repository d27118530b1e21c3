"""Offline speech: decoding, recognition, pronunciation and fluency scoring, text to speech.

Importing this package is cheap; models load on first use (see `get_speech_engine`).
"""

from __future__ import annotations

from .audio import MAX_BYTES, MAX_SECONDS, AudioError
from .engine import OfflineSpeechEngine, ReadingScore, SpeechEngine, TargetTextError, get_speech_engine

__all__ = [
    "MAX_BYTES",
    "MAX_SECONDS",
    "AudioError",
    "OfflineSpeechEngine",
    "ReadingScore",
    "SpeechEngine",
    "TargetTextError",
    "get_speech_engine",
]
