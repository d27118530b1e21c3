"""Acoustic check of each target word with pocketsphinx (the en-US model in its wheel).

Whisper is a strong language model and quietly "corrects" a learner who says "sink" for "think".
So the target sentence is also decoded with a grammar that, at every position, allows the target
word, its common one-phone neighbours (competitors) and skipping the word. Which path wins, and
its posterior probability from the word lattice, say whether the target word was really said.
A second pass aligns the winning words to phones for per-phone timing and fit.
"""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

from .lexicon import CONSONANTS, FUNCTION_WORDS, Lexicon, Pron, normalize, to_ipa

FRAME_RATE = 100  # pocketsphinx frames per second

# Grammar priors. Competitors and skips must beat the target by a margin, not merely tie:
# a synthetic voice and a careful learner both blur near pairs in connected speech.
COMPETITOR_PRIOR = 0.2
SKIP_PRIOR = 0.02
MAX_COMPETITORS = 8

# Per-frame phone fit (pocketsphinx acoustic score, beam-normalised) -> 0-100. Calibrated on the
# TTS fixtures: well-said phones sit around -2..-15 per frame.
_PHONE_GOOD = -6.0
_PHONE_BAD = -45.0


@dataclasses.dataclass(frozen=True)
class PhoneScore:
    phone: str
    start: float
    end: float
    score: int

    def to_json(self) -> dict:
        return {"phone": self.phone, "ipa": to_ipa([self.phone]).strip("/"), "start": round(self.start, 2),
                "end": round(self.end, 2), "score": self.score}


@dataclasses.dataclass(frozen=True)
class AcousticWord:
    index: int
    target: str
    status: str  # "target" | "competitor" | "skipped" | "unknown"
    heard: str | None  # the competitor word, when one won
    heard_pron: Pron | None
    posterior: float  # probability that the target word (not a competitor or a skip) was said
    start: float | None
    end: float | None
    phones: list[PhoneScore]
    checked: bool  # False where the grammar offered no alternative (most function words)
    typical: bool  # the winning competitor is a typical learner confusion (th/s, l/n, ...)


@dataclasses.dataclass
class _Seg:
    word: str
    start: int
    end: int
    prob: float


