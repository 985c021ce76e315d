"""The document store: where taken files live, keyed by content hash.

On one host it is a directory under DOSSIER_HOME; on several hosts it is
the bank's shared file system mounted at the same path. `DocumentStore` is
the port; `DirectoryStore` the adapter. Writes are atomic (temp file +
rename in the same directory), so a crash never leaves half a file under
a real key.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from pathlib import Path
from typing import Protocol

from config.errors import TransientFailure

CHUNK = 1024 * 1024


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class SourceChanged(TransientFailure):
    """The file changed while it was being taken; try again once it settles."""

    code = "source_changed"


class DocumentStore(Protocol):
    """MUST keep every stored file until told otherwise; MUST make `put`
    atomic and idempotent (same content twice = one file)."""

    def put(self, source: Path, *, move: bool) -> tuple[str, str]: ...

    def path(self, key: str) -> Path: ...

    def exists(self, key: str) -> bool: ...


class DirectoryStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def key_for(self, sha256: str) -> str:
        return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def path(self, key: str) -> Path:
        return self.root / key

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def put(self, source: Path, *, move: bool) -> tuple[str, str]:
        """Take `source` into the store; return (key, sha256).

        The hash is computed from the very bytes written, and the source is
        removed (with `move`) only after the stored copy is durable, so a
        crash at any point leaves the file in the inbox or in the store.
        """
        tmp = self.root / f".incoming.{os.getpid()}.{uuid.uuid4().hex}"
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            sha256 = _copy_hashing(source, tmp)
            key = self.key_for(sha256)
            target = self.path(key)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, target)
            if move:
                source.unlink()
        except OSError as exc:
            raise TransientFailure(
                f"document store cannot take the file: {exc.strerror or exc}",
                code="store_unavailable",
            ) from exc
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
        return key, sha256


def _signature(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def _copy_hashing(source: Path, target: Path) -> str:
    before = _signature(source)
    digest = hashlib.sha256()
    with source.open("rb") as src, target.open("wb") as dst:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    if _signature(source) != before:
        raise SourceChanged(f"{source.name} changed while it was being taken")
    return digest.hexdigest()
