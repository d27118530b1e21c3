"""Words, pronunciations and near neighbours for pronunciation scoring.

Pronunciations come from the CMU dictionary shipped in the pocketsphinx wheel (the same ARPAbet
phones its acoustic model uses). Words it lacks get a pronunciation from espeak-ng (bundled in
piper-tts) mapped to ARPAbet, else from a crude letter-to-sound table.

Neighbours are the real, common words one phone away from a target word ("think" -> "sink",
"thing", "tink" is not a word): the competitors the acoustic search may pick instead of the
target, which is how a mispronounced word shows up and what we report as "heard".
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

# One lock for the espeak-ng library in this process: piper's TTS uses the same C state.
ESPEAK_LOCK = threading.RLock()

TOKEN_RE = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*")

# Short grammatical words: their reduced forms ("in" -> /ən/) make acoustic neighbours
# unreliable, so only the transcript can flag them.
FUNCTION_WORDS = frozenset(
    """a an the and or but if of in on at to for from by with as is am are was were be been
    it its it's i i'm me my we us our you your he him his she her they them their this that
    these those there here do does did not no so than then too very can could will would shall
    should may might must have has had up out off over into about what who which when where how
    all any some just also only""".split()
)

# Phone pairs learners (Vietnamese speakers especially) confuse; such neighbours rank first.
CONFUSABLE = {
    frozenset(p)
    for p in [
        ("TH", "S"), ("TH", "T"), ("TH", "F"), ("DH", "D"), ("DH", "Z"), ("S", "SH"), ("CH", "SH"),
        ("Z", "S"), ("V", "B"), ("V", "W"), ("V", "F"), ("L", "N"), ("L", "R"), ("R", "W"),
        ("P", "B"), ("T", "D"), ("K", "G"), ("JH", "Z"), ("JH", "CH"), ("N", "NG"),
        ("IY", "IH"), ("UW", "UH"), ("AE", "EH"), ("AE", "AH"), ("AA", "AH"), ("AO", "OW"),
        ("EY", "EH"), ("AY", "AA"), ("OW", "AA"), ("ER", "AH"),
    ]
}
CONSONANTS = frozenset(
    "B CH D DH F G HH JH K L M N NG P R S SH T TH V W Y Z ZH".split()
)

ARPABET_TO_IPA = {
    "AA": "ɑ", "AE": "æ", "AH": "ʌ", "AO": "ɔ", "AW": "aʊ", "AY": "aɪ", "B": "b", "CH": "tʃ",
    "D": "d", "DH": "ð", "EH": "ɛ", "ER": "ɝ", "EY": "eɪ", "F": "f", "G": "ɡ", "HH": "h",
    "IH": "ɪ", "IY": "i", "JH": "dʒ", "K": "k", "L": "l", "M": "m", "N": "n", "NG": "ŋ",
    "OW": "oʊ", "OY": "ɔɪ", "P": "p", "R": "ɹ", "S": "s", "SH": "ʃ", "T": "t", "TH": "θ",
    "UH": "ʊ", "UW": "u", "V": "v", "W": "w", "Y": "j", "Z": "z", "ZH": "ʒ",
}

# espeak-ng's en-us IPA to ARPAbet; longest match first.
_IPA_TO_ARPABET = [
    ("aɪ", "AY"), ("aʊ", "AW"), ("eɪ", "EY"), ("oʊ", "OW"), ("ɔɪ", "OY"), ("tʃ", "CH"), ("dʒ", "JH"),
    ("ɑː", "AA"), ("ɔː", "AO"), ("ɜː", "ER"), ("iː", "IY"), ("uː", "UW"), ("ɪɹ", "IH R"),
    ("ɑ", "AA"), ("æ", "AE"), ("ʌ", "AH"), ("ə", "AH"), ("ɐ", "AH"), ("ɚ", "ER"), ("ɜ", "ER"),
    ("ɔ", "AO"), ("ɒ", "AA"), ("ɛ", "EH"), ("e", "EH"), ("ɪ", "IH"), ("ᵻ", "IH"), ("i", "IY"),
    ("ʊ", "UH"), ("u", "UW"), ("o", "OW"), ("a", "AA"), ("b", "B"), ("d", "D"), ("ð", "DH"),
    ("f", "F"), ("ɡ", "G"), ("g", "G"), ("h", "HH"), ("k", "K"), ("l", "L"), ("m", "M"), ("n", "N"),
    ("ŋ", "NG"), ("p", "P"), ("ɹ", "R"), ("r", "R"), ("s", "S"), ("ʃ", "SH"), ("t", "T"), ("ɾ", "T"),
    ("θ", "TH"), ("v", "V"), ("w", "W"), ("j", "Y"), ("z", "Z"), ("ʒ", "ZH"), ("x", "K"), ("ç", "HH"),
]

_LETTERS = [
    ("tch", "CH"), ("sh", "SH"), ("ch", "CH"), ("th", "TH"), ("ng", "NG"), ("ph", "F"), ("ck", "K"),
    ("ee", "IY"), ("ea", "IY"), ("oo", "UW"), ("ou", "AW"), ("ow", "OW"), ("ai", "EY"), ("ay", "EY"),
    ("oi", "OY"), ("oy", "OY"), ("qu", "K W"), ("a", "AE"), ("b", "B"), ("c", "K"), ("d", "D"),
    ("e", "EH"), ("f", "F"), ("g", "G"), ("h", "HH"), ("i", "IH"), ("j", "JH"), ("k", "K"), ("l", "L"),
    ("m", "M"), ("n", "N"), ("o", "AA"), ("p", "P"), ("q", "K"), ("r", "R"), ("s", "S"), ("t", "T"),
    ("u", "AH"), ("v", "V"), ("w", "W"), ("x", "K S"), ("y", "IY"), ("z", "Z"),
]

_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()

Pron = tuple[str, ...]


def tokenize(text: str) -> list[str]:
    """Words as the learner sees them: letters, digits and inner apostrophes ("don't", "5")."""
    return [m.group(0).replace("’", "'") for m in TOKEN_RE.finditer(text)]


def normalize(word: str) -> str:
    return word.lower().replace("’", "'")


def number_to_words(n: int) -> str:
    """Cardinal numbers below a million, as a learner would read them ("25" -> "twenty five")."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return _ONES[n // 100] + " hundred" + ("" if rest == 0 else " " + number_to_words(rest))
    if n < 1_000_000:
        rest = n % 1000
        return number_to_words(n // 1000) + " thousand" + ("" if rest == 0 else " " + number_to_words(rest))
    return " ".join(_ONES[int(d)] for d in str(n))


def spoken_form(word: str) -> str:
    """Digits spelled out, lower case: the form two transcripts are compared in."""
    w = normalize(word)
    if w.isdigit():
        return number_to_words(int(w))
    return w


def ipa_to_arpabet(ipa: str) -> Pron:
    ipa = unicodedata.normalize("NFC", ipa)
    ipa = re.sub(r"[ˈˌ.\-‿]", "", ipa)
    ipa = ipa.replace("l̩", "əl").replace("n̩", "ən").replace("m̩", "əm")
    phones: list[str] = []
    i = 0
    while i < len(ipa):
        for src, dst in _IPA_TO_ARPABET:
            if ipa.startswith(src, i):
                phones.extend(dst.split())
                i += len(src)
                break
        else:
            i += 1  # stress marks, length marks, diacritics we do not model
    return tuple(phones)


def letters_to_arpabet(word: str) -> Pron:
    """Last resort for a word neither the dictionary nor espeak-ng can give."""
    w = re.sub(r"[^a-z]", "", word.lower())
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]  # silent final e
    phones: list[str] = []
    i = 0
    while i < len(w):
        for src, dst in _LETTERS:
            if w.startswith(src, i):
                phones.extend(dst.split())
                i += len(src)
                break
        else:
            i += 1
    return tuple(phones) or ("AH",)


