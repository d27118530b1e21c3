"""Speech fixtures are spoken by the piper voice at test time (no audio files in the repo)."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from aesp_app.integrations.speech.audio import SAMPLE_RATE, resample, wav_bytes


@pytest.fixture(scope="session")
def engine():
    from aesp_app.integrations.speech import get_speech_engine

    eng = get_speech_engine()
    eng.warm_up(tts=True)
    return eng


@pytest.fixture(scope="session")
def speak(engine):
    """speak(text, length_scale=1.0) -> 16 kHz float32 samples of the TTS voice saying text."""

    @functools.lru_cache(maxsize=None)
    def _speak(text: str, length_scale: float = 1.0) -> np.ndarray:
        samples, rate = engine.tts.synthesize_samples(text, length_scale, deterministic=True)
        return resample(samples, rate, SAMPLE_RATE)

    return _speak


@pytest.fixture(scope="session")
def speak_wav(speak):
    """speak_wav(text) -> WAV bytes (16 kHz), as an upload would arrive."""

    def _speak_wav(text: str, length_scale: float = 1.0) -> bytes:
        return wav_bytes(speak(text, length_scale), SAMPLE_RATE)

    return _speak_wav
