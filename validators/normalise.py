"""Turn one raw reading into its normalised value, by the field's `type`.

Every normaliser either returns the value in the documented format or says
which issue stops it; none of them guesses a value the page does not show.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from extractors.types import FieldReading
from validators.countries import to_alpha3
from validators.types import Value

LONG_TERM = "long-term"
_LONG_TERM_WORDS = {"长期", "長期", "长期有效", "長期有效", "LONG-TERM", "LONG TERM", "LONGTERM"}
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_AMOUNT = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+(\.\d+)?$")
_AMOUNT_UNITS = ("万元", "万", "萬元", "萬")


@dataclass(frozen=True)
class Normalised:
    """A normalised value, and the issue code that explains a None."""

    value: Value
    issue: str | None = None


class _Unparsed(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def to_halfwidth(text: str) -> str:
    """Full-width digits, letters and punctuation -> ASCII; ideographic
    space -> space. NFKC would also do this but folds more (e.g. ligatures),
    so only the full-width block is mapped."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        elif code == 0x3000:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _clean(raw: str) -> str:
    return re.sub(r"\s+", " ", to_halfwidth(raw)).strip()


def _is_cjk(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("CJK")


def person_name(raw: str) -> str:
    text = _clean(raw)
    # Chinese names are written without spaces; a space read between two
    # characters is an artefact of handwriting, not part of the name.
    if any(_is_cjk(c) for c in text) and not re.search(r"[A-Za-z]", text):
        return text.replace(" ", "")
    return text


def parse_date(raw: str) -> str:
    text = _clean(raw).replace(" ", "")
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return dt.date(year, month, day).isoformat()
            except ValueError as e:
                raise _Unparsed("date_invalid") from e
    raise _Unparsed("date_invalid")


def date_or_longterm(raw: str) -> str:
    if _clean(raw).upper() in _LONG_TERM_WORDS:
        return LONG_TERM
    return parse_date(raw)


def id_number(raw: str) -> str:
    return re.sub(r"\s+", "", to_halfwidth(raw)).upper()


def mobile(raw: str) -> str:
    digits = re.sub(r"[\s\-()]", "", to_halfwidth(raw))
    # An international prefix is a way of writing, not a different number.
    digits = re.sub(r"^(\+86|0086|86)(?=\d{11}$)", "", digits)
    if not re.fullmatch(r"\d{11}", digits):
        raise _Unparsed("mobile_invalid")
    return digits


def email(raw: str) -> str:
    return re.sub(r"\s+", "", to_halfwidth(raw)).lower()


def digits(raw: str) -> str:
    text = re.sub(r"\s+", "", to_halfwidth(raw))
    if not text.isascii() or not text.isdigit():
        raise _Unparsed("value_unreadable")
    return text


def amount(raw: str) -> float:
    text = re.sub(r"\s+", "", to_halfwidth(raw))
    for unit in _AMOUNT_UNITS:
        text = text.removesuffix(unit)
    negative = text.startswith("-")
    body = text[1:] if negative else text
    if not _AMOUNT.match(body):
        raise _Unparsed("amount_invalid")
    # Negative amounts are kept so the amount rule can name them.
    return -float(body.replace(",", "")) if negative else float(body.replace(",", ""))


def chinese_text(raw: str) -> str:
    return to_halfwidth(raw).strip()


def country(raw: str, aliases: Mapping[str, str]) -> str:
    code = to_alpha3(_clean(raw), aliases)
    if code is None:
        raise _Unparsed("country_unknown")
    return code


TEXT_NORMALISERS: dict[str, Callable[[str], Value]] = {
    "person_name": person_name,
    "date": parse_date,
    "date_or_longterm": date_or_longterm,
    "id_number": id_number,
    "mobile": mobile,
    "email": email,
    "digits": digits,
    "amount": amount,
    "chinese_text": chinese_text,
}
FIELD_TYPES = frozenset({*TEXT_NORMALISERS, "country", "choice", "signature"})


def normalise_choice(marked: tuple[str, ...], options: tuple[str, ...] = ()) -> Normalised:
    """Exactly one mark gives its code; none or several give None."""
    distinct = tuple(dict.fromkeys(marked))
    if not distinct:
        return Normalised(None, "choice_missing")
    if len(distinct) > 1:
        return Normalised(None, "choice_ambiguous")
    if options and distinct[0] not in options:
        return Normalised(None, "choice_unknown")
    return Normalised(distinct[0])


def normalise_text(raw: str | None, field_type: str, aliases: Mapping[str, str]) -> Normalised:
    if raw is None or not raw.strip():
        return Normalised(None)
    try:
        if field_type == "country":
            return Normalised(country(raw, aliases))
        return Normalised(TEXT_NORMALISERS[field_type](raw))
    except _Unparsed as e:
        return Normalised(None, e.code)


def normalise_reading(
    reading: FieldReading | None,
    field_type: str,
    *,
    options: tuple[str, ...] = (),
    aliases: Mapping[str, str] | None = None,
) -> Normalised:
    """The normalised value of one reading; a missing reading is None."""
    if reading is None:
        return Normalised(None)
    if field_type == "choice":
        return normalise_choice(reading.marked, options)
    if field_type == "signature":
        return Normalised(reading.present is True)
    return normalise_text(reading.raw, field_type, aliases or {})
