"""Pauses, speaking rate and fillers."""

from __future__ import annotations

import numpy as np
import pytest

from aesp_app.integrations.speech.fluency import analyze_fluency, detect_pauses, find_fillers, fluency_score

RATE = 16000


def test_fillers_found():
    words = ["So,", "um,", "I", "was,", "like,", "you", "know,", "uh", "tired", "and", "I", "like", "tea."]
    found = find_fillers(words)
    assert found.count("um") == 1 and found.count("uh") == 1
    assert "you know" in found
    assert found.count("like") == 1  # "I like tea" is a verb, not a filler


def test_score_drops_with_long_pauses_and_fillers():
    from aesp_app.integrations.speech.fluency import Pause

    clean = fluency_score(140, [], 0, 10.0, 23)
    paused = fluency_score(140, [Pause(2.0, 3.5, 3), Pause(5.0, 6.2, 8)], 3, 10.0, 23)
    slow = fluency_score(50, [], 0, 10.0, 8)
    assert clean == 100
    assert paused < clean - 20
    assert slow < clean - 20


@pytest.mark.slow
def test_known_pauses_are_found(speak, engine):
    """Three TTS phrases joined by 0.8 s and 1.5 s of silence."""
    parts = [speak("I like to read books"), speak("in the evening"), speak("after dinner with my family")]
    gaps = [0.8, 1.5]
    pieces = [parts[0]]
    for gap, part in zip(gaps, parts[1:]):
        pieces += [np.zeros(int(gap * RATE), dtype=np.float32), part]
    clip = np.concatenate(pieces)

    pauses = detect_pauses(clip, RATE)
    long_ones = [p for p in pauses if p[1] - p[0] >= 0.6]
    assert len(long_ones) == 2, pauses
    for (start, end), gap in zip(long_ones, gaps):
        assert end - start == pytest.approx(gap, abs=0.2)
    assert long_ones[0][0] == pytest.approx(len(parts[0]) / RATE, abs=0.2)

    transcript = engine.asr.transcribe(clip)
    report = analyze_fluency(clip, RATE, [(w.text, w.start, w.end) for w in transcript.words])
    big = [p for p in report.pauses if p.duration >= 0.6]
    assert len(big) == 2
    assert report.longest_pause == pytest.approx(1.5, abs=0.2)
    # The pauses fall after "books" and after "evening".
    words = [w.text.strip(".,").lower() for w in transcript.words]
    assert words[big[0].after_word] == "books"
    assert words[big[1].after_word] == "evening"
    assert 60 < report.wpm < 300
    data = report.to_json()
    assert data["pauses"]["count"] == len(report.pauses)
