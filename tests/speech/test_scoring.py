"""Reading scores on TTS readings: correct readings are clean, a swapped word is flagged."""

from __future__ import annotations

import json

import pytest

from aesp_app.integrations.speech.lexicon import tokenize

pytestmark = pytest.mark.slow

CASES = [
    # (target, spoken, index of the swapped word or None)
    ("I think we should drink coffee in the morning.", "I think we should drink coffee in the morning.", None),
    ("I think we should drink coffee in the morning.", "I sink we should drink coffee in the morning.", 1),
    ("I think we should drink coffee in the morning.", "I think we should drink tea in the morning.", 5),
    ("She lives in a small house near the river.", "She lives in a small house near the river.", None),
    ("She lives in a small house near the river.", "She lives in a small mouse near the river.", 5),
    ("We saw a big ship near the island.", "We saw a big sheep near the island.", 4),
    ("The weather is very nice today and I want to go outside.", "The weather is very nice today and I want to go outside.", None),
    ("The weather is very nice today and I want to go outside.", "The weather is very nice today and I want to go inside.", 11),
]


@pytest.mark.parametrize(("target", "spoken", "swapped"), CASES, ids=[c[1][:30] for c in CASES])
def test_swapped_word_flagged_and_correct_words_not(engine, speak_wav, target, spoken, swapped):
    result = engine.score_reading(speak_wav(spoken), target)
    words = result.words
    assert [w.word for w in words] == tokenize(target)  # follows the target, in order
    flagged = [i for i, w in enumerate(words) if w.error]
    if swapped is None:
        assert flagged == [], [(w.word, w.issue, w.heard) for w in result.flagged]
        assert result.pronunciation_score >= 75
    else:
        assert flagged == [swapped], [(w.word, w.issue, w.heard) for w in result.flagged]
        bad = words[swapped]
        assert bad.score < 50
        assert bad.heard and bad.heard.lower() != bad.word.lower()  # expected vs heard
        assert bad.expected.startswith("/") and bad.heard_ipa


def test_json_shape(engine, speak_wav):
    result = engine.score_reading(speak_wav("We went to the beach last summer."), "We went to the beach last summer.")
    data = json.loads(json.dumps(result.to_json()))
    assert set(data) >= {"transcript", "pronunciation_score", "words", "fluency"}
    assert set(data["words"][0]) >= {"word", "score", "error"}
    assert set(data["fluency"]) >= {"wpm", "pauses"}
    assert 0 <= data["pronunciation_score"] <= 100
    assert all(0 <= w["score"] <= 100 for w in data["words"])


def test_left_out_word_is_missing(engine, speak_wav):
    target = "My brother likes to ride his bike on the weekend."
    result = engine.score_reading(speak_wav("My brother likes to ride his on the weekend."), target)
    bike = result.words[6]
    assert bike.word == "bike" and bike.error and bike.issue == "missing"
    assert sum(w.error for w in result.words) == 1


def test_silence_and_target_errors(engine, speak_wav):
    import numpy as np

    from aesp_app.integrations.speech import AudioError, TargetTextError
    from aesp_app.integrations.speech.audio import wav_bytes

    with pytest.raises(AudioError) as info:
        engine.score_reading(wav_bytes(np.zeros(32000, dtype=np.float32), 16000), "Hello there.")
    assert info.value.code == "silence"
    with pytest.raises(TargetTextError):
        engine.score_reading(speak_wav("Hello there."), "  ...  ")


def test_transcribe_and_unknown_words(engine, speak_wav):
    transcript = engine.transcribe(speak_wav("I live in Hanoi with my family."))
    assert "family" in transcript.text.lower()
    assert transcript.words and transcript.words[0].start >= 0
    # "Hanoi" is not in the CMU dictionary: it gets a pronunciation from espeak-ng and is scored.
    result = engine.score_reading(speak_wav("I live in Hanoi with my family."), "I live in Hanoi with my family.")
    assert not any(w.error for w in result.words), [(w.word, w.issue, w.heard) for w in result.flagged]


def test_synthesize_returns_wav(engine):
    data = engine.synthesize("Hello, how are you today?")
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE" and len(data) > 20_000
