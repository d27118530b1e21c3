"""Time: stored in UTC, shown in the user's zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aesp_app.models.base import utcnow

DEFAULT_ZONE = "Asia/Ho_Chi_Minh"

__all__ = ["utcnow", "to_local", "format_local", "is_valid_zone"]


def is_valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def to_local(moment: dt.datetime, zone: str | None = None) -> dt.datetime:
    """A UTC datetime (aware, or naive meaning UTC) in the given zone."""
    tz = ZoneInfo(zone if zone and is_valid_zone(zone) else DEFAULT_ZONE)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(tz)


def format_local(moment: dt.datetime | None, zone: str | None = None, *, with_time: bool = True) -> str:
    if moment is None:
        return ""
    local = to_local(moment, zone)
    return local.strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")
