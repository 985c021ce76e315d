"""Identity-document numbers in the formats of KYC-RULES.md, all fictitious."""

from __future__ import annotations

import random
from datetime import date

from stdnum.cn import ric

from samplegen.lexicon import NATIONALITY_NUMERIC, REGIONS

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


def mod11_2_check(body: str) -> str:
    """GB 11643-1999 check character (ISO 7064 MOD 11-2) of 17 digits."""
    total = sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def _sequence(rng: random.Random, gender: str) -> str:
    # The 17th digit (last of the sequence) is odd for men, even for women.
    last = rng.choice("13579" if gender == "M" else "02468")
    return f"{rng.randrange(100):02d}{last}"


def resident_id(rng: random.Random, dob: date, gender: str) -> str:
    """A Resident ID that stdnum.cn.ric accepts, embedding `dob` and `gender`."""
    for _ in range(20):
        region = rng.choice(REGIONS)[0]
        body = f"{region}{dob:%Y%m%d}{_sequence(rng, gender)}"
        number = body + mod11_2_check(body)
        # A district may not have existed in the birth year: draw another.
        if ric.is_valid(number):
            return number
    # Rare (an early birth year, few districts then): try every region in
    # turn. The random draws above stay first so existing seeds keep their
    # forms.
    for region, *_ in REGIONS:
        body = f"{region}{dob:%Y%m%d}{_sequence(rng, gender)}"
        number = body + mod11_2_check(body)
        if ric.is_valid(number):
            return number
    raise AssertionError("no region code accepted by stdnum for " + dob.isoformat())


def with_wrong_check(number: str, rng: random.Random) -> str:
    """The same 18-character number with a check character that is wrong."""
    right = mod11_2_check(number[:17])
    return number[:17] + rng.choice([c for c in _CHECK_CHARS if c != right])


def chinese_passport(rng: random.Random) -> str:
    return "E" + "".join(rng.choice("0123456789") for _ in range(8))


def foreign_passport(rng: random.Random) -> str:
    # Many foreign passports are 9 digits or a letter + 8 digits.
    if rng.random() < 0.5:
        return str(rng.randrange(100_000_000, 999_999_999))
    return rng.choice("CGKLNPTX") + f"{rng.randrange(10**8):08d}"


def hk_macao_permit(rng: random.Random, prefix: str) -> str:
    return prefix + f"{rng.randrange(10**8):08d}"


def foreign_pr(rng: random.Random, nationality: str, dob: date, gender: str) -> str:
    """Foreign permanent-resident ID: the 2017 15-character or the 2023 18-digit format."""
    if rng.random() < 0.5:
        authority = rng.choice(("1100", "3100", "4401", "3201"))
        return f"{nationality}{authority}{dob:%y%m%d}{rng.randrange(100):02d}"
    province = rng.choice(("11", "31", "44", "32"))
    body = f"9{province}{NATIONALITY_NUMERIC[nationality]}{dob:%Y%m%d}{_sequence(rng, gender)}"
    return body + mod11_2_check(body)
