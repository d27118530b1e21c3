"""The speech engine behind one small interface.

`OfflineSpeechEngine` runs everything in-process from models shipped in Python packages. Each
model loads on first use and is shared by every caller in the process.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from typing import Protocol

from .alignment import PocketsphinxScorer
from .asr import Transcript, WhisperRecognizer
from .audio import SILENCE, AudioError, DecodedAudio, audio_error, decode_audio
from .fluency import FluencyReport, analyze_fluency, is_silent
from .lexicon import tokenize
from .pronunciation import WordScore, align_words, asr_hints, make_same, overall_score, score_words
from .tts import PiperSynthesizer

MAX_TARGET_WORDS = 300


class TargetTextError(ValueError):
    """The target sentence cannot be scored (empty, or no words)."""


@dataclasses.dataclass(frozen=True)
class ReadingScore:
    target: str
    transcript: str
    pronunciation_score: int
    words: list[WordScore]
    fluency: FluencyReport
    duration: float
    timings: dict[str, float] = dataclasses.field(default_factory=dict, compare=False)

    @property
    def flagged(self) -> list[WordScore]:
        return [w for w in self.words if w.error]

    def to_json(self) -> dict:
        return {
            "target": self.target,
            "transcript": self.transcript,
            "pronunciation_score": self.pronunciation_score,
            "fluency_score": self.fluency.score,
            "words": [w.to_json() for w in self.words],
            "fluency": self.fluency.to_json(),
            "duration": round(self.duration, 2),
        }


class SpeechEngine(Protocol):
    def transcribe(self, audio_bytes: bytes) -> Transcript: ...

    def score_reading(self, audio_bytes: bytes, target_text: str) -> ReadingScore: ...

    def synthesize(self, text: str) -> bytes: ...


class OfflineSpeechEngine:
    name = "offline"

    def __init__(self) -> None:
        self.asr = WhisperRecognizer()
        self.scorer = PocketsphinxScorer()
        self.tts = PiperSynthesizer()

    def warm_up(self, tts: bool = False) -> None:
        """Load the models now rather than on the first learner's request."""
        self.asr.load()
        self.scorer.load()
        if tts:
            self.tts.load()

    # Audio in -----------------------------------------------------------------------------
    def decode(self, audio_bytes: bytes) -> DecodedAudio:
        """Validate and decode; raises AudioError, including "we could not hear you"."""
        audio = decode_audio(audio_bytes)
        if is_silent(audio.samples, audio.sample_rate):
            raise audio_error(SILENCE)
        return audio

    def transcribe(self, audio_bytes: bytes) -> Transcript:
        return self.transcribe_audio(self.decode(audio_bytes))

    def transcribe_audio(self, audio: DecodedAudio) -> Transcript:
        transcript = self.asr.transcribe(audio.samples)
        if not transcript.words:
            raise audio_error(SILENCE)
        return transcript

    def score_reading(self, audio_bytes: bytes, target_text: str) -> ReadingScore:
        t0 = time.perf_counter()
        audio = self.decode(audio_bytes)
        decode_s = time.perf_counter() - t0
        result = self.score_audio(audio, target_text)
        result.timings["decode"] = decode_s
        return result

    def score_audio(self, audio: DecodedAudio, target_text: str) -> ReadingScore:
        target_words = tokenize(target_text)
        if not target_words:
            raise TargetTextError("The target sentence has no words to read.")
        if len(target_words) > MAX_TARGET_WORDS:
            raise TargetTextError(f"The target text is longer than {MAX_TARGET_WORDS} words.")
        timings: dict[str, float] = {}
        t = time.perf_counter()
        transcript = self.transcribe_audio(audio)
        timings["asr"] = time.perf_counter() - t

        t = time.perf_counter()
        self.scorer.load()
        lexicon = self.scorer.lexicon
        assert lexicon is not None
        heard: list[str] = []
        heard_times: list[tuple[float, float]] = []
        for w in transcript.words:
            for token in tokenize(w.text):  # "well-known" is two words, as in the target
                heard.append(token)
                heard_times.append((w.start, w.end))
        ops = align_words(target_words, heard, make_same(lexicon))
        extra, skips = asr_hints(ops, heard)
        acoustic = self.scorer.score(audio.pcm16(), target_words, extra, skips)
        timings["alignment"] = time.perf_counter() - t

        t = time.perf_counter()
        words = score_words(target_words, heard, heard_times, ops, acoustic, lexicon)
        fluency = analyze_fluency(
            audio.samples, audio.sample_rate, [(w.text, w.start, w.end) for w in transcript.words]
        )
        timings["scoring"] = time.perf_counter() - t
        return ReadingScore(
            target=target_text,
            transcript=transcript.text,
            pronunciation_score=overall_score(words, lexicon),
            words=words,
            fluency=fluency,
            duration=audio.duration,
            timings=timings,
        )

    # Audio out ----------------------------------------------------------------------------
    def synthesize(self, text: str) -> bytes:
        return self.tts.synthesize(text)


_engine: OfflineSpeechEngine | None = None
_engine_lock = threading.Lock()


def get_speech_engine() -> OfflineSpeechEngine:
    """The process-wide engine; models inside it load lazily on first use."""
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                _engine = OfflineSpeechEngine()
    return _engine


__all__ = [
    "AudioError",
    "OfflineSpeechEngine",
    "ReadingScore",
    "SpeechEngine",
    "TargetTextError",
    "get_speech_engine",
]
