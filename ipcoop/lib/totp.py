"""Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP), framework-free.

The authenticator apps people use (and this module by default) agree on HMAC-SHA1,
30-second time steps and 6 digits. A code is accepted for the current step and one
step either side, so a phone clock that is a little off still works; the caller
remembers the last step it accepted so that no code works twice.
"""

from __future__ import annotations

import base64
import hmac
import secrets
import time
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
# Steps accepted either side of the current one.
TOLERANCE = 1
# 160 bits: the key length RFC 4226 recommends for HMAC-SHA1.
SECRET_BYTES = 20


def new_secret() -> str:
    """A random key as unpadded base32, the form authenticator apps accept."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode().rstrip("=")


def decode_secret(secret: str) -> bytes:
    """The key bytes of a base32 secret; spaces, case and missing padding do not matter.

    Raises ValueError when the text is not base32.
    """
    text = "".join(secret.split()).upper()
    text += "=" * (-len(text) % 8)
    try:
        return base64.b32decode(text)
    except (ValueError, TypeError) as error:
        raise ValueError("The secret is not base32 text.") from error


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, digest: str = "sha1") -> str:
    """RFC 4226: the code for ``counter``, with its leading zeros."""
    mac = hmac.new(key, counter.to_bytes(8, "big"), digest).digest()
    offset = mac[-1] & 0x0F
    number = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def time_step(at: float, *, step: int = STEP_SECONDS) -> int:
    """The RFC 6238 counter T for a Unix time (T0 = 0)."""
    return int(at // step)


def totp(
    key: bytes,
    at: float | None = None,
    *,
    step: int = STEP_SECONDS,
    digits: int = DIGITS,
    digest: str = "sha1",
) -> str:
    """RFC 6238: the code at Unix time ``at`` (now when None)."""
    at = time.time() if at is None else at
    return hotp(key, time_step(at, step=step), digits=digits, digest=digest)


def normalise_code(code: str) -> str:
    """What a person typed, without the spaces or dashes some apps show inside a code."""
    return "".join(ch for ch in code if ch not in " -\t")


def matching_step(
    key: bytes,
    code: str,
    at: float | None = None,
    *,
    after: int | None = None,
    tolerance: int = TOLERANCE,
    step: int = STEP_SECONDS,
    digits: int = DIGITS,
) -> int | None:
    """The time step whose code is ``code``, within ``tolerance`` steps of ``at``, or None.

    Steps up to and including ``after`` (the last one accepted before) never match:
    that is the replay protection. Every candidate is compared in constant time.
    """
    code = normalise_code(code)
    if len(code) != digits or not code.isascii() or not code.isdigit():
        return None
    now = time_step(time.time() if at is None else at, step=step)
    found = None
    for candidate in range(now - tolerance, now + tolerance + 1):
        if after is not None and candidate <= after:
            continue
        if hmac.compare_digest(hotp(key, candidate, digits=digits), code) and found is None:
            found = candidate
    return found


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from a QR code."""
    label = quote(f"{issuer}:{account}", safe="@:")
    query = urlencode(
        {
            "secret": secret,
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": DIGITS,
            "period": STEP_SECONDS,
        }
    )
    return f"otpauth://totp/{label}?{query}"
