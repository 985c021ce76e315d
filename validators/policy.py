"""The validation policy of one form: form.yaml's field types plus the
bank's rules.yaml, checked once at start-up.

A bad rules file is an installation error, so it raises ConfigurationError
before any document is touched rather than mis-routing documents later.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from config.errors import ConfigurationError
from validators.normalise import FIELD_TYPES

RULE_CODES = frozenset({
    "required", "identity", "id_expiry", "id_validity_span", "min_age",
    "mobile", "email", "postal_code", "sign_date", "signature", "amount", "pep",
    "low_confidence",
})
# Checks that may run as advisories: kept with the record as a note, never
# a reason for review. A missing field or an unsure reading is always a reason.
ADVISORY_CODES = RULE_CODES - {"required", "low_confidence"}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FieldSpec(_Frozen):
    type: str
    label: str = ""


class Confidence(_Frozen):
    """Minimum reading confidence: by field, else by field type, else default."""

    default: float = Field(default=0.80, ge=0, le=1)
    by_type: dict[str, float] = {}
    by_field: dict[str, float] = {}

    @model_validator(mode="after")
    def _in_range(self) -> Confidence:
        for name, value in {**self.by_type, **self.by_field}.items():
            if not 0 <= value <= 1:
                raise ValueError(f"confidence threshold for {name!r} must be in [0, 1]")
        return self


class ValiditySpan(_Frozen):
    """Resident ID Law §5: holders aged up to `max_age` at issue get `years`
    (None = long-term)."""

    max_age: int | None = None
    years: int | None = None


class Tiers(_Frozen):
    """Thresholds on financial assets, in 10,000 CNY."""

    wealth: float = Field(default=50, ge=0)
    private_banking: float = Field(default=600, ge=0)
    qualified_investor: float = Field(default=500, ge=0)


class FormPolicy(_Frozen):
    form: str
    fields: dict[str, FieldSpec]
    required: tuple[str, ...] = ()
    rules: frozenset[str] = RULE_CODES
    advisories: frozenset[str] = frozenset()
    min_age_years: int = Field(default=16, ge=0)
    sign_date_max_age_days: int = Field(default=365, ge=0)
    confidence: Confidence = Confidence()
    choices: dict[str, tuple[str, ...]] = {}
    country_aliases: dict[str, str] = {}
    id_validity: tuple[ValiditySpan, ...] = ()
    tiers: Tiers = Tiers()
    high_risk_countries: frozenset[str] = frozenset()
    high_risk_occupations: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> FormPolicy:
        unknown_types = {f.type for f in self.fields.values()} - FIELD_TYPES
        if unknown_types:
            raise ValueError(f"unknown field types {sorted(unknown_types)}")
        if unknown := set(self.rules) - RULE_CODES:
            raise ValueError(f"unknown rule codes {sorted(unknown)}")
        if unfit := set(self.advisories) - ADVISORY_CODES:
            raise ValueError(f"these checks cannot be advisories: {sorted(unfit)}")
        if both := set(self.rules) & set(self.advisories):
            raise ValueError(f"checks listed both as rules and as advisories: {sorted(both)}")
        self._check_names("required", self.required)
        self._check_names("choices", self.choices)
        self._check_names("confidence.by_field", self.confidence.by_field)
        not_choice = [k for k in self.choices if self.fields[k].type != "choice"]
        if not_choice:
            raise ValueError(f"choices given for non-choice fields {not_choice}")
        return self

    def _check_names(self, where: str, names: Any) -> None:
        unknown = sorted(set(names) - set(self.fields))
        if unknown:
            raise ValueError(f"{where} names fields the form does not have: {unknown}")

    @property
    def personal_fields(self) -> frozenset[str]:
        """Fields holding personal data (JR/T 0171 C2): everything written
        by hand; ticked options and signature presence are codes."""
        return frozenset(k for k, f in self.fields.items()
                         if f.type not in ("choice", "signature"))

    def field_type(self, key: str) -> str:
        return self.fields[key].type

    def label(self, key: str) -> str:
        return self.fields[key].label or key

    def threshold(self, key: str) -> float:
        by_type = self.confidence.by_type.get(self.field_type(key), self.confidence.default)
        return self.confidence.by_field.get(key, by_type)


def load_policy(form_def: dict[str, Any], rules: dict[str, Any]) -> FormPolicy:
    """Build the policy from parsed form.yaml and rules.yaml; raise
    ConfigurationError naming the form and what is wrong."""
    if not isinstance(form_def, dict) or not isinstance(rules, dict):
        raise ConfigurationError("form definition and rules must both be mappings")
    name = form_def.get("form")
    if not isinstance(name, str) or not name:
        raise ConfigurationError("form definition has no `form` name")
    if rules.get("form", name) != name:
        raise ConfigurationError(f"rules.yaml is for form {rules.get('form')!r}, not {name!r}")
    data = {k: v for k, v in rules.items() if k != "form"}
    try:
        return FormPolicy(form=name, fields=form_def.get("fields") or {}, **data)
    except (ValidationError, TypeError) as e:
        raise ConfigurationError(f"invalid validation rules for form {name!r}: {e}") from e
