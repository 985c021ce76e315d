"""Identity-number checks: each returns the issue codes it finds (empty
means the number is well-formed), so callers never parse exceptions.

Formats follow GB 11643-1999 and the permit/passport rules summarised in
shared/domain/KYC-RULES.md.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import email_validator
import phonenumbers
from stdnum import luhn, numdb
from stdnum.cn import uscc
from stdnum.iso7064 import mod_11_2

_RIC = re.compile(r"^\d{17}[\dX]$")
_LEGACY = re.compile(r"^\d{15}$")
_PERMIT_REGIONS = ("810000", "820000", "830000")
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass(frozen=True)
class ResidentId:
    """What an 18-character resident ID says about its holder."""

    codes: tuple[str, ...]
    birth_date: dt.date | None = None
    gender: str | None = None


def mod11_2_ok(number: str) -> bool:
    return mod_11_2.is_valid(number)


def legacy_to_18(number: str) -> str | None:
    """First-generation 15-digit ID -> 18 digits: the century "19" is
    implied (these cards were issued 1984-2004 to people born in the 1900s)
    and the check character is computed."""
    if not _LEGACY.match(number):
        return None
    body = number[:6] + "19" + number[6:]
    return body + mod_11_2.calc_check_digit(body)


def region_plausible(code: str) -> bool:
    """The 6-digit region is a known county code at any time, or a HK/MO/TW
    permit region. stdnum also insists the county existed in the birth year,
    but the code is where the ID was *issued*, which can be decades later."""
    if code in _PERMIT_REGIONS:
        return True
    found = {k for _, props in numdb.get("cn/loc").info(code) for k in props}
    return {"province", "county"} <= found


def _embedded_date(number: str) -> dt.date | None:
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


@lru_cache(maxsize=256)  # a form's rules and its cross-check both ask
def check_resident_id(number: str, today: dt.date) -> ResidentId:
    """Format, check character, region, birth date; 81/82/83 residence
    permits share the format and pass here."""
    if _LEGACY.match(number):
        return ResidentId(("id_legacy",))
    if not _RIC.match(number):
        return ResidentId(("id_format",))
    codes: list[str] = []
    if not mod11_2_ok(number):
        codes.append("id_checksum")
    if not region_plausible(number[:6]):
        codes.append("id_region")
    born = _embedded_date(number)
    if born is None or born > today:
        codes.append("id_birth_date_invalid")
        born = None
    gender = "M" if int(number[16]) % 2 else "F"
    return ResidentId(tuple(codes), born, gender)


def check_hk_macao_permit(number: str) -> tuple[str, ...]:
    # Older cards append a 2-digit renewal count.
    return () if re.fullmatch(r"[HM]\d{8}(\d{2})?", number) else ("id_format",)


def check_foreign_pr(number: str) -> tuple[str, ...]:
    if re.fullmatch(r"[A-Z]{3}\d{12}", number):  # 2017 card
        return ()
    if re.fullmatch(r"9\d{16}[\dX]", number):  # card issued from 2023-12-01
        return () if mod11_2_ok(number) else ("id_checksum",)
    return ("id_format",)


def check_passport(number: str, nationality: str | None) -> tuple[str, ...]:
    if not re.fullmatch(r"[A-Z0-9]{5,17}", number):
        return ("id_format",)
    if nationality == "CHN" and not re.fullmatch(r"E(\d{8}|[A-Z]\d{7})", number):
        return ("id_format",)
    return ()


def is_uscc(code: str) -> bool:
    """Unified social credit code. stdnum demands 8 leading digits, but the
    first character (registration authority) may also be A, N or Y."""
    code = code.strip().upper()
    if len(code) != 18 or any(c not in _USCC_ALPHABET for c in code):
        return False
    if code[0] not in "123456789ANY" or not code[1:8].isdigit():
        return False
    return code[-1] == uscc.calc_check_digit(code[:17])


def is_bank_card(number: str) -> bool:
    # A Luhn failure is a review reason, not proof of fraud: a few old
    # cards were issued without a valid Luhn digit.
    return bool(re.fullmatch(r"\d{12,19}", number)) and luhn.is_valid(number)


def is_mainland_mobile(number: str) -> bool:
    if not re.fullmatch(r"1[3-9]\d{9}", number):
        return False
    parsed = phonenumbers.parse(number, "CN")
    return phonenumbers.is_valid_number(parsed) and (
        phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE
    )


def is_email(address: str) -> bool:
    try:
        email_validator.validate_email(address, check_deliverability=False)
    except email_validator.EmailNotValidError:
        return False
    return True


def is_postal_code(code: str) -> bool:
    return bool(re.fullmatch(r"\d{6}", code))
