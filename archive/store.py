"""The document store: where taken files live, keyed by content hash.

On one host it is a directory under DOSSIER_HOME; on several hosts it is
the bank's shared file system mounted at the same path. `DocumentStore` is
the port; `DirectoryStore` the adapter. Stored files are encrypted
(`archive.crypto.FileCipher`) — the scans hold the same personal data as
the record. Writes are atomic (temp file + rename in the same directory),
so a crash never leaves half a file under a real key.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

from archive.crypto import FileCipher, TamperedData
from config.errors import TransientFailure

CHUNK = 1024 * 1024


class SourceChanged(TransientFailure):
    """The file changed while it was being taken; try again once it settles."""

    code = "source_changed"


class DocumentStore(Protocol):
    """MUST keep every stored file until told otherwise; MUST make `put`
    atomic and idempotent (same content twice = one file); MUST hand back
    exactly the bytes that were put, or raise."""

    def put(self, source: Path, *, move: bool) -> tuple[str, str]: ...

    def read_bytes(self, key: str) -> bytes: ...

    def plaintext(self, key: str) -> contextlib.AbstractContextManager[Path]: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...


class _HashingReader(io.RawIOBase):
    """Reads a file while hashing exactly the bytes read."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:  # type: ignore[override]
        data = self.fh.read(size)
        self.digest.update(data)
        return data


class _HashingWriter(io.RawIOBase):
    """Writes to a file while hashing exactly the bytes written."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.digest.update(data)
        return self.fh.write(data)


class DirectoryStore:
    def __init__(self, root: Path, files: FileCipher | None = None) -> None:
        self.root = root
        self.files = files

    def key_for(self, sha256: str) -> str:
        return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def path(self, key: str) -> Path:
        """Where the (encrypted) file lies: for backups and operators."""
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
            sha256 = self._write(source, tmp)
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

    def _write(self, source: Path, target: Path) -> str:
        before = _signature(source)
        # O_NOFOLLOW: a file swapped for a symbolic link after the watcher
        # looked at it is refused (ELOOP), never read through the link.
        nofollow = os.open(source, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(nofollow, "rb") as src, target.open("wb") as dst:
            reader = _HashingReader(src)
            if self.files is None:
                shutil.copyfileobj(reader, dst, CHUNK)  # type: ignore[misc]
            else:
                self.files.encrypt(reader, dst, b"store")  # type: ignore[arg-type]
            dst.flush()
            os.fsync(dst.fileno())
        if _signature(source) != before:
            raise SourceChanged(f"{source.name} changed while it was being taken")
        return reader.digest.hexdigest()

    def read_bytes(self, key: str) -> bytes:
        out = io.BytesIO()
        self._read_into(key, out)
        return out.getvalue()

    @contextlib.contextmanager
    def plaintext(self, key: str) -> Iterator[Path]:
        """The decrypted file at a private temporary path, removed after use
        (the extractors and renderers read files)."""
        fd, name = tempfile.mkstemp(prefix="dossier-", dir=self._scratch())
        path = Path(name)
        try:
            with os.fdopen(fd, "wb") as out:
                self._read_into(key, out)
            yield path
        finally:
            path.unlink(missing_ok=True)

    def _scratch(self) -> Path:
        scratch = self.root / ".scratch"
        scratch.mkdir(mode=0o700, parents=True, exist_ok=True)
        return scratch

    def _read_into(self, key: str, out: BinaryIO) -> None:
        """Stream the stored bytes into `out`, checking them against the
        hash in the key (a file swapped or damaged on disk is refused)."""
        writer = _HashingWriter(out)
        with self.path(key).open("rb") as src:
            if self.files is None:
                shutil.copyfileobj(src, writer, CHUNK)  # type: ignore[misc]
            else:
                self.files.decrypt(src, writer, b"store")  # type: ignore[arg-type]
        if writer.digest.hexdigest() != key.rsplit("/", 1)[-1]:
            raise TamperedData(f"stored file {key} does not match its hash")

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def keys(self) -> Iterator[str]:
        for path in self.root.glob("??/??/*"):
            if path.is_file():
                yield str(path.relative_to(self.root))


def _signature(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns
