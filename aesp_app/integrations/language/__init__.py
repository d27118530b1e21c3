"""Offline language feedback: grammar (Harper + spaCy rules) and vocabulary level (CEFR).

Importing this package is cheap; the models load on first use.
"""

from __future__ import annotations

from .feedback import TextAnalyzer, TextFeedback, analyze_text, get_text_analyzer, grammar_score
from .grammar import GrammarError

__all__ = ["GrammarError", "TextAnalyzer", "TextFeedback", "analyze_text", "get_text_analyzer", "grammar_score"]
