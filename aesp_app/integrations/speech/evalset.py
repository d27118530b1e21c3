"""A small reading set for calibrating and measuring the word flags, spoken by the TTS voice.

Each item is a target sentence and readings of it: the correct reading and readings with one
word swapped. Near pairs ("think"/"sink") are the ones Whisper tends to "fix"; far swaps
("coffee"/"tea") Whisper hears. Used by tests/speech and `benchmarks/speech.py --accuracy`.
"""

from __future__ import annotations

import dataclasses

from .lexicon import tokenize


@dataclasses.dataclass(frozen=True)
class Reading:
    target: str
    spoken: str
    swapped: frozenset[int]  # indices of target words replaced in `spoken`
    length_scale: float = 1.0

    @property
    def name(self) -> str:
        words = tokenize(self.spoken)
        tag = "ok" if not self.swapped else "swap-" + "-".join(words[i].lower() for i in sorted(self.swapped))
        return f"{tokenize(self.target)[0].lower()}-{tag}@{self.length_scale}"


# (target, [(index, replacement), ...]) — every replacement makes one swapped reading.
SENTENCES: list[tuple[str, list[tuple[int, str]]]] = [
    ("I think we should drink coffee in the morning.", [(1, "sink"), (5, "tea")]),
    ("The weather is very nice today and I want to go outside.", [(11, "inside"), (3, "berry")]),
    ("She lives in a small house near the river.", [(5, "mouse"), (8, "liver")]),
    ("My brother likes to ride his bike on the weekend.", [(4, "write"), (6, "like")]),
    ("Please put the rice in the bowl.", [(3, "rise"), (6, "ball")]),
    ("We went to the beach last summer.", [(4, "peach"), (6, "winter")]),
    ("Three students sat on the ship.", [(0, "tree"), (5, "sheep")]),
    ("I need to buy a new pen for my class.", [(6, "pan"), (9, "glass")]),
    ("He read a long book about the history of Vietnam.", [(4, "look"), (3, "wrong")]),
    ("Can you open the window for me please?", [(4, "door")]),
    ("They thought the test was very easy.", [(1, "taught"), (6, "busy")]),
    ("Our teacher gave us a lot of homework.", [(1, "doctor"), (2, "gate")]),
]


def readings(correct_scales: tuple[float, ...] = (1.0, 1.25), swap_scale: float = 1.0,
             sentences: list[tuple[str, list[tuple[int, str]]]] | None = None) -> list[Reading]:
    out: list[Reading] = []
    for target, swaps in sentences or SENTENCES:
        for scale in correct_scales:
            out.append(Reading(target, target, frozenset(), scale))
        words = tokenize(target)
        for index, replacement in swaps:
            assert 0 <= index < len(words), (target, index)
            spoken_words = list(words)
            spoken_words[index] = replacement
            out.append(Reading(target, " ".join(spoken_words) + ".", frozenset({index}), swap_scale))
    return out


@dataclasses.dataclass
class FlagCounts:
    true_pos: int = 0
    false_pos: int = 0
    false_neg: int = 0
    true_neg: int = 0

    def add(self, flagged: list[bool], swapped: frozenset[int]) -> None:
        for i, f in enumerate(flagged):
            if i in swapped:
                if f:
                    self.true_pos += 1
                else:
                    self.false_neg += 1
            elif f:
                self.false_pos += 1
            else:
                self.true_neg += 1

    @property
    def precision(self) -> float:
        d = self.true_pos + self.false_pos
        return self.true_pos / d if d else 1.0

    @property
    def recall(self) -> float:
        d = self.true_pos + self.false_neg
        return self.true_pos / d if d else 1.0
