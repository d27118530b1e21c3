"""The offline conversation partner: a scenario engine, not a language model.

It walks the scenario's steps. For each learner answer it decides whether the step's goal was
met, from keyword hits (lower-cased, contractions expanded, lightly stemmed) and the character
trigram TF-IDF similarity to the step's example answers. On a hit it acknowledges and asks the
next step's line; on a miss it asks the step's follow-up, and on a second miss it offers an
example answer as a hint and moves on, so the learner is never stuck. When the grammar analyser
found a mistake it recasts one of them, the way a tutor would.

Everything is deterministic: the little variety there is (acknowledgements, recast wording) is
chosen from the history length, so the same conversation always gets the same replies.
"""

from __future__ import annotations

import dataclasses
import functools
import random
import re
import zlib

from . import Correction, PartnerReply, Scenario, ScenarioStep, Turn
from . import textmatch as tm

ENGINE = "offline"

# Tuned on the scenarios' example answers and the off-topic sentences in tests/ai.
SIMILARITY_PASS = 0.42
KEYWORD_PASS = 1.0

# Keywords that also occur in answers that miss the point: half a hit each.
_WEAK = frozenset(
    """a an the to at in on for from of and but or so no yes i am i'm is are be it this that
    then what how where when who which why can could would should will do you are you can i could i
    one two have has take get go like more new now next day time first good great okay please
    about with some any my your me not don't doesn't does did want today yesterday
    very much really just""".split()
) | {"do you", "are you", "can i", "could i", "i am", "would you", "could you", "how about", "what about", "want to"}
_WEAK_STEMS = frozenset(tm.stem(w) for phrase in _WEAK for w in tm.words(phrase))

_QUESTION_START = frozenset(
    "what where when who which why how could can do does did is are would will shall may should".split()
)

_REPEAT_RE = re.compile(
    r"\b(repeat|say (that|it) again|pardon|come again|what did you say|one more time|"
    r"didn'?t (catch|hear) (that|you|it)|again,? please|slow(ly| down))\b"
)
_HELP_RE = re.compile(
    r"\b(don'?t|do not|didn'?t|did not) (understand|get it|know)\b|\bno idea\b|\bwhat do you mean\b|"
    r"\bwhat does .{1,30} mean\b|\bnot sure what\b|\bhelp me\b|\bi'?m (confused|lost)\b"
)

_ACKS = ("Okay.", "I see.", "Got it.", "Alright.", "Thanks.", "Right.", "Thank you.", "Okay, great.")
_SHORT_ACK_NUDGES = (
    "A full sentence sounds even better, for example: \"{example}\"",
    "You could also say: \"{example}\"",
)
_TIP_TEMPLATES = (
    "Just so you know, we say \"{corrected}\", not \"{original}\".",
    "Small tip: it's \"{corrected}\" rather than \"{original}\".",
    "By the way, we'd say \"{corrected}\" there, not \"{original}\".",
)
# Partner lines that already react to the answer: no extra acknowledgement before them.
_REACTIONS = frozenset(
    """that's okay oh good great hmm thank thanks lovely nice interesting sure perfect really well welcome
    cool exactly aw sounds honestly i'm sorry alright right fine yes no""".split()
)
_GREETINGS = ("hi", "hello", "good morning", "good afternoon", "good evening", "welcome", "morning", "hey")


@dataclasses.dataclass(frozen=True)
class Assessment:
    """How an answer was judged against the current step."""

    kind: str  # success | miss | hint | repeat | help | empty | done
    step_index: int  # the step the conversation is on after this answer
    finished: bool
    keyword_score: float = 0.0
    similarity: float = 0.0
    recast: str = ""  # the learner's sentence said correctly
    tip: str = ""  # the spoken recast ("Just so you know, we say ...")


@functools.lru_cache(maxsize=1)
def _index() -> tm.TfidfIndex:
    from .scenarios import all_scenarios

    docs = [a for s in all_scenarios() for step in s.steps for a in step.example_answers]
    return tm.TfidfIndex(docs)


def persona_name(scenario: Scenario) -> str:
    return scenario.partner_persona.split(",")[0].strip()


