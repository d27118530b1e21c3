"""Password hashing and opaque tokens. Plain tokens go to the browser or an e-mail only;
the database keeps their SHA-256."""

from __future__ import annotations

import hashlib
import secrets

import bcrypt

# bcrypt reads at most 72 bytes; longer passwords are refused by validation, not truncated.
BCRYPT_MAX_BYTES = 72
BCRYPT_ROUNDS = 12


def hash_password(password: str, *, rounds: int = BCRYPT_ROUNDS) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds=rounds)).decode("ascii")


def verify_password(password: str, password_hash: str | None) -> bool:
    if not password_hash:
        return False
    encoded = password.encode("utf-8")
    if len(encoded) > BCRYPT_MAX_BYTES:
        return False
    try:
        return bcrypt.checkpw(encoded, password_hash.encode("ascii"))
    except ValueError:
        return False


def new_token() -> str:
    """256 bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
