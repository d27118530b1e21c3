"""Turning engine results into the compact JSON kept per turn, and per-turn JSON into the
session report. Pure functions: no database, no models loaded here."""

from __future__ import annotations

from typing import Any

from aesp_app.integrations.language.feedback import TextFeedback, grammar_score

LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
# Overall = weighted mean of the scores that were measured (weights renormalised over them).
WEIGHTS = {"pronunciation": 0.30, "fluency": 0.20, "grammar": 0.25, "vocabulary": 0.25}
# Caps that keep the TEXT columns (64 kB on MySQL) far from full.
MAX_FLAGGED = 50
MAX_GRAMMAR = 50
MAX_SUGGESTIONS = 20
MAX_WORDS_USED = 400


def text_feedback_json(fb: TextFeedback) -> dict[str, Any]:
    vocab = fb.vocabulary.to_json()
    return {
        "word_count": fb.word_count,
        "grammar_score": fb.grammar_score,
        "grammar_errors": [
            {
                "text": e.text,
                "start": e.start,
                "end": e.end,
                "correction": e.correction,
                "suggestions": list(e.suggestions)[:3],
                "message": e.message,
                "explanation": e.explanation,
                "rule": e.rule,
            }
            for e in fb.grammar_errors
        ],
        "vocabulary": {
            "score": vocab["score"],
            "level": vocab["level"],
            "counts": vocab["counts"],
            "content_words": vocab["content_words"],
            "suggestions": vocab["suggestions"],
        },
        # Content words by lemma (words_learned counts the ones never used before).
        "lemmas": sorted({w.lemma.lower() for w in fb.vocabulary.words if w.lemma and w.lemma.isalpha()}),
    }


def compact_word(w: Any) -> dict[str, Any]:
    """A WordScore without its phones: what the report shows word by word."""
    return {
        "word": w.word,
        "score": w.score,
        "error": w.error,
        "issue": w.issue,
        "expected": w.expected,
        "heard": w.heard,
        "heard_ipa": w.heard_ipa,
    }


def reading_json(reading: Any) -> dict[str, Any]:
    """A ReadingScore, compact: the scores, every word (no phones), fluency."""
    fluency = reading.fluency
    return {
        "target": reading.target,
        "transcript": reading.transcript,
        "pronunciation_score": reading.pronunciation_score,
        "fluency_score": fluency.score,
        "words": [compact_word(w) for w in reading.words],
        "fluency": {
            "wpm": round(fluency.wpm, 1),
            "speaking_seconds": round(fluency.speaking_seconds, 2),
            "pauses": len(fluency.pauses),
            "longest_pause": round(fluency.longest_pause, 2),
            "fillers": list(fluency.fillers),
        },
        "duration": round(reading.duration, 2),
    }


def cefr_level(counts: dict[str, int]) -> str | None:
    """The highest level that, with the levels above it, covers at least 20 % of content words."""
    total = sum(counts.values())
    if not total:
        return None
    above = 0
    for level in reversed(LEVELS):
        above += counts.get(level, 0)
        if above / total >= 0.2:
            return level
    return LEVELS[0]


def _mean(pairs: list[tuple[float, float]]) -> float | None:
    weight = sum(w for _, w in pairs)
    if weight <= 0:
        return None
    return sum(v * w for v, w in pairs) / weight


def overall(scores: dict[str, float | None]) -> float | None:
    return _mean([(v, WEIGHTS[k]) for k, v in scores.items() if v is not None and k in WEIGHTS])


def _r(value: float | None) -> float | None:
    return None if value is None else round(max(0.0, min(100.0, value)), 1)


