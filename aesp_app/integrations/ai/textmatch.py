"""Small, dependency-free text matching for the offline partner: normalisation, a light stemmer,
keyword matching and character n-gram TF-IDF similarity. Everything here is pure Python and takes
well under a millisecond for a spoken answer."""

from __future__ import annotations

import functools
import math
import re
from collections import Counter

_WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "`": "'"})

_CONTRACTIONS = {
    "i'm": "i am",
    "can't": "can not",
    "cannot": "can not",
    "won't": "will not",
    "shan't": "shall not",
    "let's": "let us",
    "it's": "it is",
    "that's": "that is",
    "what's": "what is",
    "there's": "there is",
    "here's": "here is",
    "he's": "he is",
    "she's": "she is",
}
_SUFFIX_CONTRACTIONS = (("n't", " not"), ("'re", " are"), ("'ve", " have"), ("'ll", " will"), ("'d", " would"), ("'s", ""))

_IRREGULAR = {
    "went": "go", "gone": "go", "had": "have", "has": "have", "took": "take", "taken": "take",
    "bought": "buy", "saw": "see", "seen": "see", "met": "meet", "lost": "lose", "told": "tell",
    "taught": "teach", "thought": "think", "felt": "feel", "made": "make", "got": "get",
    "gave": "give", "given": "give", "came": "come", "ate": "eat", "eaten": "eat", "found": "find",
    "was": "be", "were": "be", "is": "be", "are": "be", "am": "be", "been": "be", "did": "do",
    "does": "do", "done": "do", "said": "say", "spoke": "speak", "spoken": "speak", "wrote": "write",
    "written": "write", "knew": "know", "known": "know", "began": "begin", "begun": "begin",
    "grew": "grow", "grown": "grow", "brought": "bring", "paid": "pay", "sent": "send",
    "spent": "spend", "flew": "fly", "flown": "fly", "stole": "steal", "stolen": "steal",
    "chose": "choose", "chosen": "choose", "learnt": "learn", "children": "child", "people": "person",
    "better": "good", "best": "good",
}


def normalize(text: str) -> str:
    return " ".join((text or "").translate(_QUOTES).lower().split())


def _expand(word: str) -> list[str]:
    if word in _CONTRACTIONS:
        return _CONTRACTIONS[word].split()
    for suffix, replacement in _SUFFIX_CONTRACTIONS:
        if word.endswith(suffix) and len(word) > len(suffix):
            return (word[: -len(suffix)] + replacement).split()
    return [word]


@functools.lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A deliberately small stemmer: irregular forms, then -ies/-ied, -ing, -ed, -es, -s.

    It only has to make "booked"/"booking"/"books" meet "book" and "stopped" meet "stop"; it never
    has to produce a real word."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3:
        return word
    if word.endswith(("ies", "ied")) and len(word) > 4:
        return word[:-3] + "y"
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if len(base) >= 4 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]  # stopping -> stop, planned -> plan
            return base.rstrip("e") if base.endswith("e") and len(base) > 3 else base
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]  # "arrive"/"arrived"/"arriving" -> "arriv"
    return word


def words(text: str) -> list[str]:
    """Lower-cased words with contractions expanded ("I'm" -> "i am", "didn't" -> "did not")."""
    out: list[str] = []
    for word in _WORD_RE.findall(normalize(text)):
        out.extend(_expand(word))
    return out


def stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]


def contains_phrase(haystack: list[str], needle: list[str]) -> bool:
    if not needle:
        return False
    n = len(needle)
    return any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def char_ngrams(text: str, n: int = 3) -> Counter:
    grams: Counter = Counter()
    for word in words(text):
        padded = f" {word} "
        if len(padded) <= n:
            grams[padded] += 1
            continue
        for i in range(len(padded) - n + 1):
            grams[padded[i : i + n]] += 1
    return grams


class TfidfIndex:
    """Character-trigram TF-IDF over a reference corpus (the scenarios' example answers)."""

    def __init__(self, documents: list[str]) -> None:
        df: Counter = Counter()
        for doc in documents:
            df.update(set(char_ngrams(doc)))
        self._n = max(len(documents), 1)
        self._idf = {g: math.log((1 + self._n) / (1 + c)) + 1.0 for g, c in df.items()}
        self._default_idf = math.log(1 + self._n) + 1.0

    def vector(self, text: str) -> dict[str, float]:
        grams = char_ngrams(text)
        vec = {g: (1 + math.log(c)) * self._idf.get(g, self._default_idf) for g, c in grams.items()}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        return {g: v / norm for g, v in vec.items()} if norm else {}

    def similarity(self, a: str, b: str) -> float:
        va, vb = self.vector(a), self.vector(b)
        if len(va) > len(vb):
            va, vb = vb, va
        return sum(v * vb.get(g, 0.0) for g, v in va.items())
