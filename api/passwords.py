"""Passwords: hashed with Argon2id (argon2-cffi's `PasswordHasher`, RFC 9106's recommended
parameters as the library sets them), stored in PHC string form, never logged or shown.

Checking a person that has no account (or no password) still runs one verification, against a
dummy hash made with the same parameters, so that the answer's timing does not tell which person
ids exist."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

HASHER = PasswordHasher()  # Argon2id; its defaults follow RFC 9106's low-memory recommendation
MIN_LENGTH = 10
MAX_LENGTH = 1024  # far above any passphrase; bounds the work a single attempt costs


class PasswordRefused(ValueError):
    """A new password that does not meet the policy (too short, too long, control characters)."""


def check_policy(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise PasswordRefused(f"a password has at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise PasswordRefused(f"a password has at most {MAX_LENGTH} characters")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in password):
        raise PasswordRefused("a password has no control characters (a newline, a NUL)")


def hash_password(password: str) -> str:
    check_policy(password)
    return HASHER.hash(password)


@functools.cache
def _dummy_hash() -> str:
    return HASHER.hash("unionflow: no such account, compared for timing only")


def verify(stored: str | None, password: str) -> bool:
    """True when `password` matches `stored`; with no stored hash, a comparison with the dummy
    hash all the same (the same work, the answer False)."""
    candidate = password[:MAX_LENGTH]
    try:
        return HASHER.verify(stored if stored is not None else _dummy_hash(), candidate) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """True when `stored` was made with other parameters than today's (rehashed at sign-in)."""
    try:
        return HASHER.check_needs_rehash(stored)
    except InvalidHashError:
        return True