def to_ipa(pron: Iterable[str]) -> str:
    return "/" + "".join(ARPABET_TO_IPA.get(p, p.lower()) for p in pron) + "/"


class Lexicon:
    """The pocketsphinx dictionary in memory, with a neighbour index over common words."""

    def __init__(self, dict_path: Path, common_words: int = 30000) -> None:
        self._dict_path = dict_path
        self._common_words = common_words
        self._prons: dict[str, list[Pron]] | None = None
        self._rank: dict[str, int] = {}
        self._by_pron: dict[Pron, list[str]] = {}
        self._by_wild: dict[Pron, list[str]] = {}
        self._by_del: dict[Pron, list[str]] = {}
        self._lock = threading.Lock()
        self._extra: dict[str, Pron] = {}
        self._espeak_ready = False

    # Loading ---------------------------------------------------------------------------------
    def load(self) -> None:
        with self._lock:
            if self._prons is None:
                self._build()

    def _build(self) -> None:
        prons: dict[str, list[Pron]] = defaultdict(list)
        with open(self._dict_path, encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) < 2:
                    continue
                word = re.sub(r"\(\d+\)$", "", parts[0])
                prons[word].append(tuple(parts[1:]))
        from wordfreq import top_n_list

        top = top_n_list("en", self._common_words)
        names = _proper_names(w for w in top if w in prons)
        rank = {}
        for i, w in enumerate(top):
            # Names ("juan", "corey") would make odd competitors and odder "heard" words.
            if w in prons and w not in rank and w not in names and (len(w) > 1 or w in ("a", "i")):
                rank[w] = i
        by_pron: dict[Pron, list[str]] = defaultdict(list)
        by_wild: dict[Pron, list[str]] = defaultdict(list)
        by_del: dict[Pron, list[str]] = defaultdict(list)
        for w in rank:
            for p in prons[w]:
                by_pron[p].append(w)
                for i in range(len(p)):
                    by_wild[p[:i] + ("*",) + p[i + 1 :]].append(w)
                    if len(p) > 1:
                        by_del[p[:i] + p[i + 1 :]].append(w)
        self._prons = dict(prons)
        self._rank = rank
        self._by_pron = dict(by_pron)
        self._by_wild = dict(by_wild)
        self._by_del = dict(by_del)

    # Pronunciations --------------------------------------------------------------------------
    def in_dictionary(self, word: str) -> bool:
        self.load()
        assert self._prons is not None
        return normalize(word) in self._prons

    def pronunciations(self, word: str) -> list[Pron]:
        """Every known pronunciation; numbers and unknown words get one made up for them."""
        self.load()
        assert self._prons is not None
        w = normalize(word)
        if w in self._prons:
            return self._prons[w]
        if w in self._extra:
            return [self._extra[w]]
        if w.isdigit():
            phones: list[str] = []
            for part in number_to_words(int(w)).split():
                phones.extend(self._prons[part][0])
            pron = tuple(phones)
        else:
            pron = self._espeak(w) or letters_to_arpabet(w)
        self._extra[w] = pron
        return [pron]

    def _espeak(self, word: str) -> Pron | None:
        try:
            from piper import espeakbridge
            from piper.phonemize_espeak import ESPEAK_DATA_DIR
        except ImportError:
            return None
        with ESPEAK_LOCK:
            if not self._espeak_ready:
                espeakbridge.initialize(str(ESPEAK_DATA_DIR))
                self._espeak_ready = True
            espeakbridge.set_voice("en-us")
            clauses = espeakbridge.get_phonemes(word)
        ipa = "".join(c[0] for c in clauses)
        pron = ipa_to_arpabet(ipa)
        return pron or None

    # Neighbours ------------------------------------------------------------------------------
    def neighbours(self, word: str, limit: int = 8) -> list[tuple[str, Pron, bool]]:
        """Common words one phone away from any pronunciation of `word`, likeliest first.

        Ranked by how typical the confusion is for learners (confusable phone pairs and dropped
        final consonants first), then by word frequency. The flag says "typical".
        """
        self.load()
        w = normalize(word)
        own = set(self.pronunciations(w))
        found: dict[str, tuple[float, Pron]] = {}

        def consider(cand: str, cost: float, matched: Pron) -> None:
            if cand == w:
                return
            cand_prons = self._prons.get(cand, []) if self._prons else []
            if any(p in own for p in cand_prons):
                return  # a homophone ("two"/"too") is not an error
            total = cost + self._rank.get(cand, self._common_words) / self._common_words
            if cand not in found or total < found[cand][0]:
                found[cand] = (total, matched)

        for p in own:
            for i in range(len(p)):
                key = p[:i] + ("*",) + p[i + 1 :]
                for cand in self._by_wild.get(key, ()):
                    for cp in self._prons[cand]:  # type: ignore[index]
                        if len(cp) == len(p) and cp[:i] == p[:i] and cp[i + 1 :] == p[i + 1 :]:
                            confusable = frozenset((p[i], cp[i])) in CONFUSABLE
                            consider(cand, 0.0 if confusable else 1.0, cp)
                            break
                if len(p) > 2:
                    # Target with one phone dropped ("rice" -> "rye"): a dropped final consonant
                    # is the commonest learner slip, so it ranks with the confusable pairs.
                    final = i == len(p) - 1 and p[i] in CONSONANTS
                    shorter = p[:i] + p[i + 1 :]
                    for cand in self._by_pron.get(shorter, ()):
                        consider(cand, 0.0 if final else 1.5, shorter)
            for cand in self._by_del.get(p, ()):
                longer = next(cp for cp in self._prons[cand] if len(cp) == len(p) + 1)  # type: ignore[index]
                consider(cand, 1.5, longer)  # an extra phone ("sit" -> "sits")
        ranked = sorted(found.items(), key=lambda kv: kv[1][0])
        out: list[tuple[str, Pron, bool]] = []
        seen: set[Pron] = set()
        for cand, (cost, pron) in ranked:
            if pron in seen:
                continue  # homophones ("sink"/"sync"): the commoner spelling stands for both
            seen.add(pron)
            out.append((cand, pron, cost < 1.0))
            if len(out) >= limit:
                break
        return out


def _proper_names(words: Iterable[str]) -> frozenset[str]:
    """Those of `words` the CEFR word list knows only as proper nouns."""
    try:
        from cefrpy import CEFRAnalyzer
    except ImportError:
        return frozenset()
    analyzer = CEFRAnalyzer()
    names = set()
    for w in words:
        tags = analyzer.get_all_pos_for_word_as_str(w)
        if tags and all(t in ("NNP", "NNPS") for t in tags):
            names.add(w)
    return frozenset(names)
