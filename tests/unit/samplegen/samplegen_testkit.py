"""Shared helpers for samplegen tests (imported by name: pytest puts this
folder on sys.path): a fixed reference date and an independent, minimal
reading of the bank's rules, so the generator is checked against the
README rather than against itself."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from stdnum.cn import ric

REFERENCE = dt.date(2026, 11, 1)
REQUIRED = (
    "name",
    "gender",
    "date_of_birth",
    "nationality",
    "id_type",
    "id_number",
    "id_expiry",
    "mobile",
    "address",
    "tax_residency",
    "pep",
    "account_class",
    "signature",
    "sign_date",
)
SPANS = ((5, 0, 15), (10, 16, 25), (20, 26, 45))  # (years, age at issue from–to): §5


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def resident_id_findings(fields: dict[str, Any]) -> set[str]:
    number = fields["id_number"]
    found: set[str] = set()
    if not ric.is_valid(number):
        found.add("id_checksum")
        return found
    born = fields["date_of_birth"]
    if born and ric.get_birth_date(number).isoformat() != born:
        found.add("dob_mismatch")
    if fields["gender"] and ("M" if int(number[16]) % 2 else "F") != fields["gender"]:
        found.add("gender_mismatch")
    return found


def findings(fields: dict[str, Any]) -> set[str]:
    """The issue codes the README rules raise for these normalised values."""
    found = {"required_missing" for key in REQUIRED if fields[key] is None and key != "signature"}
    if fields["signature"] is False:
        found.add("signature_missing")
    if fields["id_type"] == "resident_id" and fields["id_number"]:
        found |= resident_id_findings(fields)
    sign = dt.date.fromisoformat(fields["sign_date"]) if fields["sign_date"] else None
    expiry = fields["id_expiry"]
    if sign and expiry and expiry != "long-term" and dt.date.fromisoformat(expiry) < sign:
        found.add("id_expired")
    born = fields["date_of_birth"]
    if sign and born and _age(dt.date.fromisoformat(born), sign) < 16:
        found.add("minor")
    if fields["mobile"] and not re.fullmatch(r"1[3-9]\d{9}", fields["mobile"]):
        found.add("mobile_invalid")
    if fields["pep"] == "yes":
        found.add("pep_edd")
    return found


def span_fits_age(born: dt.date, expiry: str, sign: dt.date) -> bool:
    """A Resident ID's validity could have been issued at the holder's age (§5)."""
    if expiry == "long-term":
        return _age(born, sign) >= 46
    end = dt.date.fromisoformat(expiry)
    for years, low, high in SPANS:
        issue = end.replace(year=end.year - years, day=min(end.day, 28))
        if low <= _age(born, issue) <= high:
            return True
    return False
