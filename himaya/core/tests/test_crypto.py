"""The keyring: authenticated encryption bound to a column, key ids, blind indexes, the key file."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from himaya.core.crypto import DecryptionError, Keyring, KeyringError, ensure_keyring, get_keyring, reset_keyring_cache

CTX = "people_person.phone"


@pytest.fixture
def keyring() -> Keyring:
    return Keyring.generate()


def _flip_bit(token: str, byte_index: int) -> str:
    prefix, kid, body = token.split(".", 2)
    raw = bytearray(base64.b64decode(body))
    raw[byte_index] ^= 0x01
    return f"{prefix}.{kid}.{base64.b64encode(bytes(raw)).decode()}"


@pytest.mark.parametrize(
    "plain",
    [
        "Maria Santos",
        "فاطمة الزهراء بنت محمد",
        "Priya 🙏🏽 Devi 👩‍👧",
        "x" * 100_000,
        "\x00 nul and\nnewline",
        "",
    ],
)
def test_it_round_trips_text_in_any_script(keyring: Keyring, plain: str) -> None:
    token = keyring.encrypt(plain, context=CTX)
    assert plain == "" or plain not in token
    assert keyring.decrypt(token, context=CTX) == plain


def test_it_gives_a_different_ciphertext_each_time(keyring: Keyring) -> None:
    # Equal values must not be recognisable as equal in a dump.
    assert keyring.encrypt("P1234567", context=CTX) != keyring.encrypt("P1234567", context=CTX)


def test_it_names_the_key_in_the_ciphertext(keyring: Keyring) -> None:
    token = keyring.encrypt("x", context=CTX)
    assert token.startswith("hx1.k1.")
    assert Keyring.key_id_of(token) == "k1"
    assert Keyring.key_id_of("plain text") is None


@pytest.mark.parametrize("byte_index", [0, 5, 12, 13, -1])
def test_it_refuses_a_ciphertext_with_a_flipped_bit(keyring: Keyring, byte_index: int) -> None:
    token = keyring.encrypt("Maria Santos", context=CTX)
    with pytest.raises(DecryptionError):
        keyring.decrypt(_flip_bit(token, byte_index), context=CTX)


@pytest.mark.parametrize("other", ["people_person.given_name_latin", "cases_case.phone", "people_person.phone "])
def test_it_refuses_a_ciphertext_moved_to_another_column_or_table(keyring: Keyring, other: str) -> None:
    token = keyring.encrypt("+97333123456", context=CTX)
    with pytest.raises(DecryptionError):
        keyring.decrypt(token, context=other)


@pytest.mark.parametrize(
    "token",
    ["hx1.k9.AAAA", "hx2.k1.AAAA", "hx1.k1", "hx1.k1.not base64!", "hx1.k1.AAAA", "Maria", ""],
)
def test_it_refuses_malformed_or_unknown_key_ciphertexts(keyring: Keyring, token: str) -> None:
    with pytest.raises(DecryptionError):
        keyring.decrypt(token, context=CTX)


def test_it_refuses_a_ciphertext_relabelled_with_another_key_id(keyring: Keyring) -> None:
    rotated = keyring.with_new_active_key()
    token = rotated.encrypt("Maria", context=CTX)
    relabelled = token.replace("hx1.k2.", "hx1.k1.", 1)
    with pytest.raises(DecryptionError):
        rotated.decrypt(relabelled, context=CTX)


def test_a_rotated_keyring_reads_old_values_and_writes_with_the_new_key(keyring: Keyring) -> None:
    old = keyring.encrypt("Maria", context=CTX)
    rotated = keyring.with_new_active_key()
    assert rotated.active == "k2"
    assert rotated.decrypt(old, context=CTX) == "Maria"
    assert Keyring.key_id_of(rotated.encrypt("Maria", context=CTX)) == "k2"
    # The blind-index key does not change with the data key.
    assert rotated.blind_index("N1", purpose="document") == keyring.blind_index("N1", purpose="document")


def test_it_never_reuses_a_retired_key_id(keyring: Keyring) -> None:
    k3 = keyring.with_new_active_key().with_new_active_key()
    without_k1 = Keyring.from_json(k3.without_key("k1").to_json())
    assert without_k1.retired == ("k1",)
    assert without_k1.with_new_active_key().active == "k4"
    with pytest.raises(KeyringError):
        k3.without_key("k3")  # the active key


def test_blind_indexes_are_keyed_and_separate_purposes(keyring: Keyring) -> None:
    other = Keyring.generate()
    a = keyring.blind_index("+97333123456", purpose="phone")
    assert a == keyring.blind_index("+97333123456", purpose="phone")
    assert a != keyring.blind_index("+97333123456", purpose="document")
    assert a != other.blind_index("+97333123456", purpose="phone")
    assert "97333123456" not in a


def test_it_writes_the_keyring_owner_only_and_reads_it_back(tmp_path: Path) -> None:
    path = tmp_path / "new" / "keys" / "keyring.json"
    assert ensure_keyring(path) is True
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    first = path.read_text()
    assert ensure_keyring(path) is False
    assert path.read_text() == first  # never replaced
    assert [p.name for p in path.parent.iterdir()] == ["keyring.json"]  # no temporary file left
    assert Keyring.load(path).to_json() == first


def test_creating_a_keyring_never_overwrites_one_made_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    existing = Keyring.generate()
    existing.save(path)
    assert Keyring.generate().save(path, replace=False) is False
    assert path.read_text() == existing.to_json()
    assert [p.name for p in tmp_path.iterdir()] == ["keyring.json"]


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        json.dumps({"active": "k1"}),
        json.dumps({"version": 2, "active": "k1", "data_keys": {}, "index_key": ""}),
        json.dumps({"active": "k2", "data_keys": {"k1": base64.b64encode(b"x" * 32).decode()}, "index_key": "x"}),
        json.dumps(
            {
                "active": "k1",
                "data_keys": {"k1": base64.b64encode(b"short").decode()},
                "index_key": base64.b64encode(b"i" * 32).decode(),
            }
        ),
    ],
)
def test_it_refuses_a_malformed_keyring(text: str) -> None:
    with pytest.raises(KeyringError):
        Keyring.from_json(text)


def test_the_keyring_does_not_depend_on_the_secret_key(settings: Any) -> None:
    reset_keyring_cache()
    before = get_keyring()
    token = before.encrypt("Maria", context=CTX)
    index = before.blind_index("N1234567", purpose="document")
    settings.SECRET_KEY = "a-completely-different-secret-key-" + "z" * 40
    reset_keyring_cache()
    after = get_keyring()
    assert after.decrypt(token, context=CTX) == "Maria"
    assert after.blind_index("N1234567", purpose="document") == index


def test_it_reloads_the_keyring_when_the_file_is_replaced(settings: Any, tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    Keyring.generate().save(path)
    settings.HIMAYA_KEYRING_FILE = path
    assert get_keyring().active == "k1"
    Keyring.load(path).with_new_active_key().save(path)
    assert get_keyring().active == "k2"  # no cache reset needed


def test_it_explains_a_missing_keyring(settings: Any, tmp_path: Path) -> None:
    settings.HIMAYA_KEYRING_FILE = tmp_path / "missing.json"
    with pytest.raises(KeyringError, match="keys init"):
        get_keyring()


@given(plain=st.text(max_size=300), context=st.text(min_size=1, max_size=60))
def test_round_trip_holds_for_any_text_and_column(plain: str, context: str) -> None:
    keyring = _PROPERTY_KEYRING
    token = keyring.encrypt(plain, context=context)
    assert token.isascii()
    assert keyring.decrypt(token, context=context) == plain


_PROPERTY_KEYRING = Keyring.generate()
