"""Vocabulary level: CEFR level per word (cefrpy, by word and part of speech; wordfreq when cefrpy
does not know the word), the mix of levels, a score, and stronger words for basic ones from a
curated list shipped with the app (data/stronger_words.json).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import threading
from pathlib import Path

LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
CONTENT_POS = ("NOUN", "VERB", "ADJ", "ADV")
_DATA = Path(__file__).parent / "data" / "stronger_words.json"


@dataclasses.dataclass(frozen=True)
class WordLevel:
    word: str
    lemma: str
    pos: str
    level: str
    source: str  # "cefrpy" | "wordfreq"


@dataclasses.dataclass(frozen=True)
class Suggestion:
    start: int
    end: int
    text: str
    alternatives: list[str]
    level: str | None

    def to_json(self) -> dict:
        return {"start": self.start, "end": self.end, "word": self.text, "alternatives": list(self.alternatives),
                "level": self.level}


@dataclasses.dataclass(frozen=True)
class VocabularyReport:
    words: list[WordLevel]
    cefr: dict[str, float]  # share of content words at each level, summing to 1 (or all 0)
    level: str | None  # the level the answer's vocabulary shows
    score: int
    unique_ratio: float
    suggestions: list[Suggestion]

    def to_json(self) -> dict:
        return {
            "score": self.score,
            "level": self.level,
            "cefr": {k: round(v, 3) for k, v in self.cefr.items()},
            "counts": {lvl: sum(1 for w in self.words if w.level == lvl) for lvl in LEVELS},
            "content_words": len(self.words),
            "unique_ratio": round(self.unique_ratio, 3),
            "suggestions": [s.to_json() for s in self.suggestions],
        }


@functools.lru_cache(maxsize=1)
def stronger_words() -> dict[str, dict[str, list[str]]]:
    with open(_DATA, encoding="utf-8") as fh:
        data = json.load(fh)
    data.pop("_about", None)
    return data


def _zipf_level(zipf: float) -> str:
    """Frequency as a stand-in for level: common words are learnt first."""
    if zipf >= 6.0:
        return "A1"
    if zipf >= 5.3:
        return "A2"
    if zipf >= 4.6:
        return "B1"
    if zipf >= 4.0:
        return "B2"
    if zipf >= 3.2:
        return "C1"
    return "C2"


class VocabularyAnalyzer:
    def __init__(self) -> None:
        self._cefr = None
        self._lock = threading.Lock()

    def load(self) -> None:
        with self._lock:
            self._analyzer()

    def _analyzer(self):
        if self._cefr is None:
            from cefrpy import CEFRAnalyzer

            self._cefr = CEFRAnalyzer()
        return self._cefr

    def level_of(self, word: str, tag: str, lemma: str) -> tuple[str, str]:
        analyzer = self._analyzer()
        w = word.lower()
        for candidate in (w, lemma.lower()):
            try:
                lvl = analyzer.get_word_pos_level_float(candidate, tag)
            except (KeyError, ValueError):
                lvl = None
            if lvl is None:
                lvl = analyzer.get_average_word_level_float(candidate)
            if lvl is not None:
                return LEVELS[max(0, min(5, int(round(lvl)) - 1))], "cefrpy"
        from wordfreq import zipf_frequency

        return _zipf_level(zipf_frequency(w, "en")), "wordfreq"

    def analyze(self, doc) -> VocabularyReport:
        """`doc`: a spaCy Doc of the learner's text."""
        with self._lock:
            self._analyzer()
            words: list[WordLevel] = []
            for tok in doc:
                if tok.pos_ not in CONTENT_POS or not tok.is_alpha:
                    continue
                level, source = self.level_of(tok.text, tok.tag_, tok.lemma_)
                words.append(WordLevel(tok.text, tok.lemma_.lower(), tok.pos_, level, source))
        n = len(words)
        cefr = {lvl: (sum(1 for w in words if w.level == lvl) / n if n else 0.0) for lvl in LEVELS}
        unique_ratio = (len({w.lemma for w in words}) / n) if n else 0.0
        return VocabularyReport(
            words=words,
            cefr=cefr,
            level=estimate_level(cefr) if n else None,
            score=vocabulary_score(cefr, unique_ratio, n),
            unique_ratio=unique_ratio,
            suggestions=find_suggestions(doc, {w.lemma: w.level for w in words}),
        )


def estimate_level(cefr: dict[str, float]) -> str:
    """The highest level that, with the levels above it, covers at least a fifth of the content
    words: one B2 word in a short A1 answer does not make it a B2 answer."""
    cumulative = 0.0
    for lvl in reversed(LEVELS):
        cumulative += cefr.get(lvl, 0.0)
        if cumulative >= 0.20:
            return lvl
    return "A1"


def vocabulary_score(cefr: dict[str, float], unique_ratio: float, n_words: int) -> int:
    """0-100: mostly the share of words above A2, a little for variety (few repeated words)."""
    if n_words == 0:
        return 0
    above_a2 = sum(cefr[lvl] for lvl in ("B1", "B2", "C1", "C2"))
    above_b2 = sum(cefr[lvl] for lvl in ("C1", "C2"))
    score = 45.0 + 110.0 * above_a2 + 40.0 * above_b2
    if n_words >= 8:
        score += (unique_ratio - 0.7) * 30.0  # repeating the same few words costs a little
    return int(round(max(0.0, min(100.0, score))))


def find_suggestions(doc, levels: dict[str, str] | None = None) -> list[Suggestion]:
    """Stronger words for basic ones: phrases first ("very good"), then single words by POS."""
    data = stronger_words()
    text_lower = doc.text.lower()
    taken: list[tuple[int, int]] = []
    out: list[Suggestion] = []
    for phrase, alts in data.get("PHRASE", {}).items():
        start = 0
        while True:
            idx = text_lower.find(phrase, start)
            if idx < 0:
                break
            end = idx + len(phrase)
            before_ok = idx == 0 or not text_lower[idx - 1].isalpha()
            after_ok = end == len(text_lower) or not text_lower[end].isalpha()
            if before_ok and after_ok:
                taken.append((idx, end))
                out.append(Suggestion(idx, end, doc.text[idx:end], alts, None))
            start = end
    seen: set[str] = set()
    for tok in doc:
        table = data.get(tok.pos_)
        if not table:
            continue
        lemma = tok.lemma_.lower()
        alts = table.get(lemma) or table.get(tok.lower_)
        if not alts or lemma in seen:
            continue
        start, end = tok.idx, tok.idx + len(tok.text)
        if any(s < end and start < e for s, e in taken):
            continue
        seen.add(lemma)  # one suggestion per word, however often it is used
        out.append(Suggestion(start, end, tok.text, alts, (levels or {}).get(lemma)))
    return sorted(out, key=lambda s: s.start)
