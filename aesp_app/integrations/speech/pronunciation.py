"""Combine the two views of a reading into per-word verdicts and scores.

(a) The Whisper transcript aligned word by word to the target: catches replaced and missing
    words, but Whisper tends to hear the word it expects.
(b) The pocketsphinx competitor search: catches near misses Whisper "fixed" ("sink" for "think").
A word is an error when either view is confident it went wrong.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from .alignment import AcousticWord, PhoneScore
from .lexicon import Lexicon, normalize, spoken_form, to_ipa

# Posterior of the target word (from the pocketsphinx lattice) below which the acoustic view
# alone flags a word the transcript heard correctly. Calibrated on the TTS reading set
# (benchmarks/speech.py --accuracy); see docs/speech-engine.md.
ACOUSTIC_FLAG_BELOW = 0.1
# Below this the acoustic view confirms a replacement or omission the transcript reports.
ACOUSTIC_AGREE_BELOW = 0.5

MISSING = "missing"
REPLACED = "replaced"
MISPRONOUNCED = "mispronounced"


@dataclasses.dataclass(frozen=True)
class WordScore:
    word: str  # the target word as written
    score: int
    error: bool
    issue: str | None  # missing | replaced | mispronounced
    expected: str  # IPA of the target
    heard: str | None  # what was heard instead (a word), when known
    heard_ipa: str | None
    start: float | None
    end: float | None
    phones: list[PhoneScore]

    def to_json(self) -> dict:
        return {
            "word": self.word,
            "score": self.score,
            "error": self.error,
            "issue": self.issue,
            "expected": self.expected,
            "heard": self.heard,
            "heard_ipa": self.heard_ipa,
            "start": None if self.start is None else round(self.start, 2),
            "end": None if self.end is None else round(self.end, 2),
            "phones": [p.to_json() for p in self.phones],
        }


def align_words(target: Sequence[str], heard: Sequence[str], same) -> list[tuple[str, int | None]]:
    """Word-level edit distance. Returns, per target word, ("match" | "sub" | "del", heard index).

    `same(a, b)` decides whether two words count as equal (spelling, digits, homophones).
    """
    n, m = len(target), len(heard)
    cost = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        cost[i][0] = i
    for j in range(1, m + 1):
        cost[0][j] = j
    eq = [[same(target[i], heard[j]) for j in range(m)] for i in range(n)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost[i][j] = min(
                cost[i - 1][j - 1] + (0 if eq[i - 1][j - 1] else 1),
                cost[i - 1][j] + 1,
                cost[i][j - 1] + 1,
            )
    out: list[tuple[str, int | None]] = [("del", None)] * n
    i, j = n, m
    while i > 0:
        if j > 0 and cost[i][j] == cost[i - 1][j - 1] + (0 if eq[i - 1][j - 1] else 1):
            out[i - 1] = ("match" if eq[i - 1][j - 1] else "sub", j - 1)
            i, j = i - 1, j - 1
        elif cost[i][j] == cost[i - 1][j] + 1:
            out[i - 1] = ("del", None)
            i -= 1
        else:
            j -= 1
    return out


def make_same(lexicon: Lexicon):
    def same(a: str, b: str) -> bool:
        sa, sb = spoken_form(a), spoken_form(b)
        if sa == sb or sa.replace(" ", "") == sb.replace(" ", ""):
            return True
        if " " in sa or " " in sb:
            return False
        # Homophones: "their" read for "there" sounds right, which is all a reading task asks.
        pa = set(lexicon.pronunciations(sa))
        return any(p in pa for p in lexicon.pronunciations(sb))

    return same


def asr_hints(ops: Sequence[tuple[str, int | None]], heard_words: Sequence[str]) -> tuple[dict[int, list[str]], set[int]]:
    """What the transcript suggests the acoustic search should also consider at each position."""
    extra: dict[int, list[str]] = {}
    skips: set[int] = set()
    for i, (op, j) in enumerate(ops):
        if op == "sub" and j is not None:
            extra[i] = [heard_words[j]]
        elif op == "del":
            skips.add(i)
    return extra, skips


def score_words(
    target_words: Sequence[str],
    heard_words: Sequence[str],
    heard_times: Sequence[tuple[float, float]],
    ops: Sequence[tuple[str, int | None]],
    acoustic: Sequence[AcousticWord],
    lexicon: Lexicon,
) -> list[WordScore]:
    """Verdicts per target word.

    - The transcript and the acoustic search agree the word was replaced or left out: error.
    - The transcript heard something else but the acoustics still prefer the target (the
      recognizer's guess was offered to the acoustic search as a competitor and lost): no error.
    - The transcript heard the target but the acoustics pick a typical learner confusion
      ("sink" for "think") with high confidence: mispronounced.
    """
    results: list[WordScore] = []
    for i, word in enumerate(target_words):
        op, j = ops[i]
        ac = acoustic[i]
        expected = to_ipa(lexicon.pronunciations(normalize(word))[0])
        p = ac.posterior if ac.checked else 1.0
        fit = (sum(ph.score for ph in ac.phones) / len(ac.phones)) if ac.phones else 100.0
        score = 0.75 * 100.0 * p + 0.25 * fit
        start, end = ac.start, ac.end
        issue: str | None = None
        heard: str | None = None
        heard_pron = None
        acoustic_rejects = ac.status == "unknown" or (ac.status != "target" and ac.posterior < ACOUSTIC_AGREE_BELOW)
        if op == "del" and acoustic_rejects:
            issue = MISSING
            score = 0.0
        elif op == "sub" and acoustic_rejects:
            assert j is not None
            issue = REPLACED
            heard = heard_words[j]  # the recognizer's word; the acoustics only confirm it is not the target
            score = min(score, 20.0)
        elif op != "match":
            score = min(score, 70.0)  # the two views disagree: not an error, not a clean word
        elif ac.status == "competitor" and ac.typical and ac.posterior < ACOUSTIC_FLAG_BELOW:
            issue = MISPRONOUNCED
            heard, heard_pron = ac.heard, ac.heard_pron
            score = min(score, 40.0)
        if start is None and j is not None:
            start, end = heard_times[j]
        heard_ipa = None
        if heard is not None:
            heard_ipa = to_ipa(heard_pron or lexicon.pronunciations(normalize(heard))[0])
        results.append(
            WordScore(
                word=word,
                score=int(round(max(0.0, min(100.0, score)))),
                error=issue is not None,
                issue=issue,
                expected=expected,
                heard=heard,
                heard_ipa=heard_ipa,
                start=start,
                end=end,
                phones=list(ac.phones) if issue in (None, MISPRONOUNCED) else [],
            )
        )
    return results


def overall_score(words: Sequence[WordScore], lexicon: Lexicon) -> int:
    """Mean word score, longer words weighing more (a missed "the" matters less than "weather")."""
    if not words:
        return 0
    total = weight_sum = 0.0
    for w in words:
        weight = max(1, min(6, len(lexicon.pronunciations(normalize(w.word))[0])))
        total += w.score * weight
        weight_sum += weight
    return int(round(total / weight_sum))
