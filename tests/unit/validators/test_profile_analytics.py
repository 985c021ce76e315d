"""The coarse facts the profile keeps for the customer-base analytics:
the age band on the signing date and the tax-residency code, never the
date of birth itself."""

from __future__ import annotations

import pytest

from validators.policy import FormPolicy
from validators.profile import AGE_BANDS, age_band_for, build_profile


@pytest.mark.parametrize(
    ("born", "signed", "band"),
    [("2009-06-02", "2026-06-01", "<18"), ("2008-06-01", "2026-06-01", "18-29"),
     ("1996-06-02", "2026-06-01", "18-29"), ("1996-06-01", "2026-06-01", "30-39"),
     ("1977-01-01", "2026-06-01", "40-49"), ("1957-01-01", "2026-06-01", "60-69"),
     ("1926-01-01", "2026-06-01", "70+"), (None, "2026-06-01", None),
     ("1990-01-01", None, None), ("not a date", "2026-06-01", None)],
)
def test_the_age_band_is_the_age_on_the_signing_date(born: str | None, signed: str | None,
                                                     band: str | None) -> None:
    assert age_band_for({"date_of_birth": born, "sign_date": signed}) == band
    assert band is None or band in AGE_BANDS


def test_the_stored_profile_has_the_band_and_residency_but_no_date(policy: FormPolicy) -> None:
    values = {"date_of_birth": "1985-03-04", "sign_date": "2026-05-06",
              "tax_residency": "both", "pep": "no", "nationality": "CHN"}
    stored = build_profile(values, policy).as_json()
    assert stored["age_band"] == "40-49" and stored["tax_residency"] == "both"
    assert "1985" not in repr(stored)
