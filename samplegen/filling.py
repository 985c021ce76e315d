"""What goes on the paper (`FilledForm.text`, `.marks`, `.signed`) and the
normalised truth it must be read as (`FilledForm.truth`)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from samplegen.dates import DATE_STYLES, write_date
from samplegen.people import Person

Value = str | bool | float | int | None

FIELD_ORDER = (
    "name",
    "gender",
    "date_of_birth",
    "nationality",
    "id_type",
    "id_number",
    "id_expiry",
    "mobile",
    "email",
    "address",
    "postal_code",
    "occupation",
    "employer",
    "annual_income",
    "financial_assets",
    "source_of_funds",
    "tax_residency",
    "pep",
    "account_class",
    "signature",
    "sign_date",
)
CHOICE_FIELDS = (
    "gender",
    "id_type",
    "annual_income",
    "source_of_funds",
    "tax_residency",
    "pep",
    "account_class",
)
TEXT_FIELDS = tuple(k for k in FIELD_ORDER if k not in CHOICE_FIELDS and k != "signature")


@dataclass
class FilledForm:
    """One applicant's form: the marks on paper and the truth they encode."""

    text: dict[str, str | None]
    marks: dict[str, tuple[str, ...]]
    signed: bool
    truth: dict[str, Value]
    defect: str | None = None
    notes: dict[str, str] = field(default_factory=dict)


def truth_of(person: Person) -> dict[str, Value]:
    """Normalised values in README order (dates ISO, long-term expiry)."""
    values: dict[str, Value] = {
        key: getattr(person, key) for key in FIELD_ORDER if key != "signature"
    }
    values["date_of_birth"] = person.date_of_birth.isoformat()
    values["sign_date"] = person.sign_date.isoformat()
    values["id_expiry"] = person.id_expiry.isoformat() if person.id_expiry else "long-term"
    values["email"] = person.email.lower() if person.email else None
    values["signature"] = True
    return {key: values[key] for key in FIELD_ORDER}


def _date_style(rng: random.Random, usual: str) -> str:
    # People mostly keep one habit, but not always.
    return usual if rng.random() < 0.75 else rng.choice(DATE_STYLES)


def written_mobile(rng: random.Random, digits: str) -> str:
    roll = rng.random()
    if roll < 0.08 and len(digits) == 11:
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if roll < 0.14 and len(digits) == 11:
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    return digits


def written_email(rng: random.Random, email: str | None) -> str | None:
    if email and rng.random() < 0.12:
        return email[0].upper() + email[1:]
    return email


def written_assets(value: float | int | None) -> str | None:
    if value is None:
        return None
    return str(value) if isinstance(value, int) else f"{value:.1f}"


def written_text(person: Person, rng: random.Random) -> dict[str, str | None]:
    usual = rng.choice(DATE_STYLES)
    expiry = person.id_expiry
    return {
        "name": person.name,
        "date_of_birth": write_date(person.date_of_birth, _date_style(rng, usual)),
        "nationality": person.nationality_text,
        "id_number": person.id_number,
        "id_expiry": write_date(expiry, _date_style(rng, usual)) if expiry else "长期",
        "mobile": written_mobile(rng, person.mobile),
        "email": written_email(rng, person.email),
        "address": person.address,
        "postal_code": person.postal_code,
        "occupation": person.occupation,
        "employer": person.employer,
        "financial_assets": written_assets(person.financial_assets),
        "sign_date": write_date(person.sign_date, _date_style(rng, usual)),
    }


def fill(person: Person, rng: random.Random) -> FilledForm:
    """A clean form: every value written, one box ticked per group, signed."""
    truth = truth_of(person)
    marks: dict[str, tuple[str, ...]] = {
        key: (str(truth[key]),) for key in CHOICE_FIELDS if truth[key] is not None
    }
    return FilledForm(text=written_text(person, rng), marks=marks, signed=True, truth=truth)
