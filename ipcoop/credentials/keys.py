"""The platform's signing key and where it is published.

The Ed25519 private key comes from the ``IPCOOP_SIGNING_KEY`` setting (environment
variable of the same name): a PKCS#8 PEM or the base64 of the 32-byte seed. Without it,
development and tests use a key generated once and kept in ``var/`` (never committed);
production refuses to sign without it.

The public key is published at ``/.well-known/ipcoop-issuer.json``, one JSON document
that is at once the issuer's Open Badges ``Profile`` and the controller document of its
key (a ``Multikey`` with ``publicKeyMultibase``). An HTTPS URL on the platform's own
host was chosen over a did:web document (``/.well-known/did.json``): a verifier needs
nothing but an HTTP client to fetch it, it works unchanged on any host and port
(did:web encodes the host, and a port, into the identifier), and the issuer ``id`` in
every credential is the address of that document, so it dereferences to the issuer.
The key is named by its own Multikey as the fragment (``…/ipcoop-issuer.json#z6Mk…``),
so a new key gets a new identifier. After a change of key, list the old public keys
(their ``z6Mk…`` Multikeys) in ``IPCOOP_RETIRED_SIGNING_KEYS`` (comma-separated): they are
still published and still verify the certificates they signed; nothing new is signed
with them.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ipcoop.lib import credentials as lib

ISSUER_PATH = "/.well-known/ipcoop-issuer.json"
DEV_KEY_FILE = "credentials-signing-key.pem"
_lock = threading.Lock()


def _dev_key_path() -> Path:
    return Path(settings.VAR_DIR) / DEV_KEY_FILE


def _read_or_create(path: Path) -> str:
    """The development key: read it, or create it once (exclusive create, mode 0600)."""
    with _lock:
        try:
            return path.read_text()
        except FileNotFoundError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = lib.private_key_pem(Ed25519PrivateKey.generate())
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return path.read_text()
        with os.fdopen(fd, "w") as handle:
            handle.write(pem)
        return pem


@lru_cache(maxsize=4)
def _load(text: str) -> Ed25519PrivateKey:
    try:
        return lib.load_private_key(text)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"IPCOOP_SIGNING_KEY is not usable: {error} Give a PKCS#8 PEM Ed25519 key or the "
            "base64 of a 32-byte seed."
        ) from error


def signing_key() -> Ed25519PrivateKey:
    text = getattr(settings, "IPCOOP_SIGNING_KEY", "") or os.environ.get("IPCOOP_SIGNING_KEY", "")
    if not text:
        if getattr(settings, "PRODUCTION", False):
            raise ImproperlyConfigured(
                "Production mode needs IPCOOP_SIGNING_KEY (an Ed25519 key, PEM or base64 seed) "
                "to sign certificates."
            )
        text = _read_or_create(_dev_key_path())
    return _load(text)


def public_key() -> Ed25519PublicKey:
    return signing_key().public_key()


def public_multikey() -> str:
    return lib.multikey(public_key())


def issuer_id(base_url: str) -> str:
    return base_url + ISSUER_PATH


def key_id(base_url: str) -> str:
    return f"{issuer_id(base_url)}#{public_multikey()}"


def retired_multikeys() -> list[str]:
    value = getattr(settings, "IPCOOP_RETIRED_SIGNING_KEYS", None)
    if value is None:
        value = os.environ.get("IPCOOP_RETIRED_SIGNING_KEYS", "")
    items = value.split(",") if isinstance(value, str) else list(value)
    return [item.strip() for item in items if item.strip()]


def verification_keys() -> dict[str, Ed25519PublicKey]:
    """Every key that verifies the platform's credentials, by Multikey: the current one
    first, then the retired ones."""
    result = {public_multikey(): public_key()}
    for value in retired_multikeys():
        try:
            result.setdefault(value, lib.public_key_from_multikey(value))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"IPCOOP_RETIRED_SIGNING_KEYS holds {value!r}, which is not an Ed25519 Multikey."
            ) from error
    return result
