"""Known answers for the framework-free parts: JCS, base58, Multikey, Ed25519 and the
eddsa-jcs-2022 proof."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ipcoop.lib import credentials as lib
from tests.credentials.conftest import TEST_SEED

RFC8032_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
RFC8032_EMPTY_SIGNATURE = (
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701"
    "cf9b46bd25bf5f0595bbe24655141438e7a100b"
)


def test_ed25519_rfc8032_test_1() -> None:
    key = lib.load_private_key(base64.b64encode(TEST_SEED).decode())
    assert lib.public_key_bytes(key.public_key()).hex() == RFC8032_PUBLIC
    assert key.sign(b"").hex() == RFC8032_EMPTY_SIGNATURE


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        (b"", ""),
        (b"\0", "1"),
        (b"Hello World!", "2NEpo7TZRRrLZSi2U"),
        (
            b"The quick brown fox jumps over the lazy dog.",
            "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z",
        ),
        (bytes.fromhex("0000287fb4cd"), "11233QC4"),
    ],
)
def test_base58_vectors(raw: bytes, encoded: str) -> None:
    assert lib.b58encode(raw) == encoded
    assert lib.b58decode(encoded) == raw


def test_base58_refuses_characters_outside_the_alphabet() -> None:
    for bad in ("0abc", "Oabc", "Iabc", "labc"):
        with pytest.raises(ValueError):
            lib.b58decode(bad)


def test_multikey_is_ed25519_multicodec_in_base58btc() -> None:
    key = lib.load_private_key(base64.b64encode(TEST_SEED).decode()).public_key()
    value = lib.multikey(key)
    assert value.startswith("z6Mk")
    assert lib.multibase_decode(value) == b"\xed\x01" + bytes.fromhex(RFC8032_PUBLIC)
    assert lib.public_key_bytes(lib.public_key_from_multikey(value)).hex() == RFC8032_PUBLIC


def test_pem_and_seed_give_the_same_key() -> None:
    key = lib.load_private_key(base64.b64encode(TEST_SEED).decode())
    again = lib.load_private_key(lib.private_key_pem(key))
    assert lib.public_key_bytes(again.public_key()) == lib.public_key_bytes(key.public_key())
    with pytest.raises(ValueError):
        lib.load_private_key(base64.b64encode(b"short").decode())


def test_jcs_orders_members_by_utf16_code_units() -> None:
    # RFC 8785, 3.2.3: the emoji (a surrogate pair, D83D) sorts before U+FB33.
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    names = [
        "\r",
        "1",
        "\u0080",
        "\u00f6",
        "\u20ac",
        "\U0001f600",
        "\ufb33",
    ]
    expected = (
        "{" + ",".join(lib._string(name) + ":" + lib._string(value[name]) for name in names) + "}"
    )
    assert lib.canonical_json(value) == expected.encode()
    assert lib.canonical_json(value).startswith(b'{"\\r":"Carriage Return","1":"One"')


def test_jcs_writes_strings_and_literals_like_ecmascript() -> None:
    value = {"b": [True, False, None, -7, 0], "a": 'q"\\/\n\x01\u2028é한'}
    assert lib.canonical_json(value) == (
        '{"a":"q\\"\\\\/\\n\\u0001\u2028é한","b":[true,false,null,-7,0]}'.encode()
    )


def test_jcs_refuses_what_it_does_not_canonicalise() -> None:
    for bad in (1.5, 2**60, "\ud800", {1: "x"}, {"a": object()}):
        with pytest.raises(ValueError):
            lib.canonical_json(bad)


def _signed(document: dict) -> dict:
    key = Ed25519PrivateKey.from_private_bytes(TEST_SEED)
    return lib.sign(
        document,
        key,
        verification_method="https://issuer.example/key#1",
        created="2026-01-01T00:00:00Z",
    )


def test_eddsa_jcs_2022_proof_signs_both_hashes_proof_options_first() -> None:
    document = {"@context": ["https://www.w3.org/2018/credentials/v1"], "name": "x", "n": 1}
    signed = _signed(document)
    proof = signed["proof"]
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-jcs-2022"
    assert proof["proofValue"].startswith("z")
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    options["@context"] = document["@context"]
    hash_data = (
        hashlib.sha256(lib.canonical_json(options)).digest()
        + hashlib.sha256(lib.canonical_json(document)).digest()
    )
    key = Ed25519PrivateKey.from_private_bytes(TEST_SEED)
    # Ed25519 is deterministic: the same input gives the same signature.
    assert lib.multibase_decode(proof["proofValue"]) == key.sign(hash_data)
    assert lib.verify(signed, key.public_key())


def test_proof_does_not_depend_on_member_order() -> None:
    signed = _signed({"b": 1, "a": {"y": 2, "x": 3}})
    reordered = {"proof": signed["proof"], "a": {"x": 3, "y": 2}, "b": 1}
    key = Ed25519PrivateKey.from_private_bytes(TEST_SEED).public_key()
    assert lib.verify(reordered, key)


def test_any_change_breaks_the_proof() -> None:
    key = Ed25519PrivateKey.from_private_bytes(TEST_SEED).public_key()
    signed = _signed({"name": "Ada", "n": 1, "list": ["a"]})
    assert lib.verify(signed, key)
    for change in (
        {"name": "Adb"},
        {"n": 2},
        {"list": ["a", "b"]},
        {"extra": True},
    ):
        assert not lib.verify({**signed, **change}, key)
    tampered_proof = {**signed, "proof": {**signed["proof"], "created": "2027-01-01T00:00:00Z"}}
    assert not lib.verify(tampered_proof, key)
    other = Ed25519PrivateKey.generate().public_key()
    assert not lib.verify(signed, other)
    assert not lib.verify({"name": "Ada"}, key)
    assert not lib.verify({**signed, "proof": {**signed["proof"], "proofValue": "zz0"}}, key)
