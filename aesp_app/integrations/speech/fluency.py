"""Fluency from timings: an energy-based speech/pause detector plus the recognizer's word times.

Whisper's word timestamps stretch words over short silences, so pauses come from the signal's
energy, and the words only say *where* (after which word) each pause fell.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

import numpy as np

FRAME_SECONDS = 0.010  # hop
WINDOW_SECONDS = 0.025
MIN_PAUSE_SECONDS = 0.30  # shorter gaps are ordinary joins between phrases
LONG_PAUSE_SECONDS = 1.0
# Absolute floor: quieter than this is silence however quiet the room is.
SILENCE_FLOOR_DBFS = -50.0
MIN_SPEECH_SECONDS = 0.20

FILLERS = ("um", "umm", "uh", "uhh", "er", "erm", "ah", "hmm", "mm")
FILLER_PHRASES = ("you know", "i mean")


@dataclasses.dataclass(frozen=True)
class Pause:
    start: float
    end: float
    after_word: int | None  # index into the transcript's words; None before the first word

    @property
    def duration(self) -> float:
        return self.end - self.start

    def to_json(self) -> dict:
        return {
            "start": round(self.start, 2),
            "end": round(self.end, 2),
            "duration": round(self.duration, 2),
            "after_word": self.after_word,
        }


@dataclasses.dataclass(frozen=True)
class FluencyReport:
    wpm: float
    speaking_seconds: float
    pauses: list[Pause]
    fillers: list[str]
    score: int

    @property
    def longest_pause(self) -> float:
        return max((p.duration for p in self.pauses), default=0.0)

    def to_json(self) -> dict:
        return {
            "wpm": round(self.wpm, 1),
            "score": self.score,
            "speaking_seconds": round(self.speaking_seconds, 2),
            "pauses": {
                "count": len(self.pauses),
                "longest": round(self.longest_pause, 2),
                "positions": [p.to_json() for p in self.pauses],
            },
            "fillers": {"count": len(self.fillers), "words": self.fillers},
        }


def frame_levels_db(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """RMS level of each 25 ms window every 10 ms, in dBFS."""
    hop = int(sample_rate * FRAME_SECONDS)
    win = int(sample_rate * WINDOW_SECONDS)
    if len(samples) < win:
        samples = np.pad(samples, (0, win - len(samples)))
    n = 1 + (len(samples) - win) // hop
    # Strided view: no copy of the signal per frame.
    frames = np.lib.stride_tricks.as_strided(
        samples, shape=(n, win), strides=(samples.strides[0] * hop, samples.strides[0]), writeable=False
    )
    rms = np.sqrt(np.mean(np.square(frames, dtype=np.float64), axis=1) + 1e-12)
    return 20.0 * np.log10(rms + 1e-9)


def speech_mask(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """True for 10 ms frames that carry speech.

    The threshold adapts to the recording: a fixed margin above the noise floor (10th percentile)
    but never below an absolute floor, and never more than 35 dB under the loudest frames, so
    that soft consonants count while room noise does not.
    """
    levels = frame_levels_db(samples, sample_rate)
    if len(levels) == 0:
        return np.zeros(0, dtype=bool)
    floor = float(np.percentile(levels, 10))
    peak = float(np.percentile(levels, 99))
    threshold = max(SILENCE_FLOOR_DBFS, floor + 10.0, peak - 35.0)
    mask = levels > threshold
    # Hangover: bridge gaps under 100 ms (stops inside words) and drop blips under 50 ms.
    mask = _close_gaps(mask, 10)
    mask = _drop_short_runs(mask, 5)
    return mask


def speech_seconds(samples: np.ndarray, sample_rate: int) -> float:
    return float(np.count_nonzero(speech_mask(samples, sample_rate))) * FRAME_SECONDS


def is_silent(samples: np.ndarray, sample_rate: int) -> bool:
    """No usable speech: the whole clip is quiet, or voiced for less than 0.2 s in total."""
    if len(samples) == 0:
        return True
    levels = frame_levels_db(samples, sample_rate)
    if float(np.max(levels)) < SILENCE_FLOOR_DBFS:
        return True
    return speech_seconds(samples, sample_rate) < MIN_SPEECH_SECONDS


def detect_pauses(samples: np.ndarray, sample_rate: int, min_pause: float = MIN_PAUSE_SECONDS) -> list[tuple[float, float]]:
    """Silent stretches of at least `min_pause` between the first and the last speech."""
    mask = speech_mask(samples, sample_rate)
    voiced = np.flatnonzero(mask)
    if len(voiced) == 0:
        return []
    pauses: list[tuple[float, float]] = []
    run_start: int | None = None
    for i in range(int(voiced[0]), int(voiced[-1]) + 1):
        if not mask[i]:
            if run_start is None:
                run_start = i
        elif run_start is not None:
            if (i - run_start) * FRAME_SECONDS >= min_pause:
                pauses.append((run_start * FRAME_SECONDS, i * FRAME_SECONDS))
            run_start = None
    return pauses


def find_fillers(words: Sequence[str]) -> list[str]:
    """Hesitation words. "like" counts only where it is set off by commas ("it was, like, big")."""
    found: list[str] = []
    cleaned = [re.sub(r"[^\w']", "", w.lower()) for w in words]
    for i, (raw, word) in enumerate(zip(words, cleaned)):
        if word in FILLERS:
            found.append(word)
        elif word == "like" and (raw.rstrip().endswith(",") or (i > 0 and words[i - 1].rstrip().endswith(","))):
            found.append("like")
    text = " ".join(cleaned)
    for phrase in FILLER_PHRASES:
        found.extend([phrase] * len(re.findall(rf"\b{phrase}\b", text)))
    return found


def analyze_fluency(
    samples: np.ndarray,
    sample_rate: int,
    word_times: Sequence[tuple[str, float, float]],
) -> FluencyReport:
    """`word_times`: (word, start, end) from the recognizer, in order."""
    raw_pauses = detect_pauses(samples, sample_rate)
    pauses = [Pause(s, e, _word_before(word_times, s)) for s, e in raw_pauses]
    words = [w for w, _, _ in word_times]
    fillers = find_fillers(words)
    counted = [w for w in words if re.sub(r"[^\w']", "", w.lower()) not in FILLERS]
    if word_times:
        span = max(0.0, word_times[-1][2] - word_times[0][1])
    else:
        span = 0.0
    # Speaking rate over the time the learner was actually talking (first to last word).
    wpm = (len(counted) / span * 60.0) if span > 0.5 else 0.0
    score = fluency_score(wpm, pauses, len(fillers), span, len(counted))
    return FluencyReport(wpm=wpm, speaking_seconds=span, pauses=pauses, fillers=fillers, score=score)


def fluency_score(wpm: float, pauses: Sequence[Pause], filler_count: int, span: float, n_words: int) -> int:
    """0-100. Rate in a comfortable band (100-170 wpm) scores full; pauses and fillers cost points.

    Penalties scale with the answer's length (per minute) so a long answer is not punished
    simply for being long.
    """
    if n_words == 0:
        return 0
    score = 100.0
    if wpm < 100:
        score -= min(45.0, (100 - wpm) * 0.6)
    elif wpm > 170:
        score -= min(30.0, (wpm - 170) * 0.5)
    minutes = max(span / 60.0, 0.25)
    long_pauses = sum(1 for p in pauses if p.duration >= LONG_PAUSE_SECONDS)
    short_pauses = len(pauses) - long_pauses
    score -= min(30.0, 10.0 * long_pauses / minutes / 4)  # ~10 points per long pause in 15 s
    score -= min(15.0, 2.0 * short_pauses / minutes / 4)
    score -= min(20.0, 5.0 * filler_count / minutes / 4)
    return int(round(max(0.0, min(100.0, score))))


def _word_before(word_times: Sequence[tuple[str, float, float]], t: float) -> int | None:
    idx = None
    for i, (_, start, _end) in enumerate(word_times):
        if start <= t:
            idx = i
        else:
            break
    return idx


def _close_gaps(mask: np.ndarray, max_gap: int) -> np.ndarray:
    out = mask.copy()
    voiced = np.flatnonzero(mask)
    for a, b in zip(voiced[:-1], voiced[1:]):
        if 1 < b - a <= max_gap:
            out[a:b] = True
    return out


def _drop_short_runs(mask: np.ndarray, min_len: int) -> np.ndarray:
    out = mask.copy()
    n = len(mask)
    i = 0
    while i < n:
        if mask[i]:
            j = i
            while j < n and mask[j]:
                j += 1
            if j - i < min_len:
                out[i:j] = False
            i = j
        else:
            i += 1
    return out
