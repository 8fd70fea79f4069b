"""Secrets handed to people once (API tokens, private feed and calendar URLs).

A secret is a short prefix naming its use (so a leaked one is recognisable in logs and
scanners) followed by 256 random bits. Only its SHA-256 digest is stored: with that much
randomness a fast hash is enough, no salt or stretching needed.
"""

from __future__ import annotations

import hashlib
import secrets


def new_secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
