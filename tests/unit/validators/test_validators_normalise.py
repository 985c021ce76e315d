from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.types import FieldReading
from validators.normalise import Normalised, normalise_reading, normalise_text, to_halfwidth

ALIASES = {"中国香港": "CHN", "中国澳门": "CHN"}


def norm(raw: str | None, field_type: str) -> Normalised:
    return normalise_text(raw, field_type, ALIASES)


@pytest.mark.parametrize(
    ("field_type", "raw", "expected"),
    [
        ("person_name", " 张  三 ", "张三"),
        ("person_name", "John   Ronald  SMITH", "John Ronald SMITH"),
        ("person_name", "ｍａｒｙ　Ｌｅｅ", "mary Lee"),
        ("person_name", "阿卜杜·热合曼", "阿卜杜·热合曼"),
        ("date", "1985-03-12", "1985-03-12"),
        ("date", "1985/03/12", "1985-03-12"),
        ("date", "1985.03.12", "1985-03-12"),
        ("date", "1985年3月12日", "1985-03-12"),
        ("date", "1985年03月12日", "1985-03-12"),
        ("date", "１９８５年３月１２日", "1985-03-12"),
        ("date", "1985 - 3 - 2", "1985-03-02"),
        ("date_or_longterm", "长期", "long-term"),
        ("date_or_longterm", "長期", "long-term"),
        ("date_or_longterm", "2034.12.18", "2034-12-18"),
        ("country", "中国", "CHN"),
        ("country", "中华人民共和国", "CHN"),
        ("country", "中国香港", "CHN"),
        ("country", "中国澳门", "CHN"),
        ("country", "CHN", "CHN"),
        ("country", "美国", "USA"),
        ("country", "USA", "USA"),
        ("country", "英国", "GBR"),
        ("country", "UK", "GBR"),
        ("country", "德国", "DEU"),
        ("country", "GERMANY", "DEU"),
        ("country", "日本", "JPN"),
        ("country", "Japan", "JPN"),
        ("country", "新加坡", "SGP"),
        ("country", "SINGAPORE", "SGP"),
        ("country", "加拿大", "CAN"),
        ("country", "CANADA", "CAN"),
        ("country", "法国", "FRA"),
        ("country", "韩国", "KOR"),
        ("country", "ＣＨＮ", "CHN"),
        ("id_number", " 11010519491231002x ", "11010519491231002X"),
        ("id_number", "Ｅ１２３４５６７８", "E12345678"),
        ("id_number", "h 1234 5678", "H12345678"),
        ("mobile", "138 0013 8000", "13800138000"),
        ("mobile", "+86 138-0013-8000", "13800138000"),
        ("mobile", "１３８００１３８０００", "13800138000"),
        ("email", " Sample.Person@Example.COM ", "sample.person@example.com"),
        ("email", "ａｂｃ＠ｍａｉｌ．ｃｎ", "abc@mail.cn"),
        ("digits", "100 080", "100080"),
        ("amount", "18.4", 18.4),
        ("amount", "106", 106.0),
        ("amount", "１０６万", 106.0),
        ("amount", "1,060", 1060.0),
        ("amount", "-5", -5.0),
        ("chinese_text", "  北京市朝阳区示例路８号 ", "北京市朝阳区示例路8号"),
    ],
)
def test_given_written_value_when_normalised_then_documented_format(
    field_type: str, raw: str, expected: object
) -> None:
    assert norm(raw, field_type) == Normalised(expected)


@pytest.mark.parametrize(
    ("field_type", "raw", "code"),
    [
        ("date", "1985-02-30", "date_invalid"),
        ("date", "1985年13月1日", "date_invalid"),
        ("date", "85-03-12", "date_invalid"),
        ("date", "三月十二日", "date_invalid"),
        ("date_or_longterm", "永久", "date_invalid"),
        ("country", "Atlantis", "country_unknown"),
        ("mobile", "1380013800", "mobile_invalid"),
        ("mobile", "1380013800O", "mobile_invalid"),
        ("digits", "1OOO8O", "value_unreadable"),
        ("amount", "about 20", "amount_invalid"),
        ("amount", "1.2.3", "amount_invalid"),
    ],
)
def test_given_unparseable_value_when_normalised_then_none_and_issue(
    field_type: str, raw: str, code: str
) -> None:
    assert norm(raw, field_type) == Normalised(None, code)


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000"])
def test_given_empty_zone_when_normalised_then_none_without_issue(raw: str | None) -> None:
    assert norm(raw, "date") == Normalised(None)


def choice(*marked: str) -> FieldReading:
    return FieldReading("pep", "choice", ",".join(marked), 0.95, marked=marked)


@pytest.mark.parametrize(
    ("marked", "expected"),
    [
        (("no",), Normalised("no")),
        (("no", "no"), Normalised("no")),
        ((), Normalised(None, "choice_missing")),
        (("yes", "no"), Normalised(None, "choice_ambiguous")),
        (("maybe",), Normalised(None, "choice_unknown")),
    ],
)
def test_given_choice_marks_when_normalised_then_code_only_for_exactly_one(
    marked: tuple[str, ...], expected: Normalised
) -> None:
    assert normalise_reading(choice(*marked), "choice", options=("yes", "no")) == expected


@pytest.mark.parametrize(("present", "expected"), [(True, True), (False, False), (None, False)])
def test_given_signature_zone_when_normalised_then_bool(
    present: bool | None, expected: bool
) -> None:
    sig = FieldReading("signature", "signature", None, 0.9, present=present)
    assert normalise_reading(sig, "signature") == Normalised(expected)


def test_given_no_reading_when_normalised_then_none() -> None:
    assert normalise_reading(None, "date") == Normalised(None)


def test_given_fullwidth_ascii_when_halfwidth_then_ascii() -> None:
    assert to_halfwidth("Ａｚ０９！～　") == "Az09!~ "


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


STYLES = (
    lambda d: d.isoformat(),
    lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}",
    lambda d: f"{d.year}.{d.month:02d}.{d.day:02d}",
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{d.year}年{d.month:02d}月{d.day:02d}日",
    lambda d: _fullwidth(f"{d.year}年{d.month}月{d.day}日"),
)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
       st.sampled_from(STYLES))
def test_given_any_date_in_any_written_style_when_normalised_then_iso_round_trip(
    day: dt.date, style: object
) -> None:
    assert norm(style(day), "date") == Normalised(day.isoformat())  # type: ignore[operator]
