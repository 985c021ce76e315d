"""Masking of personal data for screens, logs and audit entries.

Convention (KYC-RULES.md, industry practice): ID number first 6 + last 4,
mobile first 3 + last 4, card first 6 + last 4, names keep the first
character. Pure functions: anything that shows or records a C2 value
without a need for the full value passes it through `mask_field`.
"""

from __future__ import annotations

from validators.types import Value

# Fields whose values identify the person or describe their finances
# (JR/T 0171-2020 C2): never shown or recorded in full by default.
SENSITIVE_FIELDS = frozenset({
    "name", "id_number", "mobile", "email", "address", "employer",
    "date_of_birth", "financial_assets", "postal_code",
})


def _keep(text: str, head: int, tail: int) -> str:
    if len(text) <= head + tail:
        return text[:1] + "*" * (len(text) - 1) if text else text
    return text[:head] + "*" * (len(text) - head - tail) + text[len(text) - tail:]


def mask_id_number(text: str) -> str:
    return _keep(text, 6, 4)


def mask_mobile(text: str) -> str:
    return _keep(text, 3, 4)


def mask_card(text: str) -> str:
    return _keep(text, 6, 4)


def mask_name(text: str) -> str:
    return text[:1] + "*" * (len(text) - 1)


def mask_email(text: str) -> str:
    local, at, domain = text.partition("@")
    return mask_name(local) + at + domain if at else mask_name(text)


def mask_text(text: str) -> str:
    """Free text (address, employer): the first two characters only."""
    return text[:2] + "*" * max(len(text) - 2, 0)


def mask_date(text: str) -> str:
    """A birth date keeps its year: enough to tell people apart in a list."""
    return text[:4] + "-**-**" if len(text) >= 4 else "*" * len(text)


_MASKERS = {
    "name": mask_name,
    "id_number": mask_id_number,
    "mobile": mask_mobile,
    "email": mask_email,
    "address": mask_text,
    "employer": mask_text,
    "date_of_birth": mask_date,
    "postal_code": lambda t: _keep(t, 2, 0),
}


def mask_field(key: str, value: Value, personal: frozenset[str] = frozenset()) -> Value:
    """The value of field `key` as anyone without a need to know sees it.
    `personal` widens the set (e.g. a policy's personal fields, for audit
    entries): those keep their first two characters."""
    if value is None or key not in SENSITIVE_FIELDS | personal:
        return value
    if key == "financial_assets":
        return "***"
    masker = _MASKERS.get(key, mask_text)
    return masker(str(value))


def mask_values(values: dict[str, Value],
                personal: frozenset[str] = frozenset()) -> dict[str, Value]:
    return {key: mask_field(key, value, personal) for key, value in values.items()}
