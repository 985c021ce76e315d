"""Date arithmetic and the written date styles customers use on the form."""

from __future__ import annotations

import random
from datetime import date, timedelta

DATE_STYLES = ("iso", "slash", "dot", "cn", "cn_padded")


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a non-leap target year
        return day.replace(year=day.year + years, day=28)


def age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def birth_date_for_age(rng: random.Random, age: int, on: date) -> date:
    """A birth date such that the person is exactly `age` years old `on` that day."""
    latest = add_years(on, -age)
    earliest = add_years(on, -age - 1) + timedelta(days=1)
    return earliest + timedelta(days=rng.randrange((latest - earliest).days + 1))


def write_date(day: date, style: str) -> str:
    if style == "slash":
        return f"{day:%Y/%m/%d}"
    if style == "dot":
        return f"{day:%Y.%m.%d}"
    if style == "cn":
        return f"{day.year}年{day.month}月{day.day}日"
    if style == "cn_padded":
        return f"{day:%Y}年{day:%m}月{day:%d}日"
    return day.isoformat()


def resident_id_validity(age_at_issue: int) -> int | None:
    """Years of validity by age at issue (Resident ID Law §5); None = long-term."""
    if age_at_issue < 16:
        return 5
    if age_at_issue <= 25:
        return 10
    if age_at_issue <= 45:
        return 20
    return None


def travel_document_validity(age_at_issue: int) -> int:
    # Passports, HK/Macao permits and PR cards: 5 years for minors, else 10.
    return 5 if age_at_issue < 16 else 10
