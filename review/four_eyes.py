"""When one approval is not enough: a PEP (enhanced due diligence), a high
AML risk, or a changed ID number needs a second, different supervisor."""

from __future__ import annotations

from typing import Any

from validators.policy import FormPolicy
from validators.profile import risk_for


def grounds(values: dict[str, Any], originals: dict[str, Any], reasons: list[Any],
            policy: FormPolicy) -> list[str]:
    """Why this record needs a second approval (empty: it does not)."""
    found = []
    if "pep_edd" in reasons or values.get("pep") == "yes" or originals.get("pep") == "yes":
        found.append("pep_edd")
    risk, _factors = risk_for(values, policy)
    if risk == "high" and "pep_edd" not in found:
        found.append("high_risk")
    if "id_number" in originals and originals["id_number"] != values.get("id_number"):
        found.append("id_number_corrected")
    return found
