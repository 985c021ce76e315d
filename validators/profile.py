"""A first customer profile from normalised values: tier, a
qualified-investor hint, tags and an initial AML risk with its reasons.

This is a starting point for the reviewer (银发〔2013〕2号 asks for a rating
within 10 working days), not a final rating; thresholds come from rules.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from validators.policy import FormPolicy
from validators.types import Value

Tier = Literal["mass", "wealth", "private_banking"]
Risk = Literal["low", "medium", "high"]
# Income bands wholly at or above the 40万/year qualified-investor bar.
_HIGH_INCOME = frozenset({"500k_1m", "gt_1m"})


@dataclass(frozen=True)
class CustomerProfile:
    tier: Tier | None
    # Meets the asset or income test only: investment experience is not on
    # the form, so a person still has to confirm it.
    qualified_investor_candidate: bool
    tags: tuple[str, ...]
    risk: Risk
    risk_factors: tuple[str, ...]


def tier_for(assets: Value, policy: FormPolicy) -> Tier | None:
    if not isinstance(assets, float) or assets < 0:
        return None
    if assets >= policy.tiers.private_banking:
        return "private_banking"
    return "wealth" if assets >= policy.tiers.wealth else "mass"


def tags_for(values: dict[str, Value]) -> tuple[str, ...]:
    tags = []
    if values.get("pep") == "yes":
        tags.append("pep")
    if values.get("tax_residency") in ("non_resident", "both"):
        tags.append("tax_non_resident")
    if isinstance(values.get("nationality"), str) and values["nationality"] != "CHN":
        tags.append("foreign_national")
    return tuple(tags)


def risk_for(values: dict[str, Value], policy: FormPolicy) -> tuple[Risk, tuple[str, ...]]:
    high = []
    if values.get("pep") == "yes":
        high.append("pep")
    if values.get("nationality") in policy.high_risk_countries:
        high.append("high_risk_country")
    if high:
        return "high", tuple(high)
    medium = [t for t in tags_for(values) if t in ("tax_non_resident", "foreign_national")]
    if values.get("source_of_funds") == "other":
        medium.append("unexplained_source_of_funds")
    return ("medium" if medium else "low"), tuple(medium)


def build_profile(values: dict[str, Value], policy: FormPolicy) -> CustomerProfile:
    assets = values.get("financial_assets")
    qualified = (isinstance(assets, float) and assets >= policy.tiers.qualified_investor) or (
        values.get("annual_income") in _HIGH_INCOME
    )
    risk, factors = risk_for(values, policy)
    return CustomerProfile(tier_for(assets, policy), qualified, tags_for(values), risk, factors)