def keyword_score(step: ScenarioStep, text: str) -> float:
    learner_stems = tm.stems(text)
    normalized = tm.normalize(text)
    first = tm.words(text)[:1]
    score = 0.0
    seen: set[tuple[str, ...]] = set()
    for keyword in step.keywords:
        if keyword == "?":
            if "?" in normalized or (first and first[0] in _QUESTION_START):
                score += 1.0
            continue
        key = tuple(tm.stems(keyword))
        if key in seen:
            continue
        seen.add(key)
        if tm.contains_phrase(learner_stems, list(key)):
            weak = all(s in _WEAK_STEMS for s in tm.stems(keyword))
            score += 0.5 if weak else 1.0
    return score


def similarity(step: ScenarioStep, text: str) -> float:
    index = _index()
    return max((index.similarity(text, example) for example in step.example_answers), default=0.0)


def _rng(scenario: Scenario, history: list[Turn], salt: int = 0) -> random.Random:
    return random.Random(zlib.crc32(scenario.slug.encode()) + 7919 * len(history) + salt)


def locate(text: str, correction: Correction) -> tuple[int, int] | None:
    """Where the mistake is in TEXT: the correction's offsets when they match, else the first
    whole-word occurrence of its original words (case-insensitive)."""
    original = (correction.original or "").strip()
    if not original:
        return None
    start, end = getattr(correction, "start", -1), getattr(correction, "end", -1)
    if 0 <= start < end <= len(text) and text[start:end].strip().lower() == original.lower():
        return start, end
    match = re.search(r"(?<![\w'])" + re.escape(original) + r"(?![\w'])", text, re.IGNORECASE)
    return match.span() if match else None


_SUBJECTS = frozenset("i you he she we they it there this that these those my your his her our their".split())
_SENTENCE_END = re.compile(r"[.!?](?:\s+|$)")


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    begin = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        begin = m.end()
    after = _SENTENCE_END.search(text, end)
    return begin, (after.start() + 1 if after else len(text))


def _lead_in(before: str) -> str:
    """The words just before a mistake that a tip should quote: from the subject (up to three
    words back), else the one word before."""
    words = before.split()
    if not words:
        return ""
    for j in range(len(words) - 1, max(-1, len(words) - 4), -1):
        if words[j].lower().strip(",;:") in _SUBJECTS:
            return " ".join(words[j:]).strip(",;:") + " "
    return words[-1].strip(",;:") + " "


def recast(scenario: Scenario, history: list[Turn], learner_text: str, corrections: list[Correction]) -> tuple[str, str]:
    """(spoken tip, corrected sentence) for the first correction that applies, else ("", "")."""
    for correction in corrections:
        corrected = (correction.corrected or "").strip()
        if not correction.original or correction.original.strip().lower() == corrected.lower():
            continue
        span = locate(learner_text, correction)
        if span is None:
            continue
        start, end = span
        s_begin, s_end = _sentence_bounds(learner_text, start, end)
        fixed_sentence = " ".join((learner_text[s_begin:start] + corrected + learner_text[end:s_end]).split())
        lead = _lead_in(learner_text[s_begin:start])
        original_phrase = (lead + learner_text[start:end].strip()).strip()
        corrected_phrase = (lead + corrected).strip()
        template = _rng(scenario, history, 1).choice(_TIP_TEMPLATES)
        return template.format(corrected=corrected_phrase, original=original_phrase), fixed_sentence
    return "", ""


def _previous_partner_text(history: list[Turn]) -> str:
    for turn in reversed(history):
        if turn.role == "partner":
            return turn.text
    return ""


def _example(step: ScenarioStep, rng: random.Random, avoid: str = "") -> str:
    """An example answer, preferring one not already in AVOID (the partner's previous turn)."""
    fresh = [e for e in step.example_answers if e not in avoid] or list(step.example_answers)
    return rng.choice(fresh) if fresh else ""


def closing_line(scenario: Scenario) -> str:
    return "That's everything I needed, thank you. Well done: you reached the goal of this conversation!"


