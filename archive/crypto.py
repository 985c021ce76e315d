"""Keys and field-level encryption (AES-256-GCM) for personal data at rest.

- A *keyring* file holds data-encryption keys by id, which one is active,
  and a separate key for the blind index. It never goes into the database
  or a backup; `DOSSIER_KEY_FILE` points at it (a mounted secret in
  production; generated under $DOSSIER_HOME/keys for the embedded default).
- Every sealed value is bound to its record and field through GCM's
  associated data, so a ciphertext copied into another row or field does
  not decrypt.
- The file is re-read when it changes, so `dossier keys rotate` takes
  effect in running workers without a restart.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from config.errors import ConfigurationError, DossierError

TOKEN_PREFIX = "v1"
NONCE_BYTES = 12


class TamperedData(DossierError):
    """A sealed value does not decrypt for this record and field: it was
    altered, moved between rows, or sealed under a key we do not hold."""

    code = "tampered"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode())


@dataclass(frozen=True)
class KeyMaterial:
    active: str
    keys: dict[str, bytes]
    index_key: bytes
    # Keys the audit chain's HMAC: without it nobody can forge an entry
    # that verifies, even with full write access to the database.
    audit_key: bytes


def new_key_material() -> KeyMaterial:
    kid = "k" + secrets.token_hex(4)
    return KeyMaterial(kid, {kid: AESGCM.generate_key(bit_length=256)}, secrets.token_bytes(32),
                       secrets.token_bytes(32))


def write_key_file(path: Path, material: KeyMaterial) -> None:
    """Write atomically with owner-only permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "active": material.active,
        "keys": {kid: _b64(key) for kid, key in material.keys.items()},
        "index_key": _b64(material.index_key),
        "audit_key": _b64(material.audit_key),
    }
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(data, fh, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _create_key_file_once(path: Path, material: KeyMaterial) -> None:
    """Create the key file unless another process just did.

    A watcher and a worker started together on a fresh home both find no
    key file; if both wrote one, the loser would have sealed data under a
    key that no longer exists. The file is written under a name of this
    process's own and hard-linked into place, which fails if the name is
    taken: exactly one process's keys win and everyone reads those.
    """
    own = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.new")
    write_key_file(own, material)
    try:
        os.link(own, path)
    except FileExistsError:
        pass  # another process won the race: its keys are the keys
    finally:
        own.unlink(missing_ok=True)


def read_key_file(path: Path) -> KeyMaterial:
    try:
        data = json.loads(path.read_text())
        keys = {kid: _unb64(k) for kid, k in data["keys"].items()}
        material = KeyMaterial(data["active"], keys, _unb64(data["index_key"]),
                               _unb64(data["audit_key"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigurationError(f"cannot read key file {path}: {exc}") from exc
    if material.active not in keys or any(len(k) != 32 for k in keys.values()):
        raise ConfigurationError(f"key file {path}: active key missing or not 256-bit")
    return material


class Keyring:
    """The keys of one process, reloaded when the key file changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._material = self._load()

    @classmethod
    def open_or_create(cls, path: Path) -> Keyring:
        if not path.exists():
            _create_key_file_once(path, new_key_material())
        return cls(path)

    def _load(self) -> KeyMaterial:
        st = self.path.stat()
        self._stamp = (st.st_mtime_ns, st.st_size)
        return read_key_file(self.path)

    @property
    def material(self) -> KeyMaterial:
        with self._lock:
            st = self.path.stat()
            if (st.st_mtime_ns, st.st_size) != self._stamp:
                self._material = self._load()
            return self._material

    @property
    def active_id(self) -> str:
        return self.material.active

    def key(self, kid: str) -> bytes:
        try:
            return self.material.keys[kid]
        except KeyError:
            raise TamperedData(f"value sealed under unknown key {kid!r}") from None


def associated(record_id: str, field: str) -> bytes:
    return f"{record_id}\x1f{field}".encode()


class FieldCipher:
    """Seals and opens single values: `v1:<key id>:<nonce+ciphertext>`."""

    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring

    def seal(self, plaintext: bytes, record_id: str, field: str) -> str:
        kid = self.keyring.active_id
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = AESGCM(self.keyring.key(kid)).encrypt(nonce, plaintext,
                                                       associated(record_id, field))
        return f"{TOKEN_PREFIX}:{kid}:{_b64(nonce + sealed)}"

    def open(self, token: str, record_id: str, field: str) -> bytes:
        kid, blob = _split(token)
        try:
            return AESGCM(self.keyring.key(kid)).decrypt(
                blob[:NONCE_BYTES], blob[NONCE_BYTES:], associated(record_id, field))
        except InvalidTag:
            raise TamperedData(f"{field} of {record_id} does not decrypt here") from None

    def seal_json(self, value: object, record_id: str, field: str) -> str:
        return self.seal(json.dumps(value, ensure_ascii=False).encode(), record_id, field)

    def open_json(self, token: str, record_id: str, field: str) -> object:
        return json.loads(self.open(token, record_id, field))

    def key_id_of(self, token: str) -> str:
        return _split(token)[0]


def _split(token: str) -> tuple[str, bytes]:
    try:
        prefix, kid, body = token.split(":", 2)
        if prefix != TOKEN_PREFIX:
            raise ValueError(prefix)
        return kid, _unb64(body)
    except ValueError:
        raise TamperedData("not a sealed value") from None


class BlindIndex:
    """HMAC-SHA256 of a normalised identifier under its own key: finds a
    customer by ID number without decrypting anything, and reveals nothing
    without the key."""

    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring

    def of(self, kind: str, identifier: str) -> str:
        normalised = "".join(identifier.split()).upper()
        message = f"{kind}\x1f{normalised}".encode()
        return hmac.new(self.keyring.material.index_key, message, hashlib.sha256).hexdigest()


# --- whole files (the document store, backups) ---------------------------

FILE_MAGIC = b"DSRF1"
CHUNK = 1024 * 1024
_TAG = 16


class FileCipher:
    """Chunked AES-256-GCM for files of any size.

    Layout: magic, key-id length and key id, an 8-byte nonce prefix, then
    chunks of at most 1 MiB, each sealed with nonce = prefix + counter and
    associated data = `context` + counter + last-chunk flag, so chunks
    cannot be reordered, dropped or appended without detection.
    """

    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring

    def encrypt(self, src: BinaryIO, dst: BinaryIO, context: bytes) -> None:
        kid = self.keyring.active_id
        prefix = secrets.token_bytes(8)
        dst.write(FILE_MAGIC + bytes([len(kid)]) + kid.encode() + prefix)
        aead = AESGCM(self.keyring.key(kid))
        chunk, counter = src.read(CHUNK), 0
        while True:
            following = src.read(CHUNK)
            last = not following
            dst.write(aead.encrypt(_nonce(prefix, counter), chunk,
                                   _chunk_ad(context, counter, last)))
            if last:
                return
            chunk, counter = following, counter + 1

    def decrypt(self, src: BinaryIO, dst: BinaryIO, context: bytes) -> None:
        kid, prefix = self._header(src)
        aead = AESGCM(self.keyring.key(kid))
        sealed, counter = src.read(CHUNK + _TAG), 0
        while True:
            following = src.read(CHUNK + _TAG)
            last = not following
            try:
                dst.write(aead.decrypt(_nonce(prefix, counter), sealed,
                                       _chunk_ad(context, counter, last)))
            except InvalidTag:
                raise TamperedData(f"encrypted file damaged at chunk {counter}") from None
            if last:
                return
            sealed, counter = following, counter + 1

    def key_id_of(self, src: BinaryIO) -> str:
        return self._header(src)[0]

    @staticmethod
    def _header(src: BinaryIO) -> tuple[str, bytes]:
        magic = src.read(len(FILE_MAGIC))
        if magic != FILE_MAGIC:
            raise TamperedData("not an encrypted dossier file")
        kid = src.read(src.read(1)[0]).decode()
        return kid, src.read(8)


def _nonce(prefix: bytes, counter: int) -> bytes:
    return prefix + counter.to_bytes(4, "big")


def _chunk_ad(context: bytes, counter: int, last: bool) -> bytes:
    return context + b"\x1f" + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")
