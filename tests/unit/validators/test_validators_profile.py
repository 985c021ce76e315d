from __future__ import annotations

from typing import Any

import pytest

from validators.policy import FormPolicy
from validators.profile import build_profile

BASE: dict[str, Any] = {
    "nationality": "CHN", "pep": "no", "tax_residency": "cn_only",
    "source_of_funds": "salary", "annual_income": "100k_500k", "financial_assets": 25.0,
}


@pytest.mark.parametrize(
    ("assets", "tier"),
    [(0.0, "mass"), (49.99, "mass"), (50.0, "wealth"), (599.9, "wealth"),
     (600.0, "private_banking"), (None, None), (-1.0, None)],
)
def test_given_assets_when_profiled_then_tier_by_configured_thresholds(
    policy: FormPolicy, assets: float | None, tier: str | None
) -> None:
    assert build_profile({**BASE, "financial_assets": assets}, policy).tier == tier


@pytest.mark.parametrize(
    ("changes", "qualified"),
    [({}, False), ({"financial_assets": 500.0}, True), ({"annual_income": "500k_1m"}, True)],
)
def test_given_assets_or_income_when_profiled_then_qualified_candidate(
    policy: FormPolicy, changes: dict[str, Any], qualified: bool
) -> None:
    assert build_profile({**BASE, **changes}, policy).qualified_investor_candidate is qualified


@pytest.mark.parametrize(
    ("changes", "risk", "factors", "tags"),
    [
        ({}, "low", (), ()),
        ({"pep": "yes"}, "high", ("pep",), ("pep",)),
        ({"nationality": "PRK"}, "high", ("high_risk_country",), ("foreign_national",)),
        ({"nationality": "USA"}, "medium", ("foreign_national",), ("foreign_national",)),
        ({"tax_residency": "both"}, "medium", ("tax_non_resident",), ("tax_non_resident",)),
        ({"source_of_funds": "other"}, "medium", ("unexplained_source_of_funds",), ()),
        ({"occupation": "珠宝店店主"}, "medium", ("high_risk_occupation",),
         ("high_risk_occupation",)),
    ],
)
def test_given_customer_facts_when_profiled_then_risk_with_factors(
    policy: FormPolicy, changes: dict[str, Any], risk: str, factors: tuple[str, ...],
    tags: tuple[str, ...],
) -> None:
    profile = build_profile({**BASE, **changes}, policy)
    assert (profile.risk, profile.risk_factors, profile.tags) == (risk, factors, tags)
