"""What the validation layer produces: one `Decision` per extraction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Route = Literal["archived", "review"]
Value = str | bool | float | None


@dataclass(frozen=True)
class Issue:
    """A reason the form cannot be archived untouched (or a note for the
    reviewer). `code` is stable: reports, dashboards and tests key on it."""

    code: str
    fields: tuple[str, ...]
    message_en: str
    message_zh: str

    @property
    def field(self) -> str | None:
        return self.fields[0] if self.fields else None

    @property
    def message(self) -> str:
        return f"{self.message_zh} / {self.message_en}"


@dataclass(frozen=True)
class Decision:
    """Normalised values, their confidences, the issues found and the route.

    `route` is "archived" only when there are no issues at all; the machine
    never rejects a customer, it only asks a person to look.
    """

    form: str
    values: dict[str, Value]
    confidences: dict[str, float]
    issues: tuple[Issue, ...] = field(default_factory=tuple)

    @property
    def route(self) -> Route:
        return "review" if self.issues else "archived"
