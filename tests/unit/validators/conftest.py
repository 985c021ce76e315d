from __future__ import annotations

import pytest
from validators_testkit import kyc_policy

from validators.policy import FormPolicy


@pytest.fixture(scope="session")
def policy() -> FormPolicy:
    return kyc_policy()
