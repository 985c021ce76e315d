from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from validators_testkit import CLEAN, TODAY, build_extraction, make_ric

from validators.decide import decide
from validators.policy import FormPolicy
from validators.types import Decision

EXAMPLES = Path("/work/shared/forms/KYC-P01/examples")


def run(policy: FormPolicy, today: dt.date = TODAY, conf: dict[str, float] | None = None,
        **changes: Any) -> Decision:
    return decide(build_extraction(policy, {**CLEAN, **changes}, conf), policy, today)


def codes(decision: Decision) -> set[str]:
    return {issue.code for issue in decision.issues}


def test_given_clean_record_when_decided_then_archived_with_normalised_values(
    policy: FormPolicy,
) -> None:
    decision = run(policy)
    assert decision.route == "archived", decision.issues
    assert decision.values["date_of_birth"] == "1980-08-11"
    assert decision.values["mobile"] == "15567991814"
    assert decision.values["financial_assets"] == 25.0
    assert decision.values["email"] == "sample.person@example-mail.com"
    assert set(decision.values) == set(policy.fields)
    assert decision.confidences["name"] == 0.99


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"gender": None}, {"choice_missing"}),
        ({"gender": ["M", "F"]}, {"choice_ambiguous"}),
        ({"annual_income": None}, {"choice_missing"}),
        ({"name": None}, {"required_missing"}),
        ({"email": None, "postal_code": None, "financial_assets": None}, set()),
        ({"id_number": "510104198008119775"}, {"id_checksum"}),
        ({"date_of_birth": "1980-09-11"}, {"dob_mismatch"}),
        ({"gender": "F"}, {"gender_mismatch"}),
        ({"id_number": "510104800811977"}, {"id_legacy"}),
        ({"id_expiry": "2026-09-01", "sign_date": "2026-10-01"}, {"id_expired"}),
        ({"mobile": "12345678901"}, {"mobile_invalid"}),
        ({"mobile": "1556799181"}, {"mobile_invalid"}),
        ({"email": "not-an-address"}, {"email_invalid"}),
        ({"postal_code": "61002"}, {"postal_code_invalid"}),
        ({"postal_code": "61OO21"}, {"value_unreadable"}),
        ({"sign_date": "2026-11-02"}, {"sign_date_future"}),
        ({"sign_date": "2025-10-31", "id_expiry": "2034-12-18"}, {"sign_date_stale"}),
        ({"signature": False}, {"signature_missing"}),
        ({"financial_assets": "-3"}, {"amount_invalid"}),
        ({"financial_assets": "lots"}, {"amount_invalid"}),
        ({"date_of_birth": "1980-02-30"}, {"date_invalid"}),
        ({"nationality": "Atlantis"}, {"country_unknown"}),
        ({"pep": "yes"}, {"pep_edd"}),
    ],
)
def test_given_one_defect_when_decided_then_review_with_its_code(
    policy: FormPolicy, changes: dict[str, Any], expected: set[str]
) -> None:
    decision = run(policy, **changes)
    assert codes(decision) == expected
    assert decision.route == ("review" if expected else "archived")


@pytest.mark.parametrize(
    "expiry",
    ["2026-06-10",  # a 20-year card issued at 25, when the law gives 10 years
     "2050-12-18", "长期"],
)
def test_given_expiry_that_contradicts_the_legal_span_then_archived_with_a_note(
    policy: FormPolicy, expiry: str
) -> None:
    decision = run(policy, id_expiry=expiry)
    assert decision.route == "archived"
    assert decision.reasons == [] and decision.notes == ["id_validity_span"]
    [note] = decision.issues
    assert note.advisory and note.fields == ("id_expiry", "date_of_birth")


def test_given_span_check_made_a_rule_then_its_finding_sends_to_review(
    policy: FormPolicy,
) -> None:
    strict = policy.model_copy(update={
        "rules": policy.rules | {"id_validity_span"},
        "advisories": policy.advisories - {"id_validity_span"},
    })
    decision = run(strict, id_expiry="2050-12-18")
    assert decision.route == "review"
    assert decision.reasons == ["id_validity_span"] and decision.notes == []


def test_given_a_note_beside_a_reason_then_review_for_the_reason_only(
    policy: FormPolicy,
) -> None:
    decision = run(policy, id_expiry="2050-12-18", pep="yes")
    assert decision.route == "review"
    assert decision.reasons == ["pep_edd"] and decision.notes == ["id_validity_span"]


