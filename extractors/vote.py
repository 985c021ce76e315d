"""Two independent readings of one zone, turned into one reading whose
confidence means something.

Two engines with different models rarely make the *same* mistake, so
agreement (after undoing layout differences only: spaces, full-width
forms, case of e-mail) is the strongest evidence a reading is right, and
disagreement is the strongest evidence it may be wrong. Whether the text
has the shape its field type needs counts as a third, independent check.
Nothing here changes what was read: the chosen text is one engine's
reading, word for word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.types import EngineReading

# Scores of text fields, from the doubt about RapidOCR's weakest character
# (1 - its probability), which rules.yaml's thresholds are calibrated on:
#   agreement            1 - doubt × AGREE_DOUBT: two engines agreeing
#                        shrink the doubt, but a weak character still shows
#                        (both read 吴 for 昊 at 0.53 on a shared example)
#   second engine alone  1 - doubt × ALONE_DOUBT, only for CJK text
#   anything else        at most CONTRADICTED_CAP: always reviewed
AGREE_DOUBT = 0.25
ALONE_DOUBT = 2.0
CONTRADICTED_CAP = 0.5

# Which engine to believe when they disagree, by field type (measured on the
# labelled tuning set, seed 101: RapidOCR reads CJK and handwriting-like Kai
# far better, and digits somewhat better; Tesseract with its character
# whitelist is better on e-mail addresses).
PREFER_SECOND = frozenset({"person_name", "chinese_text", "country", "date",
                           "date_or_longterm", "mobile", "digits", "amount", "id_number"})
# Where the second engine's own reading may stand when Tesseract disagrees:
# Chinese writing, which Tesseract misreads far more often than RapidOCR and
# where RapidOCR's weakest-character probability separated right from wrong
# on the tuning set. Digits, dates and e-mail never stand alone: a wrong
# digit there reads as confidently as a right one.
MAY_STAND_ALONE = frozenset({"person_name", "chinese_text"})
# The big mail providers of mainland China and abroad. When two readings
# of an address agree on the part before the @ and differ after it only by
# look-alike characters (hotmai1, out1ook, yaho0), the reading whose domain
# is one of these wins: it is still one engine's text, word for word.
KNOWN_MAIL_DOMAINS = frozenset({
    "qq.com", "foxmail.com", "163.com", "126.com", "yeah.net", "sina.com", "sina.cn",
    "sohu.com", "aliyun.com", "139.com", "189.cn", "wo.cn", "gmail.com", "outlook.com",
    "hotmail.com", "live.com", "msn.com", "yahoo.com", "icloud.com", "me.com",
})
_LOOKALIKES = str.maketrans({"1": "l", "i": "l", "|": "l", "0": "o"})
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Voted:
    text: str
    confidence: float
    agreement: bool
    candidates: tuple[str, ...]


def tidy(text: str) -> str:
    """Undo OCR layout artefacts only: line breaks and spaces OCR puts
    between CJK characters. Everything else stays as read."""
    text = " ".join(text.split())
    return re.sub(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])", "", text)


def canonical(text: str, field_type: str) -> str:
    """The reading with layout differences undone, for comparison only."""
    out = []
    for ch in text:
        code = ord(ch)
        out.append(chr(code - 0xFEE0) if 0xFF01 <= code <= 0xFF5E else ch)
    joined = "".join(out)
    if field_type == "person_name" and re.search(r"[A-Za-z]", joined):
        # Latin names keep one space between words: that space is content.
        return " ".join(joined.split())
    flat = re.sub(r"\s+", "", joined)
    if field_type == "email":
        return flat.lower()
    if field_type == "mobile":
        return re.sub(r"[-()+]", "", flat)
    return flat


def sureness(reading: EngineReading) -> float:
    """The weakest character's probability when the engine gives one: a
    single unsure character is what makes a reading wrong."""
    if reading.char_confidences:
        return min(reading.char_confidences)
    return reading.confidence


def vote(primary: EngineReading, second: EngineReading, field_type: str,
         primary_ok: bool, second_ok: bool) -> Voted:
    """One reading from two. `*_ok` say whether each text has its type's shape."""
    a, b = canonical(primary.text, field_type), canonical(second.text, field_type)
    if a and a == b:
        # Same content: keep the well-formed spelling, the primary's by default.
        text = primary.text if primary_ok or not second_ok else second.text
        score = 1 - (1 - sureness(second)) * AGREE_DOUBT
        if not (primary_ok or second_ok):
            score *= CONTRADICTED_CAP
        return Voted(text, round(score, 4), True, ())
    if field_type == "email":
        by_domain = _by_known_domain(primary, second, primary_ok, second_ok)
        if by_domain is not None:
            return by_domain
    chosen, other = _preferred(primary, second, field_type, primary_ok, second_ok)
    chosen_ok = primary_ok if chosen is primary else second_ok
    candidates = (other.text,) if other.text else ()
    if chosen is second and chosen_ok and _may_stand_alone(field_type, chosen.text):
        score = max(0.0, 1 - (1 - sureness(chosen)) * ALONE_DOUBT)
        return Voted(chosen.text, round(score, 4), False, candidates)
    score = CONTRADICTED_CAP * min(1.0, sureness(chosen))
    return Voted(chosen.text, round(score, 4), False, candidates)


