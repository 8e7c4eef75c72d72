"""Invitation links and one-time codes: random, stored only as hashes.

A link token is 32 random bytes (URL-safe base64): it says nothing about the citizen and is
stored as its SHA-256, so a copy of the database cannot be turned into working links. A
one-time code is six digits, stored as an HMAC keyed with the site's secret and bound to the
participant, so the hash of one participant's code does not match another's.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

CODE_DIGITS = 6
CODE_MAX_FAILURES = 5  # then the participant must ask for a new code (like the login lockout)


def token_new() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def code_new() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_hash(*, participant_id: object, code: str) -> str:
    key = settings.SECRET_KEY.encode("utf-8")
    message = f"consultation-code:{participant_id}:{code}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def code_matches(*, participant_id: object, code: str, stored: str) -> bool:
    if not stored:
        return False
    return hmac.compare_digest(code_hash(participant_id=participant_id, code=code), stored)
