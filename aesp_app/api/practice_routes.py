"""Practice audio: the learner's recordings, for the owner only (replay in the report)."""

from __future__ import annotations

ROUTES: list = []