def aggregate(learner_turns: list[tuple[int, dict[str, Any]]], drills: list[dict[str, Any]]) -> dict[str, Any]:
    """The session report from the learner's turns ((transcript index, turn) pairs, text and voice) and the best reading of each
    drill sentence.

    - grammar: the analyser's formula over all errors and words of the session;
    - vocabulary: mean of the turns' scores weighted by content words; CEFR mix = shares of all
      content words; suggestions de-duplicated by word;
    - pronunciation: mean of the voice turns' and drills' scores;
    - fluency: mean of the voice turns' and drills' fluency scores weighted by speaking time;
      words per minute likewise; pauses and fillers summed.
    """
    errors: list[dict[str, Any]] = []
    words = 0
    vocab_pairs: list[tuple[float, float]] = []
    counts = {level: 0 for level in LEVELS}
    suggestions: dict[str, dict[str, Any]] = {}
    lemmas: set[str] = set()
    for index, turn in learner_turns:
        fb = turn.get("feedback") or {}
        words += int(fb.get("word_count") or 0)
        for e in fb.get("grammar_errors") or []:
            errors.append({**e, "sentence": turn.get("text", ""), "turn": index})
        vocab = fb.get("vocabulary") or {}
        content = int(vocab.get("content_words") or 0)
        if content:
            vocab_pairs.append((float(vocab.get("score") or 0), content))
        for level, n in (vocab.get("counts") or {}).items():
            if level in counts:
                counts[level] += int(n)
        for s in vocab.get("suggestions") or []:
            key = str(s.get("word", "")).lower()
            if key and key not in suggestions:
                suggestions[key] = {"word": s.get("word"), "alternatives": s.get("alternatives", []),
                                    "level": s.get("level"), "sentence": turn.get("text", "")}
        lemmas.update(fb.get("lemmas") or [])

    readings: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    for index, turn in learner_turns:
        if turn.get("speech"):
            readings.append(("turn", {"turn": index}, turn["speech"]))
    for drill in drills:
        readings.append(("drill", {"sentence_index": drill["sentence_index"]}, drill["best"]))

    flagged: list[dict[str, Any]] = []
    pron: list[tuple[float, float]] = []
    flu: list[tuple[float, float]] = []
    wpm: list[tuple[float, float]] = []
    pauses = 0
    longest = 0.0
    fillers: list[str] = []
    for source, where, r in readings:
        pron.append((float(r["pronunciation_score"]), 1.0))
        f = r.get("fluency") or {}
        seconds = float(f.get("speaking_seconds") or 0) or float(r.get("duration") or 0) or 1.0
        flu.append((float(r["fluency_score"]), seconds))
        if f.get("wpm"):
            wpm.append((float(f["wpm"]), seconds))
        pauses += int(f.get("pauses") or 0)
        longest = max(longest, float(f.get("longest_pause") or 0))
        fillers.extend(f.get("fillers") or [])
        for w in r.get("words") or []:
            if w.get("error"):
                flagged.append({"word": w["word"], "issue": w.get("issue"), "expected": w.get("expected"),
                                "heard": w.get("heard"), "heard_ipa": w.get("heard_ipa"), "score": w.get("score"),
                                "source": source, "sentence": r.get("target", ""), **where})

    scores: dict[str, float | None] = {
        "pronunciation": _r(_mean(pron)),
        "grammar": _r(float(grammar_score(len(errors), words))) if words else None,
        "vocabulary": _r(_mean(vocab_pairs)),
        "fluency": _r(_mean(flu)),
    }
    scores["overall"] = _r(overall(scores))
    total_content = sum(counts.values())
    return {
        "scores": scores,
        "flagged_words": flagged[:MAX_FLAGGED],
        "grammar_errors": errors[:MAX_GRAMMAR],
        "vocabulary": {
            "level": cefr_level(counts),
            "cefr": {k: round(v / total_content, 3) if total_content else 0.0 for k, v in counts.items()},
            "counts": counts,
            "content_words": total_content,
            "suggestions": list(suggestions.values())[:MAX_SUGGESTIONS],
        },
        "fluency": {
            "wpm": round(_mean(wpm), 1) if wpm else None,
            "pauses": pauses,
            "longest_pause": round(longest, 2),
            "fillers": len(fillers),
            "filler_words": sorted(set(fillers)),
            "speaking_seconds": round(sum(s for _, s in flu), 1) if flu else 0.0,
        },
        "word_count": words,
        "lemmas": sorted(lemmas)[:MAX_WORDS_USED],
    }
