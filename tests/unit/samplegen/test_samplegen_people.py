"""Generated identities are valid and consistent (clean forms) and every
defect breaks exactly the rule it is named after."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from samplegen_testkit import REFERENCE, findings, span_fits_age
from stdnum.cn import ric

from config import divisions
from extractors.places import division_prefix
from samplegen import lexicon as lx
from samplegen.defects import DEFECTS, make_form
from samplegen.idnumbers import resident_id
from samplegen.people import NAME_MAIL_DOMAINS
from samplegen.truth import truth_payload

CLEAN = [make_form(random.Random(f"clean-{i}"), REFERENCE) for i in range(400)]


def test_clean_resident_ids_pass_stdnum_and_agree_with_the_form() -> None:
    residents = [f.truth for f in CLEAN if f.truth["id_type"] == "resident_id"]
    assert len(residents) > 250
    for fields in residents:
        number = str(fields["id_number"])
        assert ric.is_valid(number), number
        assert ric.get_birth_date(number).isoformat() == fields["date_of_birth"]
        assert ("M" if int(number[16]) % 2 else "F") == fields["gender"]


def test_clean_resident_id_expiry_mostly_matches_age_at_issue_and_is_in_force() -> None:
    off_span = 0
    residents = [f.truth for f in CLEAN if f.truth["id_type"] == "resident_id"]
    for fields in residents:
        born = dt.date.fromisoformat(str(fields["date_of_birth"]))
        sign = dt.date.fromisoformat(str(fields["sign_date"]))
        expiry = str(fields["id_expiry"])
        assert expiry == "long-term" or dt.date.fromisoformat(expiry) > sign, fields
        off_span += not span_fits_age(born, expiry, sign)
    # Some expiries are written without regard to the law, as on branch
    # forms (OFF_SPAN_SHARE, less those that fit by chance).
    assert 0.05 * len(residents) < off_span < 0.2 * len(residents)


def test_clean_forms_break_no_rule_and_are_archived() -> None:
    for form in CLEAN:
        assert findings(form.truth) == set(), form.truth
        assert truth_payload(form, "x.png", "clean")["expected_decision"] == "archived"


def test_clean_values_have_their_normalised_shapes() -> None:
    for form in CLEAN:
        f = form.truth
        sign = dt.date.fromisoformat(str(f["sign_date"]))
        assert REFERENCE - dt.timedelta(days=365) < sign <= REFERENCE
        assert re.fullmatch(r"1[3-9]\d{9}", str(f["mobile"]))
        assert f["email"] is None or re.fullmatch(
            r"[a-z0-9._-]+@[a-z0-9.]+\.[a-z]+", str(f["email"])
        )
        assert f["postal_code"] is None or re.fullmatch(r"\d{6}", str(f["postal_code"]))
        assert isinstance(f["financial_assets"], int | float) and f["financial_assets"] >= 0
        assert re.fullmatch(r"[A-Z]{3}", str(f["nationality"]))


def test_the_mix_covers_every_document_type_and_some_private_banking() -> None:
    kinds = {f.truth["id_type"] for f in CLEAN}
    assert kinds == {"resident_id", "passport", "hk_macao_permit", "foreign_pr"}
    assert any(float(f.truth["financial_assets"] or 0) >= 600 for f in CLEAN)
    assert "长期" in {f.text["id_expiry"] for f in CLEAN}


def test_addresses_open_with_listed_names_and_about_half_do_not_nest() -> None:
    nested = divisions.nested()

    def nests(address: str) -> bool:
        return any(address.startswith(province + ("" if city in divisions.UNWRITTEN_CITIES
                                                  else city) + district)
                   for province, cities in nested.items()
                   for city, districts in cities.items() for district in districts)

    addresses = [str(f.truth["address"]) for f in CLEAN]
    assert all(division_prefix(a) > 0 for a in addresses)
    loose = sum(not nests(a) for a in addresses)
    assert 0.35 * len(addresses) < loose < 0.65 * len(addresses)


def test_about_half_the_mailboxes_are_made_of_english_names() -> None:
    names = tuple(n.lower() for n in lx.LATIN_GIVEN_MALE + lx.LATIN_GIVEN_FEMALE
                  + lx.LATIN_SURNAMES)
    addresses = [str(f.truth["email"]) for f in CLEAN if f.truth["email"]]
    by_names = [a for a in addresses if a.split("@")[1] in NAME_MAIL_DOMAINS
                and any(n in a.split("@")[0] for n in names)]
    assert 0.35 * len(addresses) < len(by_names) < 0.75 * len(addresses)


def test_other_documents_match_their_formats_and_nationality() -> None:
    for form in CLEAN:
        f, number = form.truth, str(form.truth["id_number"])
        if f["id_type"] == "hk_macao_permit":
            assert re.fullmatch(r"[HM]\d{8}", number) and f["nationality"] == "CHN"
        elif f["id_type"] == "foreign_pr":
            assert f["nationality"] != "CHN"
            assert re.fullmatch(rf"{f['nationality']}\d{{12}}|9\d{{16}}[\dX]", number)
        elif f["id_type"] == "passport" and f["nationality"] == "CHN":
            assert re.fullmatch(r"E\d{8}", number)


@pytest.mark.parametrize("defect", DEFECTS)
def test_each_defect_is_sent_to_review_and_breaks_its_rule(defect: str) -> None:
    for i in range(25):
        form = make_form(random.Random(f"{defect}-{i}"), REFERENCE, defect)
        payload = truth_payload(form, "x.jpg", "office")
        assert payload["expected_decision"] == "review"
        assert payload["defect"] == defect
        found = findings(form.truth)
        if defect in ("choice_missing", "choice_ambiguous"):
            assert any(len(form.marks[k]) != 1 for k in form.marks) or None in form.truth.values()
            assert {k for k, v in form.truth.items() if v is None} & set(form.marks)
        else:
            assert defect in found, (defect, form.truth)


def test_ambiguous_choices_have_two_ticks_and_missing_none() -> None:
    for i in range(20):
        ambiguous = make_form(random.Random(f"a{i}"), REFERENCE, "choice_ambiguous")
        missing = make_form(random.Random(f"m{i}"), REFERENCE, "choice_missing")
        assert sorted(len(t) for t in ambiguous.marks.values())[-1] == 2
        assert sorted(len(t) for t in missing.marks.values())[0] == 0


def test_unknown_defect_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown defect"):
        make_form(random.Random(1), REFERENCE, "no_such_defect")


@given(st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2012, 12, 31)),
       st.sampled_from(["M", "F"]), st.integers(0, 10_000))
@settings(max_examples=300, deadline=None)
def test_a_resident_id_can_be_made_for_any_birth_date(dob: dt.date, gender: str,
                                                      seed: int) -> None:
    number = resident_id(random.Random(seed), dob, gender)
    assert ric.is_valid(number) and number[6:14] == f"{dob:%Y%m%d}"
