"""Fictitious applicants: a `Person` holds the normalised values of one form.

How the values are *written* (date styles, ticks, fonts) is decided later,
in `filling`; defects that concern the person (wrong check character, an
expired ID, …) are applied by `defects` on a copy of the person.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Literal

from config import divisions
from samplegen import idnumbers
from samplegen import lexicon as lx
from samplegen.dates import (
    add_years,
    age_on,
    birth_date_for_age,
    resident_id_validity,
    travel_document_validity,
)

IdType = Literal["resident_id", "passport", "hk_macao_permit", "foreign_pr"]
FOREIGN = ("USA", "GBR", "DEU", "JPN", "SGP", "CAN")


@dataclass
class Person:
    """Normalised values (README table) plus the written nationality."""

    name: str
    gender: str
    date_of_birth: date
    nationality: str
    nationality_text: str
    id_type: IdType
    id_number: str
    id_expiry: date | None  # None = long-term (长期)
    mobile: str
    email: str | None
    address: str
    postal_code: str | None
    occupation: str | None
    employer: str | None
    annual_income: str
    financial_assets: float | int | None
    source_of_funds: str | None
    tax_residency: str
    pep: str
    account_class: str
    sign_date: date


def sign_date_before(rng: random.Random, reference: date) -> date:
    # Stay well inside the one-year window so a form processed a few weeks
    # after generation is still not "too old".
    return reference - timedelta(days=rng.randrange(0, 300))


def chinese_name(rng: random.Random, gender: str) -> str:
    surname = rng.choice(lx.COMPOUND_SURNAMES) if rng.random() < 0.03 else rng.choice(lx.SURNAMES)
    pool = (lx.GIVEN_MALE if gender == "M" else lx.GIVEN_FEMALE) + lx.GIVEN_NEUTRAL
    count = 1 if rng.random() < 0.35 else 2
    return surname + "".join(rng.choice(pool) for _ in range(count))


def latin_name(rng: random.Random, gender: str) -> str:
    given = rng.choice(lx.LATIN_GIVEN_MALE if gender == "M" else lx.LATIN_GIVEN_FEMALE)
    name = f"{given} {rng.choice(lx.LATIN_SURNAMES)}"
    return name.upper() if rng.random() < 0.3 else name


def document_expiry(
    rng: random.Random, dob: date, sign_date: date, id_type: IdType, *, expired: bool = False
) -> date | None:
    """An expiry consistent with the age at issue; in the past iff `expired`."""
    # A lapsed card was issued longer ago than a current one can have been.
    furthest = (40 if expired else 20) * 365
    for _ in range(200):
        issue = sign_date - timedelta(days=rng.randrange(30, furthest))
        if issue <= dob:
            continue
        age = age_on(dob, issue)
        years = (
            resident_id_validity(age)
            if id_type == "resident_id"
            else (travel_document_validity(age))
        )
        if years is None:
            if not expired:
                return None
            continue
        expiry = add_years(issue, years)
        if (expired and expiry < sign_date) or (not expired and expiry > sign_date):
            return expiry
    raise ValueError(f"no {'expired' if expired else 'valid'} ID for birth date {dob}")


# Share of resident IDs whose written expiry is drawn without regard to the
# Resident ID Law's validity by age at issue, as branch forms show (the
# shared example-03: a card valid 10 years from age 31). The bank's rules
# for the form do not hold such a form back: it stays a clean form.
OFF_SPAN_SHARE = 0.15


def off_span_expiry(side: random.Random, lawful: date | None, sign_date: date) -> date | None:
    """Mostly `lawful`; else any date 2 months to 10 years after signing.
    `side` is a stream of its own, so the rest of the form is the same as
    it was before this case existed."""
    if side.random() >= OFF_SPAN_SHARE:
        return lawful
    return sign_date + timedelta(days=side.randrange(60, 3650))


def _document(rng: random.Random, id_type: IdType, nationality: str, dob: date, gender: str) -> str:
    if id_type == "resident_id":
        return idnumbers.resident_id(rng, dob, gender)
    if id_type == "foreign_pr":
        return idnumbers.foreign_pr(rng, nationality, dob, gender)
    if id_type == "hk_macao_permit":
        return idnumbers.hk_macao_permit(rng, rng.choice("HM"))
    if nationality == "CHN":
        return idnumbers.chinese_passport(rng)
    return idnumbers.foreign_passport(rng)


def _pick_id_type(rng: random.Random) -> IdType:
    roll = rng.random()
    if roll < 0.80:
        return "resident_id"
    if roll < 0.88:
        return "passport"
    return "hk_macao_permit" if roll < 0.94 else "foreign_pr"


def _nationality(
    rng: random.Random, id_type: IdType, id_number: str, nationality: str
) -> tuple[str, str]:
    """(alpha-3, as written): HK/Macao residents are Chinese nationals."""
    if id_type == "hk_macao_permit":
        return "CHN", rng.choice(lx.HK_MACAO_WRITTEN[id_number[0]])
    return nationality, rng.choice(lx.NATIONALITY_WRITTEN[nationality])


# Share of addresses whose province, city and district are each a real
# name drawn on its own, not a district of that city of that province, as
# on branch forms (the shared examples' 辽宁省六安市蓟州区).
LOOSE_ADDRESS_SHARE = 0.5


def address(rng: random.Random, side: random.Random | None = None) -> str:
    """A postal address; `side`, a stream of its own (so the rest of the
    form stays as it was before loose addresses existed), may swap its
    divisions for loose ones."""
    _, province, city, district = rng.choice(lx.REGIONS)
    street = f"{rng.choice(lx.STREETS)}{rng.randrange(1, 999)}号"
    extra = rng.choice(lx.COMPOUNDS)
    if extra:
        extra += f"{rng.randrange(1, 30)}栋{rng.randrange(1, 30)}0{rng.randrange(1, 9)}室"
    if side is not None and side.random() < LOOSE_ADDRESS_SHARE:
        province, city, district = loose_divisions(side)
    return f"{province}{city}{district}{street}{extra}"


def loose_divisions(side: random.Random) -> tuple[str, str, str]:
    """A province, a city and a district, each from the whole list."""
    provinces, cities, districts = _writable_division_names()
    return side.choice(provinces), side.choice(cities), side.choice(districts)


@cache
def _writable_division_names() -> tuple[tuple[str, ...], ...]:
    """The list's names at each level that every font here can write (GB
    2312 characters), of the common kinds (a city is a 市, a district a 区
    or 县), sorted so a seed gives the same names everywhere."""
    listed = divisions.names()
    levels = ((listed.provinces, ("省", "市", "区")), (listed.cities, ("市",)),
              (listed.counties, ("区", "县")))  # the common kinds, as the examples
    return tuple(tuple(sorted(n for n in names if n.endswith(ends) and _gb2312(n)))
                 for names, ends in levels)


def _gb2312(text: str) -> bool:
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def mobile(rng: random.Random) -> str:
    return rng.choice(lx.MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


# Share of addresses whose mailbox is made of an English given and family
# name, as many people's are (`barbarahoward`, `gadams`, `deborah67` at
# a big international provider), rather than of words and a number.
NAME_MAILBOX_SHARE = 0.5
NAME_MAIL_DOMAINS = ("gmail.com", "yahoo.com", "hotmail.com")


def email(rng: random.Random, name: str, side: random.Random | None = None) -> str | None:
    """An address; `side`, a stream of its own, may swap it for one made
    of names (the rest of the form stays as it was before those existed)."""
    if rng.random() < 0.06:
        return None
    if name.isascii():
        local = name.lower().replace(" ", rng.choice(".-_"))
    else:
        local = rng.choice(lx.EMAIL_WORDS) + rng.choice(("", "_", ".")) + rng.choice(lx.EMAIL_WORDS)
    address = f"{local}{rng.randrange(1, 999)}@{rng.choice(lx.EMAIL_DOMAINS)}"
    if side is not None and side.random() < NAME_MAILBOX_SHARE:
        return f"{name_mailbox(side)}@{side.choice(NAME_MAIL_DOMAINS)}"
    return address


def name_mailbox(side: random.Random) -> str:
    given = side.choice(lx.LATIN_GIVEN_MALE + lx.LATIN_GIVEN_FEMALE).lower()
    family = side.choice(lx.LATIN_SURNAMES).lower()
    shapes = (given + family, family + given, given[0] + family, f"{given}.{family}",
              f"{given}{side.randrange(10, 100)}", f"{family}{side.randrange(10, 100)}")
    return side.choice(shapes)


def employer(rng: random.Random, occupation: str) -> str | None:
    if occupation in ("退休", "自由职业") and rng.random() < 0.6:
        return None
    prefix = "".join(rng.sample(lx.EMPLOYER_PREFIXES, rng.choice((1, 2))))
    return prefix + rng.choice(lx.EMPLOYER_TRADES) + rng.choice(lx.EMPLOYER_SUFFIXES)


def financial_assets(rng: random.Random) -> float | int:
    """万元; mostly 0.5–300 (log-spread), some private-banking sized (≥ 600)."""
    high = rng.random() < 0.08
    value = rng.uniform(600, 3000) if high else 0.5 * (600 ** rng.random())
    if value < 10 or rng.random() < 0.15:
        return round(value, 1)
    return int(round(value))


def income_for(rng: random.Random, assets: float) -> str:
    if assets >= 600:
        return rng.choice(("500k_1m", "gt_1m", "gt_1m"))
    return rng.choices(("lt_100k", "100k_500k", "500k_1m", "gt_1m"), (4, 5, 2, 1))[0]


def make_person(
    rng: random.Random, sign_date: date, *, age: int | None = None, id_type: IdType | None = None
) -> Person:
    """A consistent, valid applicant (a clean form before any defect)."""
    id_type = id_type or _pick_id_type(rng)
    gender = rng.choice("MF")
    age = age if age is not None else int(rng.triangular(18, 78, 35))
    dob = birth_date_for_age(rng, age, sign_date)
    foreign = id_type == "foreign_pr" or (id_type == "passport" and rng.random() < 0.5)
    nationality = rng.choice(FOREIGN) if foreign else "CHN"
    number = _document(rng, id_type, nationality, dob, gender)
    nat, nat_text = _nationality(rng, id_type, number, nationality)
    name = latin_name(rng, gender) if foreign else chinese_name(rng, gender)
    occupation = "学生" if age < 16 else rng.choice(lx.OCCUPATIONS)
    assets = round(rng.uniform(0.5, 5), 1) if age < 16 else financial_assets(rng)
    expiry = document_expiry(rng, dob, sign_date, id_type)
    if id_type == "resident_id":
        expiry = off_span_expiry(random.Random(f"{number}:expiry"), expiry, sign_date)
    return Person(
        name=name,
        gender=gender,
        date_of_birth=dob,
        nationality=nat,
        nationality_text=nat_text,
        id_type=id_type,
        id_number=number,
        id_expiry=expiry,
        mobile=mobile(rng),
        email=email(rng, name, random.Random(f"{number}:email")),
        address=address(rng, random.Random(f"{number}:address")),
        postal_code=f"{rng.randrange(100000, 860000)}" if rng.random() > 0.05 else None,
        occupation=occupation,
        employer=_employer_for(rng, occupation),
        annual_income="lt_100k" if age < 16 else income_for(rng, assets),
        financial_assets=assets,
        source_of_funds=rng.choices(("salary", "business", "investment", "other"), (6, 2, 2, 1))[0],
        tax_residency=_tax_residency(rng, nat, id_type),
        pep="no",
        account_class=rng.choices(("I", "II", "III"), (6, 3, 1))[0],
        sign_date=sign_date,
    )


def _employer_for(rng: random.Random, occupation: str) -> str | None:
    if occupation == "学生":
        return rng.choice(lx.REGIONS)[3] + rng.choice(lx.SCHOOLS)
    return employer(rng, occupation)


def _tax_residency(rng: random.Random, nationality: str, id_type: IdType) -> str:
    if nationality == "CHN" and id_type != "hk_macao_permit":
        return "cn_only" if rng.random() < 0.88 else "both"
    return "non_resident" if rng.random() < 0.7 else "both"