def test_given_missing_required_date_when_decided_then_one_issue_per_field(
    policy: FormPolicy,
) -> None:
    decision = run(policy, date_of_birth="1980-02-30")
    assert [i.fields for i in decision.issues] == [("date_of_birth",)]
    assert decision.values["date_of_birth"] is None


def test_given_teenager_when_decided_then_minor(policy: FormPolicy) -> None:
    born = dt.date(2011, 3, 1)
    decision = run(policy, date_of_birth=born.isoformat(), id_number=make_ric("110105", born, 11),
                   id_expiry="2030-05-01")
    assert codes(decision) == {"minor"}


def test_given_low_confidence_reading_when_decided_then_named_and_value_kept(
    policy: FormPolicy,
) -> None:
    # Just below address's configured threshold, just above name's own.
    below = policy.threshold("address") - 0.01
    above = min(1.0, policy.threshold("name") + 0.01)
    decision = run(policy, conf={"address": below, "name": above})
    low = [i.fields for i in decision.issues if i.code == "low_confidence"]
    assert low == [("address",)]
    assert decision.values["address"] == CLEAN["address"]
    assert decision.confidences["address"] == below


def test_given_unsure_resident_id_vouched_for_by_the_form_then_only_its_confidence_rises(
    policy: FormPolicy,
) -> None:
    floor = policy.threshold("id_number")
    unsure = {"id_number": floor - 0.4}
    vouched = run(policy, conf=unsure)
    assert vouched.route == "archived", vouched.issues
    assert vouched.confidences["id_number"] == floor
    assert vouched.values["id_number"] == CLEAN["id_number"]
    # Nothing vouches when any witness is missing, unsure or disagrees.
    witnesses_fail = [
        run(policy, conf={**unsure, "date_of_birth": policy.threshold("date_of_birth") - 0.01}),
        run(policy, conf={**unsure, "gender": policy.threshold("gender") - 0.01}),
        run(policy, conf={**unsure, "id_type": policy.threshold("id_type") - 0.01}),
        run(policy, conf=unsure, date_of_birth="1980-08-12"),
        run(policy, conf=unsure, gender="F"),
        run(policy, conf=unsure, id_number=CLEAN["id_number"][:-1] + "0"),  # check character
    ]
    for decision in witnesses_fail:
        assert decision.confidences["id_number"] == floor - 0.4
        assert ("id_number",) in [i.fields for i in decision.issues if i.code == "low_confidence"]


def test_given_dob_mismatch_when_decided_then_neither_value_is_fixed(policy: FormPolicy) -> None:
    decision = run(policy, date_of_birth="1980-09-11")
    assert decision.values["date_of_birth"] == "1980-09-11"
    assert decision.values["id_number"] == CLEAN["id_number"]


def test_given_issue_when_decided_then_messages_in_both_languages(policy: FormPolicy) -> None:
    issue = next(i for i in run(policy, id_number="510104198008119775").issues)
    assert issue.fields == ("id_number",)
    assert "校验位" in issue.message_zh and "check character" in issue.message_en
    missing = next(i for i in run(policy, name=None).issues)
    assert "姓名" in missing.message_zh and "Full Name" in missing.message_en


def test_given_rule_disabled_in_policy_when_decided_then_not_applied(policy: FormPolicy) -> None:
    relaxed = policy.model_copy(update={"rules": policy.rules - {"pep"}})
    assert run(relaxed, pep="yes").route == "archived"


def truth(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{name}.truth.json").read_text(encoding="utf-8"))


@pytest.mark.skipif(not EXAMPLES.exists(), reason="shared examples not present")
@pytest.mark.parametrize(
    ("name", "route", "must_have"),
    [
        ("example-01", "archived", set()),
        # Its expiry (2033-03-15) fits no legal span for a holder born
        # 1991-05-02, which the bank's rules for this form leave to a note.
        ("example-03", "archived", {"id_validity_span"}),
        ("example-02", "archived", set()),
        ("example-04", "archived", set()),
        ("example-05", "archived", set()),
        ("example-06", "archived", set()),
        ("example-07", "review", {"dob_mismatch"}),
        ("example-08", "review", {"id_checksum"}),
        ("example-09", "review", {"choice_missing"}),
    ],
)
def test_given_truth_example_when_decided_then_expected_route_and_values(
    policy: FormPolicy, name: str, route: str, must_have: set[str]
) -> None:
    fields = truth(name)["fields"]
    decision = decide(build_extraction(policy, fields), policy, TODAY)
    assert decision.route == route
    assert must_have <= codes(decision)
    assert decision.values == fields