class OfflinePartner:
    """The scenario engine. Stateless: everything it needs is in the arguments."""

    engine_name = ENGINE

    # --- decisions (shared with the model-backed partner) --------------------------------

    def assess(
        self, scenario: Scenario, history: list[Turn], learner_text: str, step_index: int, corrections: list[Correction]
    ) -> Assessment:
        steps = scenario.steps
        if step_index >= len(steps):
            return Assessment("done", len(steps), True)
        step = steps[step_index]
        text = (learner_text or "").strip()
        n_words = len(tm.words(text))
        if n_words == 0:
            return Assessment("empty", step_index, False)
        tip, fixed = recast(scenario, history, text, corrections)
        if n_words <= 7 and _REPEAT_RE.search(tm.normalize(text)):
            return Assessment("repeat", step_index, False)
        kw = keyword_score(step, text)
        sim = similarity(step, text)
        passed = kw >= KEYWORD_PASS or sim >= SIMILARITY_PASS
        if passed:
            nxt = step_index + 1
            return Assessment("success", nxt, nxt >= len(steps), kw, sim, fixed, tip)
        if _HELP_RE.search(tm.normalize(text)):
            return Assessment("help", step_index, False, kw, sim)
        if step.follow_up and step.follow_up in _previous_partner_text(history):
            nxt = step_index + 1
            return Assessment("hint", nxt, nxt >= len(steps), kw, sim, fixed, tip)
        return Assessment("miss", step_index, False, kw, sim, fixed, tip)

    # --- the interface ----------------------------------------------------------------------

    def opening(self, scenario: Scenario) -> PartnerReply:
        line = scenario.steps[0].partner_line if scenario.steps else f"Hello! I'm {persona_name(scenario)}."
        if not tm.normalize(line).startswith(_GREETINGS) and _first_word(line) not in _REACTIONS:
            line = f"Hello! {line}"
        return PartnerReply(text=line, engine=ENGINE, step_index=0, finished=False)

    def reply(
        self, scenario: Scenario, history: list[Turn], learner_text: str, step_index: int, corrections: list[Correction]
    ) -> PartnerReply:
        history = _without_current(history, learner_text)
        a = self.assess(scenario, history, learner_text, step_index, corrections)
        return PartnerReply(
            text=self.compose(scenario, history, learner_text, step_index, a),
            engine=ENGINE,
            step_index=a.step_index,
            finished=a.finished,
            recast=a.recast,
        )

    def compose(self, scenario: Scenario, history: list[Turn], learner_text: str, step_index: int, a: Assessment) -> str:
        rng = _rng(scenario, history)
        steps = scenario.steps
        if a.kind == "done":
            return "We've finished this conversation. Well done! You can start it again whenever you like."
        step = steps[step_index]
        next_line = closing_line(scenario) if a.finished else (steps[a.step_index].partner_line if a.kind in ("success", "hint") else "")
        parts: list[str] = []
        if a.kind == "empty":
            parts = ["I didn't hear anything. Take your time.", step.partner_line]
        elif a.kind == "repeat":
            previous = _previous_partner_text(history)
            question = step.follow_up if step.follow_up and step.follow_up in previous else step.partner_line
            parts = [rng.choice(("Sure.", "Of course.", "No problem.")), question]
        elif a.kind == "help":
            parts = ["No problem, let me put it another way.", step.follow_up, f"You could start with something like: \"{_example(step, rng)}\""]
        elif a.kind == "success":
            if a.tip:
                parts.append(a.tip)
            reacts = _first_word(next_line) in _REACTIONS and not a.finished
            nudge = len(tm.words(learner_text)) <= 1 and step.example_answers
            if not reacts or nudge:
                parts.append(rng.choice(_ACKS))
            if nudge:
                parts.append(rng.choice(_SHORT_ACK_NUDGES).format(example=_example(step, rng)))
            parts.append(next_line)
        elif a.kind == "hint":
            if a.tip:
                parts.append(a.tip)
            example = _example(step, rng, avoid=_previous_partner_text(history))
            parts.append(f"No worries. You could say something like: \"{example}\" Let's carry on.")
            parts.append(next_line)
        else:  # miss
            if a.tip:
                parts.append(a.tip)
            if len(tm.words(learner_text)) <= 2:
                parts.append("Could you tell me a bit more?")
            parts.append(step.follow_up)
        return " ".join(p.strip() for p in parts if p and p.strip())

    def written_feedback(self, scenario: Scenario, history: list[Turn], summary: dict) -> tuple[str, None]:
        return compose_feedback(scenario, summary), None


def _first_word(line: str) -> str:
    match = re.match(r"\s*([A-Za-z']+)", (line or "").replace("\u2019", "'"))
    return match.group(1).lower() if match else ""


def _without_current(history: list[Turn], learner_text: str) -> list[Turn]:
    """History is the turns before this answer; tolerate callers that already appended it."""
    history = list(history or [])
    if history and history[-1].role == "learner" and history[-1].text.strip() == (learner_text or "").strip():
        return history[:-1]
    return history


# --- written feedback ---------------------------------------------------------------------

_AREAS = ("pronunciation", "grammar", "vocabulary", "fluency")


