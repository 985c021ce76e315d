"""What the validation layer produces: one `Decision` per extraction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Route = Literal["archived", "review"]
Value = str | bool | float | None
Tier = Literal["mass", "wealth", "private_banking"]
Risk = Literal["low", "medium", "high"]


@dataclass(frozen=True)
class Issue:
    """A reason the form cannot be archived untouched, or, when `advisory`,
    a note kept with the record that does not hold it back (a check the
    bank's rules for the form do not make a review reason). `code` is
    stable: reports, dashboards and tests key on it."""

    code: str
    fields: tuple[str, ...]
    message_en: str
    message_zh: str
    advisory: bool = False

    @property
    def field(self) -> str | None:
        return self.fields[0] if self.fields else None

    @property
    def message(self) -> str:
        return f"{self.message_zh} / {self.message_en}"

    def as_json(self) -> dict[str, object]:
        """The stored form (`archive.ledger`, the review workspace)."""
        return {"code": self.code, "fields": list(self.fields),
                "message_en": self.message_en, "message_zh": self.message_zh,
                "advisory": self.advisory}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Issue:
        # Records stored before advisory notes existed have no "advisory".
        fields = tuple(str(f) for f in data.get("fields") or ())  # type: ignore[attr-defined]
        return cls(str(data["code"]), fields, str(data.get("message_en", "")),
                   str(data.get("message_zh", "")), bool(data.get("advisory", False)))


@dataclass(frozen=True)
class CustomerProfile:
    """Tier, tags and an initial AML risk rating with the factors behind it.

    A starting point for the bank (银发〔2013〕2号 asks for a rating within
    10 working days of onboarding), computed from the form's values.
    """

    tier: Tier | None
    # Meets the asset or income test only: investment experience is not on
    # the form, so a person still has to confirm it.
    qualified_investor_candidate: bool
    tags: tuple[str, ...]
    risk: Risk
    risk_factors: tuple[str, ...]
    # Coarse, non-identifying facts for the customer-base analytics: the
    # date of birth is sealed in the record, its ten-year band is not.
    age_band: str | None = None
    tax_residency: str | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "tier": self.tier,
            "qualified_investor_candidate": self.qualified_investor_candidate,
            "tags": list(self.tags),
            "risk": self.risk,
            "risk_factors": list(self.risk_factors),
            "age_band": self.age_band,
            "tax_residency": self.tax_residency,
        }


@dataclass(frozen=True)
class Decision:
    """Normalised values, their confidences, the issues found and the route.

    `route` is "archived" only when every issue is advisory; the machine
    never rejects a customer, it only asks a person to look.
    """

    form: str
    values: dict[str, Value]
    confidences: dict[str, float]
    issues: tuple[Issue, ...] = field(default_factory=tuple)
    profile: CustomerProfile | None = None

    @property
    def route(self) -> Route:
        return "review" if self.reasons else "archived"

    @property
    def reasons(self) -> list[str]:
        """The codes that send the form to review, sorted."""
        return sorted({i.code for i in self.issues if not i.advisory})

    @property
    def notes(self) -> list[str]:
        """The advisory codes, sorted."""
        return sorted({i.code for i in self.issues if i.advisory})
