"""The bank's rules (README rules 1-11) and the identity cross-checks, as
small functions over normalised values. Each returns the issues it finds;
`RULES` maps the rule names used in rules.yaml to the functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from validators import identity
from validators.messages import make_issue
from validators.normalise import LONG_TERM
from validators.policy import FormPolicy, ValiditySpan
from validators.types import Issue, Value


@dataclass(frozen=True)
class Context:
    """What every rule may look at: normalised values, reading
    confidences (only for fields that were read), the policy and today."""

    values: dict[str, Value]
    confidences: dict[str, float]
    policy: FormPolicy
    today: dt.date

    def issue(self, code: str, *fields: str, **extra: object) -> Issue:
        return make_issue(code, fields, self.policy.label(fields[0]), **extra)

    def date(self, key: str) -> dt.date | None:
        value = self.values.get(key)
        if not isinstance(value, str) or value == LONG_TERM:
            return None
        return dt.date.fromisoformat(value)

    def reference_date(self) -> dt.date:
        # Rules 5 and 6 are judged on the signing date; without one, today.
        return self.date("sign_date") or self.today


Rule = Callable[[Context], list[Issue]]


def age_on(born: dt.date, day: dt.date) -> int:
    before_birthday = (day.month, day.day) < (born.month, born.day)
    return day.year - born.year - int(before_birthday)


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year + years, day=28)


def check_identity(ctx: Context) -> list[Issue]:
    id_type, number = ctx.values.get("id_type"), ctx.values.get("id_number")
    if not isinstance(number, str) or not isinstance(id_type, str):
        return []
    if id_type == "resident_id":
        return _resident_id_issues(ctx, number)
    if id_type == "passport":
        nationality = ctx.values.get("nationality")
        country = nationality if isinstance(nationality, str) else None
        codes = identity.check_passport(number, country)
    elif id_type == "hk_macao_permit":
        codes = identity.check_hk_macao_permit(number)
    elif id_type == "foreign_pr":
        codes = identity.check_foreign_pr(number)
    else:
        codes = ()
    return [ctx.issue(code, "id_number") for code in codes]


def _resident_id_issues(ctx: Context, number: str) -> list[Issue]:
    found = identity.check_resident_id(number, ctx.today)
    issues = [ctx.issue(code, "id_number") for code in found.codes]
    dob = ctx.date("date_of_birth")
    if found.birth_date and dob and found.birth_date != dob:
        issues.append(ctx.issue("dob_mismatch", "date_of_birth", "id_number"))
    gender = ctx.values.get("gender")
    if found.gender and gender in ("M", "F") and found.gender != gender:
        issues.append(ctx.issue("gender_mismatch", "gender", "id_number"))
    return issues


def corroborated_resident_id(ctx: Context) -> dict[str, float]:
    """The ID number's confidence, raised to its threshold when the rest of
    the form vouches for every digit: the check character holds (it catches
    any one wrong digit and any two neighbours swapped), the region code
    exists, the embedded birth date equals the date of birth and the gender
    digit the gender, both read with confidence of their own, on a ticked
    resident-ID box read with confidence too. Only a confidence moves; the
    number stays as read. Empty when any of it is missing."""
    number, id_type = ctx.values.get("id_number"), ctx.values.get("id_type")
    if id_type != "resident_id" or not isinstance(number, str):
        return {}
    if not all(ctx.confidences.get(key, 0.0) >= ctx.policy.threshold(key)
               for key in ("id_type", "date_of_birth", "gender")):
        return {}
    found = identity.check_resident_id(number, ctx.today)
    if found.codes or found.birth_date is None or found.birth_date != ctx.date("date_of_birth"):
        return {}
    if found.gender != ctx.values.get("gender"):
        return {}
    floor = ctx.policy.threshold("id_number")
    return {"id_number": max(ctx.confidences.get("id_number", 0.0), floor)}


def check_id_expiry(ctx: Context) -> list[Issue]:
    expiry = ctx.date("id_expiry")
    if expiry and expiry < ctx.reference_date():
        return [ctx.issue("id_expired", "id_expiry", "sign_date")]
    return []


def span_fits(span: ValiditySpan, min_age: int, born: dt.date, expiry: str,
              ref: dt.date) -> bool:
    """Could a card of this span, issued on or before `ref`, expire on
    `expiry`, given the holder's age when it was issued?"""
    if span.years is None:
        return expiry == LONG_TERM and age_on(born, ref) >= min_age
    if expiry == LONG_TERM:
        return False
    issued = add_years(dt.date.fromisoformat(expiry), -span.years)
    if issued > ref or issued < born:
        return False
    age = age_on(born, issued)
    return min_age <= age and (span.max_age is None or age <= span.max_age)


