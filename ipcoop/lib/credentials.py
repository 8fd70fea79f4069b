"""Signed credentials without a framework: JSON canonicalisation, base58, Multikey and
Data Integrity proofs with the ``eddsa-jcs-2022`` cryptosuite.

- ``canonical_json``: the JSON Canonicalization Scheme (RFC 8785) for the JSON the
  platform emits: objects, arrays, strings, integers, booleans and null. Object
  members are sorted by the UTF-16 code units of their names, strings are written as
  ECMAScript's ``JSON.stringify`` writes them (only ``"``, ``\\`` and control
  characters escaped), no whitespace. Assumption: no floating-point numbers (RFC 8785
  writes them with ECMAScript's shortest round-trip algorithm, which this module does
  not implement), and integers stay within ±2**53 so every JSON reader keeps them
  exact; anything else raises ``ValueError`` rather than producing bytes another
  verifier would canonicalise differently.
- ``b58encode`` / ``b58decode``: base58 with the Bitcoin alphabet, which multibase
  calls ``base58btc`` (prefix ``z``).
- ``multikey``: an Ed25519 public key as a Multikey ``publicKeyMultibase``: the
  multicodec prefix 0xed 0x01, then the 32 key bytes, in base58btc (``z6Mk…``).
- ``sign`` / ``verify``: a Data Integrity proof (``DataIntegrityProof``,
  ``eddsa-jcs-2022``). The proof options (without ``proofValue``, with the document's
  ``@context``) and the document (without ``proof``) are each canonicalised and
  hashed with SHA-256; Ed25519 signs the two hashes, proof options first. The
  signature goes into ``proofValue`` in base58btc.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

# JSON canonicalisation (RFC 8785) ---------------------------------------------------

MAX_SAFE_INTEGER = 2**53 - 1
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _string(value: str) -> str:
    out = ['"']
    for char in value:
        code = ord(char)
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif code < 0x20:
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:
            raise ValueError("A string holds a lone surrogate: it is not valid Unicode text.")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _utf16_order(name: str) -> bytes:
    return name.encode("utf-16-be", "surrogatepass")


def _write(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise ValueError(f"The integer {value} is too large to be read back exactly.")
        out.append(str(value))
    elif isinstance(value, float):
        raise ValueError("Floating-point numbers are not canonicalised here: use integers.")
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _write(item, out)
        out.append("]")
    elif isinstance(value, dict):
        out.append("{")
        names = list(value)
        if any(not isinstance(name, str) for name in names):
            raise ValueError("Object member names must be strings.")
        for index, name in enumerate(sorted(names, key=_utf16_order)):
            if index:
                out.append(",")
            out.append(_string(name))
            out.append(":")
            _write(value[name], out)
        out.append("}")
    else:
        raise ValueError(f"{type(value).__name__} is not a JSON value.")


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 canonical form of ``value`` as UTF-8 bytes (see the module notes)."""
    out: list[str] = []
    _write(value, out)
    return "".join(out).encode("utf-8")


# Base58 (Bitcoin alphabet) and multibase --------------------------------------------

B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {char: index for index, char in enumerate(B58_ALPHABET)}


def b58encode(data: bytes) -> str:
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, rest = divmod(number, 58)
        digits.append(B58_ALPHABET[rest])
    return "1" * zeros + "".join(reversed(digits))


def b58decode(text: str) -> bytes:
    zeros = len(text) - len(text.lstrip("1"))
    number = 0
    for char in text:
        if char not in _B58_INDEX:
            raise ValueError(f"{char!r} is not a base58 character.")
        number = number * 58 + _B58_INDEX[char]
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def multibase_encode(data: bytes) -> str:
    return "z" + b58encode(data)


def multibase_decode(text: str) -> bytes:
    if not text.startswith("z"):
        raise ValueError("Only base58btc multibase values (starting with 'z') are read here.")
    return b58decode(text[1:])


# Keys ------------------------------------------------------------------------------

ED25519_MULTICODEC = b"\xed\x01"


def public_key_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def multikey(key: Ed25519PublicKey) -> str:
    """The key's ``publicKeyMultibase`` (``z6Mk…``)."""
    return multibase_encode(ED25519_MULTICODEC + public_key_bytes(key))


def public_key_from_multikey(text: str) -> Ed25519PublicKey:
    raw = multibase_decode(text)
    if not raw.startswith(ED25519_MULTICODEC) or len(raw) != 34:
        raise ValueError("Not an Ed25519 Multikey.")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def load_private_key(text: str) -> Ed25519PrivateKey:
    """An Ed25519 private key from PEM (PKCS#8) or from the base64 of its 32-byte seed."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("The PEM key is not an Ed25519 key.")
        return key
    try:
        seed = base64.b64decode(text, validate=True)
    except ValueError as error:
        raise ValueError("The key is neither PEM nor base64.") from error
    if len(seed) != 32:
        raise ValueError("A base64 Ed25519 seed decodes to 32 bytes.")
    return Ed25519PrivateKey.from_private_bytes(seed)


def private_key_pem(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


# Data Integrity proofs (eddsa-jcs-2022) ---------------------------------------------

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"


def _hash_data(document: dict, proof_options: dict) -> bytes:
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    options = {name: value for name, value in proof_options.items() if name != "proofValue"}
    if "@context" in unsecured:
        options["@context"] = unsecured["@context"]
    return (
        hashlib.sha256(canonical_json(options)).digest()
        + hashlib.sha256(canonical_json(unsecured)).digest()
    )


def sign(
    document: dict,
    key: Ed25519PrivateKey,
    *,
    verification_method: str,
    created: str,
    proof_purpose: str = "assertionMethod",
) -> dict:
    """A copy of ``document`` with an embedded ``eddsa-jcs-2022`` proof."""
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    signature = key.sign(_hash_data(document, options))
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    return {**unsecured, "proof": {**options, "proofValue": multibase_encode(signature)}}


def verify(
    document: dict, key: Ed25519PublicKey, *, proof_purpose: str = "assertionMethod"
) -> bool:
    """Whether ``document`` carries one ``eddsa-jcs-2022`` proof that ``key`` made over
    exactly this content. Never raises for a malformed document: it is just not valid."""
    proof = document.get("proof") if isinstance(document, dict) else None
    if not isinstance(proof, dict):
        return False
    if (
        proof.get("type") != PROOF_TYPE
        or proof.get("cryptosuite") != CRYPTOSUITE
        or proof.get("proofPurpose") != proof_purpose
        or not isinstance(proof.get("proofValue"), str)
    ):
        return False
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    if "@context" in options and options["@context"] != document.get("@context"):
        return False
    try:
        signature = multibase_decode(proof["proofValue"])
        key.verify(signature, _hash_data(document, options))
    except (InvalidSignature, ValueError):
        return False
    return True