def _by_known_domain(primary: EngineReading, second: EngineReading,
                     primary_ok: bool, second_ok: bool) -> Voted | None:
    """Agreement on the mailbox, and a domain split by look-alikes only that
    one reading spells as a known provider: that reading, if well formed
    (an agreed mailbox can still be ambiguous, "1ight"), scored on the
    second engine's weakest character of the mailbox."""
    if " " in second.text or len(second.char_confidences) != len(second.text):
        return None  # per-character probabilities must line up with the text
    a_box, _, a_domain = canonical(primary.text, "email").partition("@")
    b_box, _, b_domain = canonical(second.text, "email").partition("@")
    if not a_box or a_box != b_box or a_domain == b_domain:
        return None
    if a_domain.translate(_LOOKALIKES) != b_domain.translate(_LOOKALIKES):
        return None
    known = [r for r, d in ((primary, a_domain), (second, b_domain)) if d in KNOWN_MAIL_DOMAINS]
    if len(known) != 1:
        return None
    if not (primary_ok if known[0] is primary else second_ok):
        return None
    other = second if known[0] is primary else primary
    doubt = 1 - min(second.char_confidences[: len(b_box)])
    return Voted(known[0].text, round(1 - doubt * AGREE_DOUBT, 4), True, (other.text,))


def sided_with_second(voted: Voted, second: EngineReading, third: EngineReading,
                      field_type: str) -> Voted:
    """After a split vote, a third reading by a different model that agrees
    with the second engine makes two independent models agree: scored as
    agreement, on the second engine's weakest character. A third reading
    that sides with the primary changes nothing: the primary's two models
    share one engine and its preprocessing, so they are not independent."""
    if not third.text or canonical(third.text, field_type) != canonical(second.text, field_type):
        return voted
    score = 1 - (1 - sureness(second)) * AGREE_DOUBT
    others = tuple(c for c in voted.candidates if c != second.text)
    if voted.text != second.text:
        others = (voted.text, *others)
    return Voted(second.text, round(score, 4), True, others)


def _may_stand_alone(field_type: str, text: str) -> bool:
    # Latin names are excluded: there a dropped space changes the value and
    # the recogniser is not sure of spaces.
    return field_type in MAY_STAND_ALONE and bool(_CJK.search(text)) and not _LATIN.search(text)


def _preferred(primary: EngineReading, second: EngineReading, field_type: str,
               primary_ok: bool, second_ok: bool) -> tuple[EngineReading, EngineReading]:
    """Well-formed beats malformed; otherwise the type's better engine."""
    if primary_ok != second_ok:
        return (primary, second) if primary_ok else (second, primary)
    if field_type == "person_name" and _LATIN.search(primary.text + second.text):
        return primary, second  # RapidOCR drops the spaces of Latin names
    if field_type in PREFER_SECOND:
        return second, primary
    return primary, second
