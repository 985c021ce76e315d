from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.iso7064 import mod_11_2
from validators_testkit import make_ric

from validators import identity

TODAY = dt.date(2026, 11, 1)
# County codes that exist (some created after 1980: the code is where the
# card was issued, not where the holder was born).
REGIONS = ("110105", "310115", "440305", "510104", "330106", "120101", "650102")


@pytest.mark.parametrize(
    ("number", "codes", "born", "gender"),
    [
        (make_ric("110105", dt.date(1949, 12, 31), 2), (), dt.date(1949, 12, 31), "F"),
        (make_ric("510104", dt.date(1980, 8, 11), 977), (), dt.date(1980, 8, 11), "M"),
        # Region created in 1990, holder born 1980: still valid.
        (make_ric("330106", dt.date(1975, 1, 1), 11), (), dt.date(1975, 1, 1), "M"),
        # HK/Macao/Taiwan residence permits share the format.
        (make_ric("810000", dt.date(1990, 6, 1), 123), (), dt.date(1990, 6, 1), "M"),
        (make_ric("830000", dt.date(1990, 6, 1), 124), (), dt.date(1990, 6, 1), "F"),
        ("110105194912310020", ("id_checksum",), dt.date(1949, 12, 31), "F"),
        (make_ric("990000", dt.date(1980, 1, 1), 1), ("id_region",), dt.date(1980, 1, 1), "M"),
        (make_ric("110105", dt.date(2030, 1, 1), 1), ("id_birth_date_invalid",), None, "M"),
    ],
)
def test_given_resident_id_when_checked_then_codes_and_embedded_facts(
    number: str, codes: tuple[str, ...], born: dt.date | None, gender: str
) -> None:
    found = identity.check_resident_id(number, TODAY)
    assert (found.codes, found.birth_date, found.gender) == (codes, born, gender)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110105491231002", "id_legacy"),
        ("11010519491231002", "id_format"),
        ("1101051949123100XX", "id_format"),
        ("11010519491331002X", "id_birth_date_invalid"),
    ],
)
def test_given_malformed_resident_id_when_checked_then_flagged(number: str, code: str) -> None:
    assert code in identity.check_resident_id(number, TODAY).codes


def test_given_legacy_15_digit_id_when_converted_then_18_digits_with_check() -> None:
    assert identity.legacy_to_18("110105491231002") == "11010519491231002X"
    assert identity.legacy_to_18("11010549123100") is None


@pytest.mark.parametrize(
    ("number", "ok"),
    [("H12345678", True), ("M87654321", True), ("H1234567801", True),
     ("X12345678", False), ("H1234567", False), ("H123456789", False)],
)
def test_given_hk_macao_permit_when_checked_then_format_enforced(number: str, ok: bool) -> None:
    assert (identity.check_hk_macao_permit(number) == ()) is ok


def _pr2023(seq: int) -> str:
    body = f"9110840{19900101:08d}{seq:02d}"
    return body + mod_11_2.calc_check_digit(body)


@pytest.mark.parametrize(
    ("number", "codes"),
    [
        ("USA110090010001", ()),
        ("US1110090010001", ("id_format",)),
        (_pr2023(12), ()),
        (_pr2023(12)[:-1] + ("0" if _pr2023(12)[-1] != "0" else "1"), ("id_checksum",)),
        ("811084019900101126", ("id_format",)),
    ],
)
def test_given_foreign_pr_card_when_checked_then_2017_and_2023_formats(
    number: str, codes: tuple[str, ...]
) -> None:
    assert identity.check_foreign_pr(number) == codes


@pytest.mark.parametrize(
    ("number", "nationality", "ok"),
    [
        ("E12345678", "CHN", True),
        ("EA1234567", "CHN", True),
        ("G12345678", "CHN", False),
        ("123456789", "USA", True),
        ("K1234", "GBR", True),
        ("K123", "GBR", False),
        ("A" * 18, "GBR", False),
        ("AB-12345", None, False),
    ],
)
def test_given_passport_when_checked_then_length_and_chinese_pattern(
    number: str, nationality: str | None, ok: bool
) -> None:
    assert (identity.check_passport(number, nationality) == ()) is ok


def _uscc(body17: str) -> str:
    from stdnum.cn import uscc

    return body17 + uscc.calc_check_digit(body17)


def _wrong_check(code: str) -> str:
    return code[:-1] + ("1" if code[-1] != "1" else "2")


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        (_uscc("91110108MA01ABCD3"), True),
        (_uscc("A1110000MA0000001"), True),   # stdnum wrongly rejects A
        (_uscc("N2110000MA0000002"), True),   # ... and N
        (_uscc("Y1110000MA0000003"), True),   # ... and Y
        (_uscc("B1110000MA0000003"), False),  # B is not an authority code
        ("9111010IMA01ABCD30", False),  # I is not in the alphabet
        (_wrong_check(_uscc("91110108MA01ABCD3")), False),
        (_wrong_check(_uscc("Y1110000MA0000003")), False),
    ],
)
def test_given_uscc_when_checked_then_authority_letters_accepted(code: str, ok: bool) -> None:
    assert identity.is_uscc(code) is ok


@pytest.mark.parametrize(
    ("number", "ok"),
    [("6222021234567890128", True), ("6222021234567890127", False),
     ("4111111111111111", True), ("12345", False)],
)
def test_given_bank_card_when_checked_then_luhn(number: str, ok: bool) -> None:
    assert identity.is_bank_card(number) is ok


@pytest.mark.parametrize(
    ("number", "ok"),
    [("13800138000", True), ("19912345678", True), ("15567991814", True),
     ("12345678901", False), ("1380013800", False), ("23800138000", False)],
)
def test_given_mobile_when_checked_then_mainland_mobile_only(number: str, ok: bool) -> None:
    assert identity.is_mainland_mobile(number) is ok


@pytest.mark.parametrize(
    ("address", "ok"),
    [("sample.person@mail-example.cn", True), ("a@b", False), ("no-at-sign.cn", False),
     ("two@@signs.cn", False)],
)
def test_given_email_when_checked_then_syntax_only(address: str, ok: bool) -> None:
    assert identity.is_email(address) is ok


@pytest.mark.parametrize(("code", "ok"), [("100080", True), ("10008", False), ("1000800", False)])
def test_given_postal_code_when_checked_then_six_digits(code: str, ok: bool) -> None:
    assert identity.is_postal_code(code) is ok


valid_rics = st.builds(
    make_ric,
    st.sampled_from(REGIONS),
    st.dates(min_value=dt.date(1920, 1, 1), max_value=TODAY),
    st.integers(min_value=0, max_value=999),
)


@given(valid_rics)
def test_given_any_generated_valid_id_when_checked_then_passes(number: str) -> None:
    found = identity.check_resident_id(number, TODAY)
    assert found.codes == ()
    assert found.birth_date is not None and f"{found.birth_date:%Y%m%d}" == number[6:14]


@given(valid_rics, st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_given_valid_id_when_one_character_substituted_then_caught(
    number: str, position: int, char: str
) -> None:
    assume(number[position] != char)
    changed = number[:position] + char + number[position + 1:]
    assert identity.check_resident_id(changed, TODAY).codes != ()


@given(valid_rics, st.integers(min_value=0, max_value=16))
def test_given_valid_id_when_adjacent_characters_transposed_then_caught(
    number: str, position: int
) -> None:
    a, b = number[position], number[position + 1]
    assume(a != b)  # swapping equal digits changes nothing
    changed = number[:position] + b + a + number[position + 2:]
    assert identity.check_resident_id(changed, TODAY).codes != ()