class PocketsphinxScorer:
    def __init__(self, model_dir: Path | None = None) -> None:
        self._model_dir = model_dir
        self._decoder = None
        self.lexicon: Lexicon | None = None
        self._lock = threading.Lock()
        self._fsg_count = 0

    def _paths(self) -> tuple[Path, Path]:
        import pocketsphinx

        base = self._model_dir or Path(pocketsphinx.get_model_path()) / "en-us"
        return base / "en-us", base / "cmudict-en-us.dict"

    def _load(self):
        if self._decoder is None:
            from pocketsphinx import Decoder

            hmm, dic = self._paths()
            # Beams a little wider than the defaults (pruning the right path on accented speech
            # gives no result at all) but not so wide that a 30 s answer takes seconds.
            self._decoder = Decoder(
                hmm=str(hmm), dict=str(dic), lm=None, samprate=16000, loglevel="FATAL",
                beam=1e-40, wbeam=1e-30, pbeam=1e-40, bestpath=True,
            )
            self.lexicon = Lexicon(dic)
            self.lexicon.load()
        return self._decoder

    def load(self) -> None:
        with self._lock:
            self._load()

    def _ensure_word(self, word: str) -> str:
        """Make sure the decoder knows `word`; return its dictionary name."""
        d = self._decoder
        assert d is not None and self.lexicon is not None
        if d.lookup_word(word) is None:
            pron = self.lexicon.pronunciations(word)[0]
            d.add_word(word, " ".join(pron), True)
        return word

    def _competitors(self, key: str, next_key: str | None) -> list[tuple[str, bool]]:
        """Neighbours of `key` worth testing, given the word that follows it, with "typical".

        A final /t/ or /d/ before a consonant ("want to", "last night") is dropped by native
        speakers too, and a final consonant merges into the same one starting the next word,
        so those deletions are not competitors there.
        """
        assert self.lexicon is not None and self._decoder is not None
        elided: set[Pron] = set()
        if next_key is not None:
            next_first = self.lexicon.pronunciations(next_key)[0][:1]
            if next_first and next_first[0] in CONSONANTS:
                # Also a final consonant merged into the same one starting the next word
                # ("students sat", "big girl").
                elided = {
                    p[:-1]
                    for p in self.lexicon.pronunciations(key)
                    if len(p) > 1 and (p[-1] in ("T", "D") or p[-1] == next_first[0])
                }
        return [
            (cand, typical)
            for cand, pron, typical in self.lexicon.neighbours(key, MAX_COMPETITORS)
            if pron not in elided and self._decoder.lookup_word(cand) is not None
        ]

    def score(
        self,
        pcm16: bytes,
        target_words: list[str],
        extra_competitors: dict[int, list[str]] | None = None,
        extra_skips: set[int] | None = None,
    ) -> list[AcousticWord]:
        """Decide, per target word, whether it (or a competitor, or nothing) was said.

        `extra_competitors` adds words at given positions (what the recognizer heard there);
        `extra_skips` allows skipping a function word (the recognizer did not hear it).
        """
        keys = [normalize(w) for w in target_words]
        if not keys:
            return []
        extra_competitors = extra_competitors or {}
        extra_skips = extra_skips or set()
        with self._lock:
            d = self._load()
            assert self.lexicon is not None
            transitions: list[tuple] = []
            checked: list[bool] = []
            allowed_at: list[dict[str, bool]] = []  # word -> typical confusion
            for i, key in enumerate(keys):
                self._ensure_word(key)
                transitions.append((i, i + 1, 1.0, key))
                allowed: dict[str, bool] = {}
                content = key not in FUNCTION_WORDS and not key.isdigit()
                if content:
                    allowed.update(self._competitors(key, keys[i + 1] if i + 1 < len(keys) else None))
                for word in extra_competitors.get(i, []):
                    word = normalize(word)
                    if word != key and word not in allowed and word.replace("'", "").isalnum():
                        self._ensure_word(word)
                        allowed[word] = False
                for cand in allowed:
                    transitions.append((i, i + 1, COMPETITOR_PRIOR, cand))
                skip = content or i in extra_skips
                if skip:
                    transitions.append((i, i + 1, SKIP_PRIOR))
                checked.append(bool(allowed) or skip)
                allowed[key] = False
                allowed_at.append(allowed)
            self._fsg_count += 1
            name = f"read{self._fsg_count % 2}"
            fsg = d.create_fsg(name, 0, len(keys), transitions)
            d.add_fsg(name, fsg)
            d.activate_search(name)
            try:
                d.start_utt()
                d.process_raw(pcm16, full_utt=True)
                d.end_utt()
                hyp = d.hyp()
                segs = [
                    _Seg(_strip_variant(s.word), s.start_frame, s.end_frame, float(s.prob))
                    for s in d.seg()
                    if not _is_filler(s.word)
                ] if hyp is not None else []
            except RuntimeError:
                segs = []
            phones_by_seg: list[list[PhoneScore]] = [[] for _ in segs]
            if segs:
                phones_by_seg = self._phone_pass(pcm16, len(segs))
        return _assign(keys, allowed_at, checked, segs, phones_by_seg, self.lexicon)

    def _phone_pass(self, pcm16: bytes, n_words: int) -> list[list[PhoneScore]]:
        """Align the winning words to phones (a second decode, as pocketsphinx requires)."""
        d = self._decoder
        out: list[list[PhoneScore]] = [[] for _ in range(n_words)]
        try:
            d.set_alignment()
            d.start_utt()
            d.process_raw(pcm16, full_utt=True)
            d.end_utt()
            alignment = d.get_alignment()
        except RuntimeError:
            return out
        if alignment is None:
            return out
        k = 0
        for word in alignment:
            if _is_filler(word.name):
                continue
            if k >= n_words:
                break
            phones = []
            for ph in word:
                per_frame = ph.score / max(ph.duration, 1)
                phones.append(
                    PhoneScore(ph.name, ph.start / FRAME_RATE, (ph.start + ph.duration) / FRAME_RATE, _phone_score(per_frame))
                )
            out[k] = phones
            k += 1
        return out


def _assign(keys: list[str], allowed_at: list[dict[str, bool]], checked: list[bool], segs: list[_Seg],
            phones: list[list[PhoneScore]], lexicon: Lexicon) -> list[AcousticWord]:
    """Map the decoded words back to target positions (the grammar keeps them in order)."""
    results: list[AcousticWord] = []
    if not segs:
        return [AcousticWord(i, k, "unknown", None, None, 1.0, None, None, [], False, False) for i, k in enumerate(keys)]
    j = 0
    for i, key in enumerate(keys):
        seg = segs[j] if j < len(segs) else None
        allowed = allowed_at[i]
        # No word here, or the decoded word belongs to the next position: this one was skipped.
        if seg is None or seg.word not in allowed or (
            seg.word != key and i + 1 < len(keys) and seg.word == keys[i + 1]
        ):
            results.append(AcousticWord(i, key, "skipped", None, None, 0.0, None, None, [], checked[i], False))
            continue
        start, end = seg.start / FRAME_RATE, (seg.end + 1) / FRAME_RATE
        prob = min(1.0, max(0.0, seg.prob))
        if seg.word == key:
            results.append(AcousticWord(i, key, "target", None, None, prob, start, end, phones[j], checked[i], False))
        else:
            pron = lexicon.pronunciations(seg.word)[0]
            results.append(AcousticWord(i, key, "competitor", seg.word, pron, 1.0 - prob, start, end, phones[j],
                                        checked[i], allowed[seg.word]))
        j += 1
    return results


def _phone_score(per_frame: float) -> int:
    frac = (per_frame - _PHONE_BAD) / (_PHONE_GOOD - _PHONE_BAD)
    return int(round(100 * min(1.0, max(0.0, frac))))


def _strip_variant(word: str) -> str:
    return word.split("(", 1)[0] if word.endswith(")") else word


def _is_filler(word: str) -> bool:
    return word.startswith("<") or word.startswith("[") or word.startswith("+")


