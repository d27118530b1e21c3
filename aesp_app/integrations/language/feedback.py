"""Written feedback on a learner's text (typed, or the transcript of a spoken answer)."""

from __future__ import annotations

import dataclasses
import math
import threading
import time

from .grammar import GrammarChecker, GrammarError
from .vocabulary import VocabularyAnalyzer, VocabularyReport

MAX_TEXT_CHARS = 10_000


@dataclasses.dataclass(frozen=True)
class TextFeedback:
    text: str
    word_count: int
    grammar_score: int
    grammar_errors: list[GrammarError]
    vocabulary: VocabularyReport
    timings: dict[str, float] = dataclasses.field(default_factory=dict, compare=False)

    @property
    def vocabulary_score(self) -> int:
        return self.vocabulary.score

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "word_count": self.word_count,
            "grammar_score": self.grammar_score,
            "grammar_errors": [e.to_json() for e in self.grammar_errors],
            "vocabulary_score": self.vocabulary.score,
            "vocabulary": self.vocabulary.to_json(),
        }


def grammar_score(error_count: int, word_count: int) -> int:
    """0-100 from errors per word on a gentle exponential curve.

    One error in 20 words ~86, in 10 words ~74, two in 10 ~55; very short answers count as five
    words so that a single slip in "I am agree" does not score zero.
    """
    if word_count == 0:
        return 0
    rate = error_count / max(word_count, 5)
    return int(round(100 * math.exp(-3.0 * rate)))


class TextAnalyzer:
    def __init__(self) -> None:
        self.grammar = GrammarChecker()
        self.vocabulary = VocabularyAnalyzer()
        self._lock = threading.Lock()

    def load(self) -> None:
        self.grammar.load()
        self.vocabulary.load()

    def analyze(self, text: str) -> TextFeedback:
        text = text.strip()
        if len(text) > MAX_TEXT_CHARS:
            raise ValueError(f"The text is longer than {MAX_TEXT_CHARS} characters.")
        timings: dict[str, float] = {}
        t = time.perf_counter()
        with self._lock:
            doc = self.grammar.nlp(text)
        timings["parse"] = time.perf_counter() - t
        t = time.perf_counter()
        errors = self.grammar.check(text, doc)
        timings["grammar"] = time.perf_counter() - t
        t = time.perf_counter()
        vocab = self.vocabulary.analyze(doc)
        timings["vocabulary"] = time.perf_counter() - t
        words = sum(1 for tok in doc if tok.is_alpha or tok.like_num)
        return TextFeedback(
            text=text,
            word_count=words,
            grammar_score=grammar_score(len(errors), words),
            grammar_errors=errors,
            vocabulary=vocab,
            timings=timings,
        )


_analyzer: TextAnalyzer | None = None
_analyzer_lock = threading.Lock()


def get_text_analyzer() -> TextAnalyzer:
    """The process-wide analyzer; spaCy, Harper and the CEFR data load on first use."""
    global _analyzer
    if _analyzer is None:
        with _analyzer_lock:
            if _analyzer is None:
                _analyzer = TextAnalyzer()
    return _analyzer


def analyze_text(text: str) -> TextFeedback:
    return get_text_analyzer().analyze(text)
