"""Field and file encryption: round trips, and every tampering detected."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from archive.crypto import (
    CHUNK,
    BlindIndex,
    FieldCipher,
    FileCipher,
    Keyring,
    TamperedData,
    new_key_material,
    read_key_file,
    write_key_file,
)
from archive.records import Sealer
from archive.store import DirectoryStore


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    return Keyring.open_or_create(tmp_path / "keys" / "k.json")


def test_a_sealed_value_opens_only_in_its_own_record_and_field(keyring: Keyring) -> None:
    cipher = FieldCipher(keyring)
    token = cipher.seal_json("110105194912310029", "rec-1", "id_number")
    assert "110105" not in token
    assert cipher.open_json(token, "rec-1", "id_number") == "110105194912310029"
    with pytest.raises(TamperedData):
        cipher.open_json(token, "rec-2", "id_number")  # swapped between rows
    with pytest.raises(TamperedData):
        cipher.open_json(token, "rec-1", "mobile")  # swapped between fields


def test_a_modified_token_is_refused(keyring: Keyring) -> None:
    cipher = FieldCipher(keyring)
    token = cipher.seal_json("张伟", "rec-1", "name")
    body = token[-10:]
    flipped = token[:-10] + ("A" if body[0] != "A" else "B") + body[1:]
    with pytest.raises(TamperedData):
        cipher.open_json(flipped, "rec-1", "name")


def test_the_key_file_is_owner_only_and_reloaded_when_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    keyring = Keyring.open_or_create(path)
    assert path.stat().st_mode & 0o077 == 0
    old = keyring.active_id
    token = FieldCipher(keyring).seal_json("x", "r", "f")
    material = read_key_file(path)
    fresh = new_key_material()
    write_key_file(path, type(material)(fresh.active, {**material.keys, **fresh.keys},
                                        material.index_key, material.audit_key))
    assert keyring.active_id == fresh.active != old
    assert FieldCipher(keyring).open_json(token, "r", "f") == "x"  # old key still reads


def test_the_blind_index_is_stable_normalised_and_keyed(tmp_path: Path) -> None:
    one = BlindIndex(Keyring.open_or_create(tmp_path / "a.json"))
    two = BlindIndex(Keyring.open_or_create(tmp_path / "b.json"))
    assert one.of("resident_id", "11010519491231002x") == one.of("resident_id",
                                                                 " 11010519491231002X ")
    assert one.of("resident_id", "1") != one.of("passport", "1")
    assert one.of("resident_id", "1") != two.of("resident_id", "1")


@pytest.mark.parametrize("size", [0, 1, CHUNK, CHUNK + 1, 2 * CHUNK + 12345])
def test_files_round_trip_at_every_chunk_boundary(keyring: Keyring, size: int) -> None:
    data = bytes(i % 251 for i in range(size))
    sealed, opened = io.BytesIO(), io.BytesIO()
    FileCipher(keyring).encrypt(io.BytesIO(data), sealed, b"ctx")
    FileCipher(keyring).decrypt(io.BytesIO(sealed.getvalue()), opened, b"ctx")
    assert opened.getvalue() == data


def test_a_truncated_or_rebound_file_is_refused(keyring: Keyring) -> None:
    data = b"x" * (2 * CHUNK + 10)
    sealed = io.BytesIO()
    FileCipher(keyring).encrypt(io.BytesIO(data), sealed, b"ctx")
    whole = sealed.getvalue()
    with pytest.raises(TamperedData):  # the last chunk cut off
        FileCipher(keyring).decrypt(io.BytesIO(whole[: -(10 + 16)]), io.BytesIO(), b"ctx")
    with pytest.raises(TamperedData):  # opened in another context
        FileCipher(keyring).decrypt(io.BytesIO(whole), io.BytesIO(), b"other")


def test_the_store_keeps_no_plain_bytes_and_refuses_a_swapped_file(
    keyring: Keyring, tmp_path: Path
) -> None:
    store = DirectoryStore(tmp_path / "store", FileCipher(keyring))
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_bytes(b"customer 13800138000 scan")
    b.write_bytes(b"another scan")
    key_a, _ = store.put(a, move=False)
    key_b, _ = store.put(b, move=False)
    assert b"13800138000" not in store.path(key_a).read_bytes()
    assert store.read_bytes(key_a) == a.read_bytes()
    with store.plaintext(key_a) as path:
        assert path.read_bytes() == a.read_bytes()
    assert not path.exists()
    store.path(key_a).write_bytes(store.path(key_b).read_bytes())
    with pytest.raises(TamperedData):
        store.read_bytes(key_a)


def test_sealed_values_keep_codes_plain_and_personal_fields_sealed(keyring: Keyring) -> None:
    sealer = Sealer(FieldCipher(keyring), BlindIndex(keyring))
    values = {"name": "王芳", "gender": "F", "mobile": "13800138000", "email": None}
    stored = sealer.seal_values(values, "app-1", {"name", "mobile", "email"})
    assert stored["gender"] == "F" and stored["email"] is None
    assert "王芳" not in str(stored) and "13800138000" not in str(stored)
    assert sealer.open_values(stored, "app-1") == values


def _keys_seen_by_a_new_process(path: str) -> str:
    return Keyring.open_or_create(Path(path)).active_id


def test_processes_starting_together_on_a_fresh_home_agree_on_one_key_file(
    tmp_path: Path,
) -> None:
    # A watcher and workers started at once must not each create keys: data
    # sealed under a key that was overwritten could never be opened again.
    import concurrent.futures
    import multiprocessing

    path = str(tmp_path / "keys" / "race.keys")
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(6, mp_context=context) as pool:
        seen = set(pool.map(_keys_seen_by_a_new_process, [path] * 24))
    assert seen == {Keyring(Path(path)).active_id}
    assert [p.name for p in (tmp_path / "keys").iterdir()] == ["race.keys"]