def check_validity_span(ctx: Context) -> list[Issue]:
    born, expiry = ctx.date("date_of_birth"), ctx.values.get("id_expiry")
    spans = ctx.policy.id_validity
    if ctx.values.get("id_type") != "resident_id" or not born or not isinstance(expiry, str):
        return []
    if not spans:
        return []
    lower = [0] + [(s.max_age or 0) + 1 for s in spans[:-1]]
    ref = ctx.reference_date()
    if any(span_fits(s, lo, born, expiry, ref) for s, lo in zip(spans, lower, strict=True)):
        return []
    return [ctx.issue("id_validity_span", "id_expiry", "date_of_birth")]


def check_min_age(ctx: Context) -> list[Issue]:
    born, minimum = ctx.date("date_of_birth"), ctx.policy.min_age_years
    if born and age_on(born, ctx.reference_date()) < minimum:
        return [ctx.issue("minor", "date_of_birth", min_age=minimum)]
    return []


def _value_check(key: str, code: str, ok: Callable[[str], bool]) -> Rule:
    def rule(ctx: Context) -> list[Issue]:
        value = ctx.values.get(key)
        return [ctx.issue(code, key)] if isinstance(value, str) and not ok(value) else []

    return rule


def check_sign_date(ctx: Context) -> list[Issue]:
    signed = ctx.date("sign_date")
    if signed is None:
        return []
    if signed > ctx.today:
        return [ctx.issue("sign_date_future", "sign_date")]
    max_days = ctx.policy.sign_date_max_age_days
    if (ctx.today - signed).days > max_days:
        return [ctx.issue("sign_date_stale", "sign_date", max_days=max_days)]
    return []


def check_signature(ctx: Context) -> list[Issue]:
    if "signature" in ctx.values and ctx.values["signature"] is not True:
        return [ctx.issue("signature_missing", "signature")]
    return []


def check_amount(ctx: Context) -> list[Issue]:
    value = ctx.values.get("financial_assets")
    if isinstance(value, float) and value < 0:
        return [ctx.issue("amount_invalid", "financial_assets")]
    return []


def check_pep(ctx: Context) -> list[Issue]:
    return [ctx.issue("pep_edd", "pep")] if ctx.values.get("pep") == "yes" else []


def check_low_confidence(ctx: Context) -> list[Issue]:
    return [
        ctx.issue("low_confidence", key)
        for key, confidence in ctx.confidences.items()
        if key in ctx.policy.fields and confidence < ctx.policy.threshold(key)
    ]


def check_required(ctx: Context, already: set[str]) -> list[Issue]:
    """Rule 1; a field that already has an issue (e.g. an unreadable date)
    is not reported twice."""
    return [
        ctx.issue("required_missing", key)
        for key in ctx.policy.required
        if ctx.values.get(key) is None and key not in already
    ]


RULES: dict[str, Rule] = {
    "identity": check_identity,
    "id_expiry": check_id_expiry,
    "id_validity_span": check_validity_span,
    "min_age": check_min_age,
    "mobile": _value_check("mobile", "mobile_invalid", identity.is_mainland_mobile),
    "email": _value_check("email", "email_invalid", identity.is_email),
    "postal_code": _value_check("postal_code", "postal_code_invalid", identity.is_postal_code),
    "sign_date": check_sign_date,
    "signature": check_signature,
    "amount": check_amount,
    "pep": check_pep,
    "low_confidence": check_low_confidence,
}


def run_rules(ctx: Context, found: list[Issue]) -> tuple[Issue, ...]:
    """`found` (issues met while normalising) plus what the policy's rules
    and advisories find, each (code, fields) once. An advisory's issues are
    marked advisory: kept with the record, not a reason for review."""
    issues = list(found)
    for name, rule in RULES.items():
        if name in ctx.policy.rules:
            issues.extend(rule(ctx))
        elif name in ctx.policy.advisories:
            issues.extend(replace(i, advisory=True) for i in rule(ctx))
    if "required" in ctx.policy.rules:
        issues.extend(check_required(ctx, {f for i in issues for f in i.fields[:1]}))
    unique: dict[tuple[str, tuple[str, ...]], Issue] = {}
    for issue in issues:
        unique.setdefault((issue.code, issue.fields), issue)
    return tuple(unique.values())
