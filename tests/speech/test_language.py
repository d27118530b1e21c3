"""Grammar and vocabulary feedback on learner sentences."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # loads spaCy and Harper


@pytest.fixture(scope="module")
def analyzer():
    from aesp_app.integrations.language import get_text_analyzer

    a = get_text_analyzer()
    a.load()
    return a


# (sentence, the words that must be flagged, a correction that must be offered)
LEARNER_ERRORS = [
    ("I am agree with you.", "am agree", "agree"),
    ("She can sings very well.", "sings", "sing"),
    ("There is many people in the park.", "is", "are"),
    ("He go to school yesterday.", "go", "went"),
    ("Yesterday I eat rice with my family.", "eat", "ate"),
    ("I have cat.", "cat", "a cat"),
    ("My friend have a new bike.", "have", "has"),
    ("The children plays in the garden.", "plays", "play"),
    ("She go to the market every day.", "go", "goes"),
    ("My mother don't like coffee.", "do", "does"),
    ("I am study English now.", "am study", "am studying"),
    ("I have two dog.", "dog", "dogs"),
    ("I didn't went there.", "went", "go"),
    ("I want to buy a apple.", "a", "an"),
    ("There was many cars on the road.", "was", "were"),
    ("Last week we visit our grandparents.", "visit", "visited"),
]

CORRECT = [
    "I think we should drink coffee in the morning.",
    "She lives in a small house near the river.",
    "I like music and I play football every weekend.",
    "My brother is a doctor.",
    "We went to the beach last summer.",
    "There are many people here.",
    "I go to school by bus.",
    "She is like her mother.",
    "Yesterday was a good day.",
    "I have a cat and two dogs.",
    # Vietnamese names and places are not misspellings.
    "Hi, my name is Lan.",
    "Nguyen is my family name and I live in Hanoi.",
    "My friend Thao comes from Da Nang.",
]


@pytest.mark.parametrize(("sentence", "span", "fix"), LEARNER_ERRORS, ids=[s for s, _, _ in LEARNER_ERRORS])
def test_learner_error_caught(analyzer, sentence, span, fix):
    result = analyzer.analyze(sentence)
    hits = [e for e in result.grammar_errors if e.text == span]
    assert hits, [(e.text, e.suggestions, e.rule) for e in result.grammar_errors]
    err = hits[0]
    assert fix in err.suggestions
    assert sentence[err.start:err.end] == span
    assert err.message and err.explanation
    assert result.grammar_score < 100


@pytest.mark.parametrize("sentence", CORRECT)
def test_correct_sentence_not_flagged(analyzer, sentence):
    result = analyzer.analyze(sentence)
    assert result.grammar_errors == [], [(e.text, e.rule) for e in result.grammar_errors]
    assert result.grammar_score == 100


def test_json_shape_and_vocabulary(analyzer):
    data = analyzer.analyze("This is a good idea and the food was very good. I think it is important.").to_json()
    assert set(data) >= {"grammar_score", "grammar_errors", "vocabulary"}
    vocab = data["vocabulary"]
    assert set(vocab["cefr"]) == {"A1", "A2", "B1", "B2", "C1", "C2"}
    assert sum(vocab["cefr"].values()) == pytest.approx(1.0, abs=0.01)
    words = {s["word"].lower(): s["alternatives"] for s in vocab["suggestions"]}
    assert "excellent" in words["good"] and "beneficial" in words["good"]
    assert "very good" in words
    assert "important" in words


def test_stronger_vocabulary_scores_higher(analyzer):
    basic = analyzer.analyze("The food is good. The room is big. The people are nice. I like it.")
    strong = analyzer.analyze("The cuisine is exceptional, the accommodation spacious and the staff remarkably considerate.")
    assert strong.vocabulary.score > basic.vocabulary.score
    assert strong.vocabulary.level > basic.vocabulary.level  # "A1" < "B1" < "C1" as strings


def test_grammar_score_curve():
    from aesp_app.integrations.language import grammar_score

    assert grammar_score(0, 20) == 100
    assert grammar_score(1, 20) > grammar_score(2, 20) > grammar_score(4, 20)
    assert grammar_score(1, 3) > 40  # a short answer with one slip is not zero
    assert grammar_score(0, 0) == 0


def test_misspelt_common_word_is_still_flagged(analyzer):
    """Names are spared, ordinary words are not."""
    result = analyzer.analyze("I went to the libary yesterday.")
    assert any(e.text == "libary" for e in result.grammar_errors), [(e.text, e.rule) for e in result.grammar_errors]
