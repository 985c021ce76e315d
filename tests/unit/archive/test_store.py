from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from archive.store import DirectoryStore
from config.errors import TransientFailure


def test_put_moves_the_file_under_its_hash(tmp_path: Path) -> None:
    source = tmp_path / "in.png"
    source.write_bytes(b"scan bytes")
    store = DirectoryStore(tmp_path / "store")
    key, sha = store.put(source, move=True)
    assert sha == hashlib.sha256(b"scan bytes").hexdigest()
    assert store.path(key).read_bytes() == b"scan bytes"
    assert not source.exists()


def test_put_twice_keeps_one_copy(tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path / "store")
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_bytes(b"same")
    b.write_bytes(b"same")
    key1, _ = store.put(a, move=False)
    key2, _ = store.put(b, move=False)
    assert key1 == key2
    assert a.exists()
    assert len([p for p in (tmp_path / "store").rglob("*") if p.is_file()]) == 1


def test_a_store_that_cannot_write_raises_transient_and_keeps_the_source(tmp_path: Path) -> None:
    source = tmp_path / "in.png"
    source.write_bytes(b"scan bytes")
    blocker = tmp_path / "store"
    blocker.write_text("a file where the store folder should be")
    with pytest.raises(TransientFailure):
        DirectoryStore(blocker).put(source, move=True)
    assert source.read_bytes() == b"scan bytes"
