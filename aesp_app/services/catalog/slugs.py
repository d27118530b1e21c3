"""Product slugs, per the catalogue rule: lower case ASCII letters and digits in runs joined by
single dashes, no dash at either end, unique per (type, slug); on a clash a base-36 time suffix
is appended, as JavaScript's `-${Date.now().toString(36)}` would.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Callable

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
MAX_SUFFIX_ATTEMPTS = 1000


def ascii_fold(text: str) -> str:
    """Vietnamese (and other Latin) letters without accents; đ/Đ become d/D."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def is_valid_slug(slug: str) -> bool:
    return bool(SLUG_RE.match(slug))


def slugify(title: str, *, max_length: int | None = None) -> str:
    """"Tiếng Anh giao tiếp -- Cơ bản!" -> "tieng-anh-giao-tiep-co-ban".

    max_length cuts at a dash so no word is split when possible. ValueError when nothing is left.
    """
    slug = _NON_ALNUM_RE.sub("-", ascii_fold(title or "").lower()).strip("-")
    if max_length is not None:
        if max_length < 1:
            raise ValueError("max_length must be at least 1.")
        if len(slug) > max_length:
            cut = slug[:max_length]
            if slug[max_length] != "-" and "-" in cut:
                cut = cut.rsplit("-", 1)[0]
            slug = cut.strip("-")
    if not slug:
        raise ValueError(f"Cannot make a slug from {title!r}: it has no letters or digits.")
    return slug


def base36(number: int) -> str:
    """Non-negative int in base 36 with lower-case digits, like Number.prototype.toString(36)."""
    if isinstance(number, bool) or not isinstance(number, int) or number < 0:
        raise ValueError(f"base36 needs a non-negative whole number, got {number!r}.")
    if number == 0:
        return "0"
    digits = []
    while number:
        number, rest = divmod(number, 36)
        digits.append(_BASE36[rest])
    return "".join(reversed(digits))


def current_ms() -> int:
    """Milliseconds since the Unix epoch, like Date.now()."""
    return time.time_ns() // 1_000_000


def with_time_suffix(slug: str, now_ms: int) -> str:
    """slug + "-" + base36(now_ms): "ielts-7-0" at 1710473400000 -> "ielts-7-0-lts3p680"."""
    if not is_valid_slug(slug):
        raise ValueError(f"{slug!r} is not a valid slug.")
    return f"{slug}-{base36(now_ms)}"


def unique_slug(title: str, exists: Callable[[str], bool], now_ms: int | None = None) -> str:
    """The plain slug if free, else the slug with a time suffix; on a further clash the
    millisecond moves forward until `exists` says the candidate is free."""
    slug = slugify(title)
    if not exists(slug):
        return slug
    moment = current_ms() if now_ms is None else now_ms
    for _ in range(MAX_SUFFIX_ATTEMPTS):
        candidate = with_time_suffix(slug, moment)
        if not exists(candidate):
            return candidate
        moment += 1
    raise RuntimeError(f"No free slug for {title!r} after {MAX_SUFFIX_ATTEMPTS} attempts.")
