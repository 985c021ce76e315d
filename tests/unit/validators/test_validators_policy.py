from __future__ import annotations

from typing import Any

import pytest
from validators_testkit import form_def, rules_def

from config.errors import ConfigurationError
from validators.policy import FormPolicy, load_policy


def test_given_shipped_kyc_config_when_loaded_then_policy_holds_the_rules(
    policy: FormPolicy,
) -> None:
    assert policy.form == "KYC-P01"
    assert "signature" in policy.required and "email" not in policy.required
    assert policy.min_age_years == 16 and policy.sign_date_max_age_days == 365
    # Calibrated values (issue 10): an ID number needs both engines to agree.
    assert policy.threshold("id_number") >= 0.85
    assert 0 < policy.threshold("name") < 1
    assert policy.choices["gender"] == ("M", "F")
    # The legal validity span is not among the form's rules 1-11: a note.
    assert policy.advisories == {"id_validity_span"}
    assert "id_validity_span" not in policy.rules


def _broken(**changes: Any) -> dict[str, Any]:
    return {**rules_def(), **changes}


@pytest.mark.parametrize(
    ("rules", "fragment"),
    [
        (_broken(required=["name", "shoe_size"]), "shoe_size"),
        (_broken(rules=["required", "astrology"]), "astrology"),
        (_broken(min_age_years=-1), "min_age_years"),
        (_broken(confidence={"default": 1.5}), "default"),
        (_broken(confidence={"by_type": {"date": 2}}), "date"),
        (_broken(choices={"name": ["A"]}), "non-choice"),
        (_broken(form="KYC-P99"), "KYC-P99"),
        (_broken(typo_key=1), "typo_key"),
        (_broken(advisories=["low_confidence"]), "cannot be advisories"),
        (_broken(advisories=["horoscope"]), "horoscope"),
        (_broken(advisories=["pep"]), "both as rules and as advisories"),
    ],
)
def test_given_invalid_rules_when_loaded_then_configuration_error_names_problem(
    rules: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(ConfigurationError, match=fragment):
        load_policy(form_def(), rules)


def test_given_unknown_field_type_when_loaded_then_configuration_error() -> None:
    form = form_def()
    form["fields"]["name"] = {"type": "hologram"}
    with pytest.raises(ConfigurationError, match="hologram"):
        load_policy(form, rules_def())


def test_given_non_mapping_rules_when_loaded_then_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        load_policy(form_def(), ["not", "a", "mapping"])  # type: ignore[arg-type]


def test_a_split_sure_enough_to_skip_more_looks_clears_the_shipped_thresholds(
    policy: FormPolicy,
) -> None:
    from extractors.second import SURE_ALONE
    from extractors.vote import MAY_STAND_ALONE

    # More looks are skipped above SURE_ALONE only because no threshold of a
    # type that may stand alone asks for more; raising one past it must
    # lower SURE_ALONE too.
    for key, field in policy.fields.items():
        if field.type in MAY_STAND_ALONE:
            assert policy.threshold(key) < SURE_ALONE, key
