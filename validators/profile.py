"""A first customer profile from normalised values: tier, a
qualified-investor hint, tags and an initial AML risk with its reasons.

This is a starting point for the reviewer (银发〔2013〕2号 asks for a rating
within 10 working days), not a final rating; thresholds come from rules.yaml.
"""

from __future__ import annotations

import datetime as dt

from validators.policy import FormPolicy
from validators.rules import age_on
from validators.types import CustomerProfile, Risk, Tier, Value

# Income bands wholly at or above the 40万/year qualified-investor bar.
_HIGH_INCOME = frozenset({"500k_1m", "gt_1m"})
# Ten-year bands of the age on the signing date (the dashboard's order).
AGE_BANDS = ("<18", "18-29", "30-39", "40-49", "50-59", "60-69", "70+")


def tier_for(assets: Value, policy: FormPolicy) -> Tier | None:
    if not isinstance(assets, float) or assets < 0:
        return None
    if assets >= policy.tiers.private_banking:
        return "private_banking"
    return "wealth" if assets >= policy.tiers.wealth else "mass"


def tags_for(values: dict[str, Value], policy: FormPolicy) -> tuple[str, ...]:
    tags = []
    if values.get("pep") == "yes":
        tags.append("pep")
    if values.get("tax_residency") in ("non_resident", "both"):
        tags.append("tax_non_resident")
    if isinstance(values.get("nationality"), str) and values["nationality"] != "CHN":
        tags.append("foreign_national")
    if _high_risk_occupation(values.get("occupation"), policy):
        tags.append("high_risk_occupation")
    return tuple(tags)


def _high_risk_occupation(occupation: Value, policy: FormPolicy) -> bool:
    """Substring match: occupations are written freely (珠宝商, 珠宝店店主…)."""
    if not isinstance(occupation, str):
        return False
    text = occupation.lower()
    return any(word.lower() in text for word in policy.high_risk_occupations)


def risk_for(values: dict[str, Value], policy: FormPolicy) -> tuple[Risk, tuple[str, ...]]:
    high = []
    if values.get("pep") == "yes":
        high.append("pep")
    if values.get("nationality") in policy.high_risk_countries:
        high.append("high_risk_country")
    if high:
        return "high", tuple(high)
    medium_tags = ("tax_non_resident", "foreign_national", "high_risk_occupation")
    medium = [t for t in tags_for(values, policy) if t in medium_tags]
    if values.get("source_of_funds") == "other":
        medium.append("unexplained_source_of_funds")
    return ("medium" if medium else "low"), tuple(medium)


def age_band_for(values: dict[str, Value]) -> str | None:
    """The band of the age on the signing date; None when either date is
    missing or unreadable (the form then goes to review anyway)."""
    try:
        born = dt.date.fromisoformat(str(values.get("date_of_birth")))
        signed = dt.date.fromisoformat(str(values.get("sign_date")))
    except ValueError:
        return None
    age = age_on(born, signed)
    if age < 18:
        return AGE_BANDS[0]
    # 18–29 is one band: ages 18 and 19 join the twenties.
    return AGE_BANDS[min(max(1, age // 10 - 1), len(AGE_BANDS) - 1)]


def _choice(value: Value) -> str | None:
    return value if isinstance(value, str) else None


def build_profile(values: dict[str, Value], policy: FormPolicy) -> CustomerProfile:
    assets = values.get("financial_assets")
    qualified = (isinstance(assets, float) and assets >= policy.tiers.qualified_investor) or (
        values.get("annual_income") in _HIGH_INCOME
    )
    risk, factors = risk_for(values, policy)
    return CustomerProfile(
        tier_for(assets, policy), qualified, tags_for(values, policy), risk, factors,
        age_band=age_band_for(values), tax_residency=_choice(values.get("tax_residency")),
    )
