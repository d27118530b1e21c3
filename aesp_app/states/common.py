"""Small helpers shared by states."""

from __future__ import annotations

import reflex as rx


def route_param(state: rx.State, name: str, limit: int = 200) -> str:
    """A dynamic route segment (/orders/[code]) or, failing that, a query parameter."""
    params = getattr(state.router, "_page", None)
    value = (params.params.get(name) if params is not None else None) or state.router.url.query_parameters.get(name, "")
    return str(value or "")[:limit]


def to_int(value, default: int = 0) -> int:  # noqa: ANN001
    """Handler arguments come from browsers: anything that is not a whole number is DEFAULT."""
    if isinstance(value, bool):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
