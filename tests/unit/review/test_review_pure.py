"""Pure pieces of the workspace: masking, re-deciding corrected values,
the login limiter, the permission table, SLA markers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from reviewkit import TODAY, truth_values

from review.errors import RateLimited
from review.four_eyes import grounds
from review.queue import sla_of
from review.roles import PERMISSIONS, Action, Role, allowed
from review.websessions import LoginLimiter
from validators.masking import mask_field, mask_id_number, mask_mobile, mask_name
from validators.recheck import carried_issues, normalise_input, redecide
from validators.types import Issue
from workers.runtime import load_forms


@pytest.fixture(scope="module")
def policy():  # type: ignore[no-untyped-def]
    from config.settings import FORMS_DIR

    return load_forms(FORMS_DIR)["KYC-P01"].policy


def test_masking_follows_the_bank_convention() -> None:
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_mobile("13800138000") == "138****8000"
    assert mask_name("张伟") == "张*" and mask_name("欧阳娜娜") == "欧***"
    assert mask_field("pep", "yes") == "yes"  # option codes are not personal
    assert mask_field("occupation", "教师") == "教师"
    assert mask_field("occupation", "教师工作", frozenset({"occupation"})) == "教师**"
    assert mask_field("financial_assets", 650.0) == "***"


def test_a_corrected_record_is_decided_again(policy) -> None:  # type: ignore[no-untyped-def]
    values = truth_values()
    confidences = dict.fromkeys(values, 0.99)
    assert redecide(values, confidences, policy, TODAY).issues == ()
    values["mobile"] = "123"
    codes = {i.code for i in redecide(values, confidences, policy, TODAY).issues}
    assert codes == {"mobile_invalid"}


def test_typed_values_are_normalised_by_field_type(policy) -> None:  # type: ignore[no-untyped-def]
    assert normalise_input("date_of_birth", "1981年1月18日", policy).value == "1981-01-18"
    assert normalise_input("date_of_birth", "yesterday", policy).issue == "date_invalid"
    assert normalise_input("gender", "F", policy).value == "F"
    assert normalise_input("gender", "X", policy).issue is not None
    assert normalise_input("signature", "yes", policy).value is True


def test_normalisation_issues_are_carried_until_their_field_is_corrected() -> None:
    unreadable = Issue("date_invalid", ("date_of_birth",), "en", "zh")
    rule = Issue("mobile_invalid", ("mobile",), "en", "zh")
    assert carried_issues([unreadable, rule], set()) == [unreadable]
    assert carried_issues([unreadable, rule], {"date_of_birth"}) == []


def test_four_eyes_grounds(policy) -> None:  # type: ignore[no-untyped-def]
    values = truth_values()
    assert grounds(values, {}, [], policy) == []
    assert grounds({**values, "pep": "yes"}, {}, ["pep_edd"], policy) == ["pep_edd"]
    assert grounds(values, {"id_number": "1"}, [], policy) == ["id_number_corrected"]
    assert grounds(values, {"id_number": values["id_number"]}, [], policy) == []


def test_the_login_limiter_counts_failures_in_a_sliding_window() -> None:
    now = [0.0]
    limiter = LoginLimiter(3, 60, clock=lambda: now[0])
    for _ in range(3):
        limiter.check("user:a")
        limiter.failed("user:a", "ip:1")
    with pytest.raises(RateLimited):
        limiter.check("user:a")
    with pytest.raises(RateLimited):
        limiter.check("user:b", "ip:1")  # the same address trying other names
    now[0] = 61
    limiter.check("user:a", "ip:1")


def test_permissions_are_as_the_issue_says() -> None:
    assert allowed("supervisor", Action.SECOND_APPROVE)
    assert not allowed("reviewer", Action.SECOND_APPROVE)
    assert not allowed("reviewer", Action.MANAGE_USERS)
    assert PERMISSIONS[Role.AUDITOR] == frozenset({Action.VIEW_AUDIT})
    assert PERMISSIONS[Role.ADMIN] == frozenset({Action.MANAGE_USERS})
    assert not allowed("no-such-role", Action.VIEW_QUEUE)


def test_sla_marker() -> None:
    assert sla_of(timedelta(hours=1), 24) == "ok"
    assert sla_of(timedelta(hours=19), 24) == "due"
    assert sla_of(timedelta(hours=25), 24) == "late"
