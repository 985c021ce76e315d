"""Deliberate faults, one per defective form, each named by the stable issue
code the validators report for it. Every defect sends the form to review."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from samplegen import idnumbers
from samplegen.filling import FilledForm, fill
from samplegen.people import Person, document_expiry, make_person, sign_date_before

DEFECTS = (
    "id_checksum",
    "dob_mismatch",
    "gender_mismatch",
    "id_expired",
    "signature_missing",
    "choice_missing",
    "choice_ambiguous",
    "minor",
    "mobile_invalid",
    "pep_edd",
    "required_missing",
)
CHOICE_OPTIONS: dict[str, tuple[str, ...]] = {
    "gender": ("M", "F"),
    "id_type": ("resident_id", "passport", "hk_macao_permit", "foreign_pr"),
    "annual_income": ("lt_100k", "100k_500k", "500k_1m", "gt_1m"),
    "source_of_funds": ("salary", "business", "investment", "other"),
    "tax_residency": ("cn_only", "non_resident", "both"),
    "pep": ("yes", "no"),
    "account_class": ("I", "II", "III"),
}
# Required groups (README rule 1) carry most choice defects.
_CHOICE_TARGETS = ("gender", "gender", "tax_residency", "pep", "account_class", "id_type")
_REQUIRED_TEXT = (
    "address",
    "address",
    "address",
    "mobile",
    "nationality",
    "sign_date",
    "id_expiry",
    "date_of_birth",
)


def _checksum(person: Person, rng: random.Random) -> None:
    person.id_number = idnumbers.with_wrong_check(person.id_number, rng)


def _dob_mismatch(person: Person, rng: random.Random) -> None:
    shift = rng.choice((-1, 1)) * rng.randrange(1, 400)
    person.date_of_birth += timedelta(days=shift)


def _gender_mismatch(person: Person, rng: random.Random) -> None:
    person.gender = "F" if person.gender == "M" else "M"


def _expired(person: Person, rng: random.Random) -> None:
    person.id_expiry = document_expiry(
        rng, person.date_of_birth, person.sign_date, person.id_type, expired=True
    )


def _mobile_invalid(person: Person, rng: random.Random) -> None:
    # Still 11 digits, so the number normalises to exactly what is written
    # (a dropped digit would leave the truth ambiguous); the prefix is not
    # one a mainland carrier uses.
    person.mobile = "1" + rng.choice("012") + person.mobile[2:]


def _pep(person: Person, rng: random.Random) -> None:
    person.pep = "yes"


PERSON_DEFECTS: dict[str, Callable[[Person, random.Random], None]] = {
    "id_checksum": _checksum,
    "dob_mismatch": _dob_mismatch,
    "gender_mismatch": _gender_mismatch,
    "id_expired": _expired,
    "mobile_invalid": _mobile_invalid,
    "pep_edd": _pep,
}


def _unsigned(form: FilledForm, rng: random.Random) -> None:
    form.signed = False
    form.truth["signature"] = False


def _choice_missing(form: FilledForm, rng: random.Random) -> None:
    group = rng.choice(_CHOICE_TARGETS)
    form.marks[group] = ()
    form.truth[group] = None


def _choice_ambiguous(form: FilledForm, rng: random.Random) -> None:
    group = rng.choice(_CHOICE_TARGETS)
    ticked = form.marks[group]
    other = rng.choice([o for o in CHOICE_OPTIONS[group] if o not in ticked])
    form.marks[group] = tuple(o for o in CHOICE_OPTIONS[group] if o in (*ticked, other))
    form.truth[group] = None


def _required_missing(form: FilledForm, rng: random.Random) -> None:
    key = rng.choice(_REQUIRED_TEXT)
    form.text[key] = None
    form.truth[key] = None


FORM_DEFECTS: dict[str, Callable[[FilledForm, random.Random], None]] = {
    "signature_missing": _unsigned,
    "choice_missing": _choice_missing,
    "choice_ambiguous": _choice_ambiguous,
    "required_missing": _required_missing,
}


def _person_for(rng: random.Random, sign_date: date, defect: str | None) -> Person:
    if defect == "minor":
        return make_person(rng, sign_date, age=rng.randint(8, 15), id_type="resident_id")
    if defect in ("id_checksum", "dob_mismatch", "gender_mismatch"):
        return make_person(rng, sign_date, id_type="resident_id")
    if defect == "id_expired":
        # Old enough that an earlier, now lapsed card is plausible.
        return make_person(rng, sign_date, age=rng.randint(28, 60))
    return make_person(rng, sign_date)


def make_form(rng: random.Random, reference: date, defect: str | None = None) -> FilledForm:
    """A form signed within the year before `reference`, carrying exactly
    `defect` (or none: a clean form)."""
    if defect is not None and defect not in DEFECTS:
        raise ValueError(f"unknown defect {defect!r}; known: {', '.join(DEFECTS)}")
    person = _person_for(rng, sign_date_before(rng, reference), defect)
    if defect in PERSON_DEFECTS:
        PERSON_DEFECTS[defect](person, rng)
    form = fill(person, rng)
    if defect in FORM_DEFECTS:
        FORM_DEFECTS[defect](form, rng)
    form.defect = defect
    return form
