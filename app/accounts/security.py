"""Passwords (argon2id) and tokens (random, stored as a keyed hash): pure helpers."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2-cffi's defaults follow RFC 9106's second recommendation (argon2id, 64 MiB, t=3).
_hasher = PasswordHasher()
# Verified against when the account does not exist, so a login attempt costs the same time
# whether or not the email is registered.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")

TOKEN_PREFIX = "bzp_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; always spends one argon2 verification."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def new_token() -> str:
    """256 random bits, URL-safe, with a prefix that secret scanners can recognise."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str, secret_key: str) -> str:
    """What is stored and looked up: HMAC-SHA256 of the token under the server secret."""
    return hmac.new(secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


def normalise_email(value: str) -> str:
    """Trimmed, ASCII letters lowercased. Only ASCII: lowercasing other letters can change
    a string's length (`İ` becomes two characters), and the address with it."""
    return value.strip().translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
