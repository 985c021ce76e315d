"""A second, independent reading of a zone, and the vote that follows.

Every text and comb reader ends here: the zone image is kept (PNG) for the
reviewer, each engine's reading is recorded, and when a second engine is
configured its reading is put beside the first one's (see `vote`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from extractors.engines import OcrEngines
from extractors.types import EngineReading, FieldReading
from extractors.vote import (
    Voted,
    at_read_as_two,
    at_sign_both_missed,
    read_in_context,
    sided_with_primary,
    sided_with_second,
    tidy,
    vote,
)

WellFormed = Callable[[str, str], bool]


@dataclass(frozen=True)
class TieBreaker:
    """One more reading by the primary engine (another model, segmentation
    or scale of the zone), asked while the two engines split."""

    name: str  # the reading is recorded as `<primary>-<name>`
    read: Callable[[np.ndarray], str]


# A split whose second reading may stand alone (Chinese writing) and
# scores this much already clears every threshold of its types
# (rules.yaml: 0.90 and 0.92): more looks could only cost time, and most
# Kai-font names are such splits.
SURE_ALONE = 0.95

# A second look by the second engine at the line stretched wider: RapidOCR
# then has more time steps per character, and a thin `l` or `1` it merged
# into a neighbour (`tiger.ight751`, `luckyl84`) gets room. When that look
# reads what Tesseract read, two engines agree. Only where measured: on
# the split addresses of seeds 7001, 101 and 202 (59) it read Tesseract's
# reading 7 times, right each time, and never sided with a wrong one.
WIDE_SUFFIX = "wide"
WIDER = 1.35
SECOND_LOOK = frozenset({"email"})
# Types whose letters' case is no content: the second engine's doubt
# between G and g is no doubt about the address.
CASE_BLIND = frozenset({"email"})
# Types read one character per comb cell or as digits: spaces are layout.
_NO_SPACES = frozenset({"id_number", "digits", "amount"})


def compare(first: EngineReading, other: EngineReading, field_type: str,
            well_formed: WellFormed) -> Voted:
    """The vote over two readings, an address's read in context first (and
    its @ put back where both engines missed it, or made one where one
    engine read it as two glyphs, if that is well formed)."""
    return _compared(_in_context(first, field_type), _in_context(other, field_type),
                     field_type, well_formed)


def _compared(first: EngineReading, other: EngineReading, field_type: str,
              well_formed: WellFormed) -> Voted:
    """`compare` on readings already read in context."""
    voted = vote(first, other, field_type, _ok(first, field_type, well_formed),
                 _ok(other, field_type, well_formed))
    if field_type == "email" and ("@" not in voted.text or not voted.agreement):
        # Split only by how its @ was read: missed by both engines, or read
        # as two glyphs by one (see `vote`).
        settled = at_sign_both_missed(first, other) or at_read_as_two(first, other)
        return _settled_or(voted, settled, well_formed)
    return voted


def _settled_or(voted: Voted, settled: Voted | None, well_formed: WellFormed) -> Voted:
    """`settled`, an address a narrow rule settled, if any and well formed;
    else `voted`."""
    if settled is not None and well_formed("email", settled.text):
        return settled
    return voted


def _ok(reading: EngineReading, field_type: str, well_formed: WellFormed) -> bool:
    return bool(reading.text) and well_formed(field_type, reading.text)


def _in_context(reading: EngineReading, field_type: str) -> EngineReading:
    """An e-mail reading with its look-alikes read as their neighbours say
    (one character for one, spaces aside, so RapidOCR's per-character
    probabilities, which skip spaces, still line up)."""
    if field_type != "email" or not reading.text:
        return reading
    return dataclasses.replace(reading, text=read_in_context(reading.text))


def _second_reading(engines: OcrEngines, image: np.ndarray, field_type: str,
                    name: str) -> EngineReading:
    assert engines.second is not None
    result = engines.second.read_text(image, lang="", psm=7, whitelist=None)
    text = tidy(result.text)
    if field_type in _NO_SPACES:
        text = text.replace(" ", "")
    probs = [p for _, p in result.words]
    if field_type in CASE_BLIND and len(result.either_case) == len(probs):
        probs = list(result.either_case)
    char_probs = tuple(round(p, 4) for (c, _), p in zip(result.words, probs, strict=True)
                       if not c.isspace()) if text else ()
    return EngineReading(name, text, result.confidence if text else 0.0, char_probs)


def _stretched(image: np.ndarray) -> np.ndarray:
    height, width = image.shape[:2]
    return cv2.resize(image, (round(width * WIDER), height), interpolation=cv2.INTER_CUBIC)


def png_bytes(image: np.ndarray) -> bytes | None:
    ok, data = cv2.imencode(".png", image)
    return data.tobytes() if ok else None


def second_opinion(
    reading: FieldReading, image: np.ndarray, field_type: str,
    engines: OcrEngines, well_formed: WellFormed,
    tie_breakers: Sequence[TieBreaker] = (),
) -> FieldReading:
    """`reading` (the primary's) confirmed, contradicted or completed by
    the second engine; the returned raw text is always one engine's (an
    address read in context, `vote.read_in_context`, with an @ both
    engines missed put back, `vote.at_sign_both_missed`, or one read as two
    glyphs made one, `vote.at_read_as_two`)."""
    first = EngineReading(engines.primary_name, reading.raw or "", reading.confidence)
    crop_png = png_bytes(image)
    if engines.second is None:
        return dataclasses.replace(reading, readings=(first,), crop_png=crop_png)
    other = _second_reading(engines, image, field_type, engines.second_name)
    readings: tuple[EngineReading, ...] = (first, other)  # as read, for the reviewer
    first, other = _in_context(first, field_type), _in_context(other, field_type)
    voted = _compared(first, other, field_type, well_formed)
    if _ok(other, field_type, well_formed):
        voted, looks = _more_looks(voted, other, image, field_type, engines.primary_name,
                                   tie_breakers, well_formed)
        readings += looks
    if (not voted.agreement and field_type in SECOND_LOOK
            and _ok(first, field_type, well_formed)):
        look = _second_reading(engines, _stretched(image), field_type,
                               f"{engines.second_name}-{WIDE_SUFFIX}")
        readings += (look,)
        look = _in_context(look, field_type)
        voted = sided_with_primary(voted, first, look, field_type)
        if not voted.agreement:
            voted = _settled_or(voted, at_read_as_two(first, look), well_formed)
    candidates = tuple(dict.fromkeys(
        c for c in (*voted.candidates, *reading.candidates) if c and c != voted.text))
    return dataclasses.replace(
        reading, raw=voted.text or None, confidence=voted.confidence if voted.text else 0.0,
        candidates=candidates, readings=readings, agreement=voted.agreement,
        crop_png=crop_png,
    )


def _more_looks(voted: Voted, second: EngineReading, image: np.ndarray, field_type: str,
                primary_name: str, tie_breakers: Sequence[TieBreaker],
                well_formed: WellFormed) -> tuple[Voted, tuple[EngineReading, ...]]:
    """The primary engine's further looks at a split zone, one at a time
    until one sides with the second engine's (well-formed) reading, or the
    split already stands alone surely enough; the vote after them, and the
    looks taken, for the reviewer."""
    looks: tuple[EngineReading, ...] = ()
    for breaker in tie_breakers:
        if voted.agreement or voted.confidence >= SURE_ALONE:
            break
        look = EngineReading(f"{primary_name}-{breaker.name}", breaker.read(image), 0.0)
        looks += (look,)
        look = _in_context(look, field_type)
        voted = sided_with_second(voted, second, look, field_type)
        if not voted.agreement and field_type == "email":
            voted = _settled_or(voted, at_read_as_two(look, second), well_formed)
    return voted, looks
