"""Sealing personal data into records and opening it again.

Stored form values keep their keys; a personal value is replaced by
`{"sealed": "<token>"}` (AES-256-GCM, bound to the record id and field
name), so non-personal codes (ticked options) stay queryable for the
dashboards while names, numbers, dates and addresses never sit in the
database in plain text. Who opens a value is the caller's business to
audit (the review workspace logs every unmasked read).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from archive.crypto import BlindIndex, FieldCipher

SEALED = "sealed"


def is_sealed(value: object) -> bool:
    return isinstance(value, dict) and set(value) == {SEALED}


class Sealer:
    def __init__(self, cipher: FieldCipher, index: BlindIndex) -> None:
        self.cipher = cipher
        self.index = index

    def seal(self, value: Any, record_id: str, field: str) -> dict[str, str]:
        return {SEALED: self.token(value, record_id, field)}

    def token(self, value: Any, record_id: str, field: str) -> str:
        """A bare token, for columns that hold only sealed text."""
        return self.cipher.seal_json(value, record_id, field)

    def open_token(self, token: str | None, record_id: str, field: str) -> Any:
        return None if token is None else self.cipher.open_json(token, record_id, field)

    def open(self, stored: Any, record_id: str, field: str) -> Any:
        if is_sealed(stored):
            return self.cipher.open_json(stored[SEALED], record_id, field)
        return stored

    def seal_values(
        self, values: Mapping[str, Any], record_id: str, personal: Iterable[str]
    ) -> dict[str, Any]:
        """Seal the personal fields that have a value; keep the rest."""
        personal = set(personal)
        return {
            key: self.seal(value, record_id, key)
            if key in personal and value is not None else value
            for key, value in values.items()
        }

    def open_values(self, stored: Mapping[str, Any], record_id: str) -> dict[str, Any]:
        return {key: self.open(value, record_id, key) for key, value in stored.items()}

    def reseal(self, stored: Any, record_id: str, field: str) -> Any:
        """Re-encrypt under the active key (key rotation); plain stays plain."""
        if not is_sealed(stored) or self.current(stored):
            return stored
        return self.seal(self.open(stored, record_id, field), record_id, field)

    def current(self, stored: dict[str, str]) -> bool:
        return self.cipher.key_id_of(stored[SEALED]) == self.cipher.keyring.active_id

    def id_index(self, id_type: str, id_number: str) -> str:
        return self.index.of(id_type, id_number)