def _score(summary: dict, key: str) -> int | None:
    value = summary.get(key)
    if value is None:
        return None
    try:
        return int(round(float(value)))
    except (TypeError, ValueError):
        return None


def _error_text(error) -> tuple[str, str, str]:
    """(wrong text, correction, explanation) from a GrammarError, its JSON, or a string."""
    if isinstance(error, str):
        return error, "", ""
    if isinstance(error, dict):
        sugg = error.get("correction") or (error.get("suggestions") or [""])[0]
        return str(error.get("text") or error.get("original") or ""), str(sugg or error.get("corrected") or ""), str(
            error.get("explanation") or error.get("message") or ""
        )
    text = getattr(error, "text", "") or getattr(error, "original", "")
    corr = getattr(error, "correction", None) or getattr(error, "corrected", "") or ""
    expl = getattr(error, "explanation", "") or getattr(error, "message", "")
    return str(text), str(corr), str(expl)


def _advice(area: str, scenario: Scenario, summary: dict) -> str:
    if area == "pronunciation":
        flagged = [str(w) for w in (summary.get("flagged_words") or []) if str(w).strip()][:3]
        if flagged:
            quoted = ", ".join(f"\"{w}\"" for w in flagged)
            return f"practise the words {quoted}: say each one slowly, then inside a full sentence"
        return "read the drill sentences aloud and copy the stress and rhythm of each one"
    if area == "grammar":
        errors = summary.get("grammar_errors") or []
        if errors:
            wrong, right, why = _error_text(errors[0])
            if wrong and right:
                tail = f" ({why.rstrip('.')})" if why else ""
                return f"watch \"{wrong}\": say \"{right}\" instead{tail}"
            if wrong:
                return f"look again at \"{wrong}\"" + (f": {why.rstrip('.')}" if why else "")
        return "build your answers with full sentences (subject + verb), one idea at a time"
    if area == "vocabulary":
        phrases = [p for p in scenario.useful_phrases if p][:2]
        if phrases:
            return "bring in some of the scenario's useful phrases, such as " + " and ".join(f"\"{p}\"" for p in phrases)
        return "try a more precise word instead of very common ones like \"good\" or \"nice\""
    wpm = _score(summary, "wpm")
    if wpm and wpm < 90:
        return f"speak a little more continuously: you averaged {wpm} words a minute, and 100 to 140 sounds natural; plan the next few words while you speak instead of pausing"
    if wpm and wpm > 170:
        return f"slow down a little: {wpm} words a minute is fast, and short pauses between ideas help the listener"
    return "keep your answers flowing: use linking words like \"and\", \"so\" and \"because\" instead of long pauses"


def compose_feedback(scenario: Scenario, summary: dict) -> str:
    overall = _score(summary, "overall")
    title = scenario.title
    if overall is None:
        opening = f"Thanks for practising \"{title}\"."
    elif overall >= 85:
        opening = f"Excellent work on \"{title}\" (overall {overall}/100)."
    elif overall >= 70:
        opening = f"Good work on \"{title}\" (overall {overall}/100)."
    elif overall >= 50:
        opening = f"A solid effort on \"{title}\" (overall {overall}/100)."
    else:
        opening = f"Thanks for practising \"{title}\" (overall {overall}/100): every session makes the next one easier."
    sentences = [opening]
    goal = scenario.learner_goal.rstrip(".")
    if summary.get("goal_reached"):
        sentences.append(f"You reached the goal of the conversation: {goal[0].lower() + goal[1:]}.")
    else:
        sentences.append("You didn't reach the end of the scenario this time; the useful phrases will help you get further next time.")
    scores = {area: _score(summary, area) for area in _AREAS}
    known = {a: s for a, s in scores.items() if s is not None}
    if known:
        best = max(known, key=lambda a: (known[a], -_AREAS.index(a)))
        if known[best] >= 60:
            sentences.append(f"Your {best} was your strongest area ({known[best]}/100).")
        weakest = sorted((a for a in known if known[a] < 80 and a != best), key=lambda a: (known[a], _AREAS.index(a)))[:2]
        if not weakest and known[best] < 80:
            weakest = [best]
        if weakest:
            tips = [_advice(a, scenario, summary) for a in weakest]
            if len(tips) == 1:
                sentences.append(f"To improve, {tips[0]}.")
            else:
                sentences.append(f"To improve, first {tips[0]}; then {tips[1]}.")
        else:
            sentences.append("Next time, try the same scenario at a higher level or with longer, more detailed answers.")
    return " ".join(sentences)
