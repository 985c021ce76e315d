"""Template-driven readers for scanned pages, one per field kind.

Each reader takes the aligned page, the blank and one FieldSpec and
returns a FieldReading with the raw value as seen (no normalisation).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from extractors.engines import as_engines
from extractors.ink import (
    TICK_MARGIN_PX,
    Image,
    ZoneText,
    added_ink,
    crop,
    ocr_ready,
    zone_text,
)
from extractors.ocr import OcrEngine, OcrResult
from extractors.second import TieBreaker, second_opinion
from extractors.template import FieldSpec
from extractors.types import FieldReading
from extractors.vote import has_stray_dots, lookalike_of_known_domain, tidy
from extractors.words import boundary_readings

EMPTY_INK_PX = 120  # fewer added-ink pixels than this: the zone is empty
EMPTY_CONFIDENCE = 0.9
TICK_DENSITY = 0.03  # share of an option box covered by new ink to count as ticked
SIGNATURE_DENSITY = 0.004
MALFORMED_FACTOR = 0.4
CELL_INSET_PX = 7  # confidence multiplier for text that does not fit its type

_DIGITS = "0123456789"
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = _UPPER.lower()
_CJK_DATE = "年月日"


@dataclass(frozen=True)
class OcrProfile:
    """How to ask the engine for one field type."""

    lang: str
    psm: int = 7
    whitelist: str | None = None
    pattern: str | None = None  # what a well-formed raw reading looks like
    # Tried when the first reading is malformed or unsure; the better one wins.
    fallback: OcrProfile | None = None


_DATE_PATTERN = r"\d{4}\s*([-/.年])\s*\d{1,2}\s*([-/.月])\s*\d{1,2}\s*日?"
PROFILES: dict[str, OcrProfile] = {
    "date": OcrProfile("chi_sim", whitelist=_DIGITS + "-/." + _CJK_DATE, pattern=_DATE_PATTERN),
    "date_or_longterm": OcrProfile("chi_sim", whitelist=_DIGITS + "-/." + _CJK_DATE + "长期",
                                   pattern=f"({_DATE_PATTERN}|长期)"),
    "digits": OcrProfile("eng", whitelist=_DIGITS, pattern=r"\d+"),
    # Written whole or in groups: 138 1234 5678, 138-1234-5678, +86 138…
    "mobile": OcrProfile("eng", whitelist=_DIGITS + "+- ",
                         pattern=r"(\+?86[\s-]?)?1\d{2}[\s-]?\d{4}[\s-]?\d{4}"),
    # Domain labels are letters or digits, not both ("hotmai1" is a misread
    # "hotmail"); such a reading is sent to a person, never corrected.
    "email": OcrProfile("eng", whitelist=_DIGITS + _UPPER + _LOWER + "@._-+",
                        pattern=r"[A-Za-z0-9._+-]+@(([A-Za-z-]+|\d+)\.)+[A-Za-z]{2,}"),
    # Resident IDs (digits, maybe a final X) are the common case; restricting
    # the alphabet stops O/0 and I/1 confusions. Passports and permits fall
    # back: a letter prefix or none (many foreign passports are 9 digits).
    "id_number": OcrProfile("eng", whitelist=_DIGITS + "X", pattern=r"\d{17}[\dX]",
                            fallback=OcrProfile("eng", whitelist=_DIGITS + _UPPER,
                                                pattern=r"[A-Z]{1,3}\d{4,16}[\dX]?|\d{8,10}")),
    "amount": OcrProfile("eng", whitelist=_DIGITS + ".,", pattern=r"\d+([.,]\d+)?"),
    # Mixed chi_sim+eng turns some CJK fonts into Latin garbage, so Chinese
    # first and Latin names as the fallback.
    "person_name": OcrProfile("chi_sim", pattern=r"[^\x00-\x7f]+",
                              fallback=OcrProfile("eng", pattern=r"[A-Za-z][A-Za-z .'-]+")),
    # Chinese names first, then English names and codes: the same two
    # models as every other field, so no third (mixed) model is loaded.
    "country": OcrProfile("chi_sim", pattern=r"[^\x00-\x7f]+",
                          fallback=OcrProfile("eng", pattern=r"[A-Za-z][A-Za-z .'()-]+")),
    "chinese_text": OcrProfile("chi_sim"),
}
DEFAULT_PROFILE = OcrProfile("chi_sim+eng")

# A third reading by Tesseract, with its other model or another page
# segmentation, for the types where the two engines most often split over
# one character (Tesseract's chi_sim model reads the 6 of 2026 as 0, its
# eng model 3 as 8): if it sides with RapidOCR, two different engines
# agree (see `extractors.second`).
# Digits-only dates; 年月日 stay two-way.
_NUMERIC_DATE = OcrProfile("eng", whitelist=_DIGITS + "-/.",
                           pattern=r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")
# Numbers the other way round: Tesseract reads them with `eng` first, so
# the third reading is its `chi_sim` model, held to the same characters and
# as one raw line (psm 13): as a text line (psm 7) it adds a digit in the
# gap of a grouped mobile (`135 7175 2835` read `135271752835`) or splits a
# wide 7 (`75` read `795`). ID numbers get one too: passports (`M55224123`)
# are often where the two engines split, Tesseract's `eng` model dropping
# or changing a character.
# An e-mail address is read again by `eng` as one raw line: a different
# segmentation of the line, whose errors differ from the text line's, and
# a different engine from RapidOCR, so siding with it makes two engines
# agree. On the tuning seeds' 56 split addresses it sided with RapidOCR 16
# times, 15 rightly (the other, without an @, is malformed and never
# taken); the `chi_sim` model sided 4 times.
# Chinese writing and names, and e-mail addresses, get more looks by
# Tesseract, each asked only while the split stands: the same model on
# the zone scaled smaller and larger. Tesseract's misreadings of a
# handwriting-like glyph change with the glyph's size in pixels, while a
# right reading holds, so a look that reads what RapidOCR read is a second
# engine agreeing. On the split fields of seed 7001 where RapidOCR's
# reading was well formed: Chinese text and names, the raw-line and
# smaller looks sided with RapidOCR in 371 of 534 splits, never with one
# of its 3 wrong readings there; e-mail, of the 19 splits the raw-line
# look left, the smaller and larger looks settled 10, each rightly
# (RapidOCR's reading was wrong in 2).


@dataclass(frozen=True)
class Look:
    """One more reading by Tesseract: a profile, at a scale of the zone."""

    name: str  # how the reading is labelled for the reviewer
    profile: OcrProfile
    scale: float = 1.0


_EMAIL_LINE = OcrProfile("eng", psm=7, whitelist=PROFILES["email"].whitelist)
_CHINESE_LOOKS = (Look("third", OcrProfile("chi_sim", psm=13)),
                  Look("smaller", OcrProfile("chi_sim"), 0.75))
TIE_BREAKERS: dict[str, tuple[Look, ...]] = {
    "date": (Look("third", _NUMERIC_DATE),),
    "date_or_longterm": (Look("third", _NUMERIC_DATE),),
    "email": (Look("third", OcrProfile("eng", psm=13, whitelist=_EMAIL_LINE.whitelist)),
              Look("smaller", _EMAIL_LINE, 0.75), Look("larger", _EMAIL_LINE, 1.5)),
    "mobile": (Look("third", OcrProfile("chi_sim", psm=13, whitelist=_DIGITS)),),
    "digits": (Look("third", OcrProfile("chi_sim", psm=13, whitelist=_DIGITS)),),
    "amount": (Look("third", OcrProfile("chi_sim", psm=13, whitelist=_DIGITS + ".")),),
    "id_number": (Look("third", OcrProfile("chi_sim", psm=13, whitelist=_DIGITS + _UPPER)),),
    "chinese_text": _CHINESE_LOOKS,
    "person_name": _CHINESE_LOOKS,
}


def read_field(
    page: Image, blank: Image, spec: FieldSpec, engine: OcrEngine
) -> FieldReading:
    """Dispatch on the field kind."""
    if spec.kind == "choice":
        return read_choice(page, blank, spec)
    if spec.kind == "signature":
        return read_signature(page, blank, spec)
    if spec.kind == "comb":
        return read_comb(page, blank, spec, engine)
    return read_text(page, blank, spec, engine)


def read_text(
    page: Image, blank: Image, spec: FieldSpec, engine: OcrEngine
) -> FieldReading:
    """OCR the ink added to a text or comb zone (whole comb row in one call)."""
    zone = spec.zone
    text = zone_text(crop(page, zone), crop(blank, zone))
    if text.pixels < EMPTY_INK_PX:
        return FieldReading(spec.key, spec.kind, None, empty_confidence(text.pixels), box=zone)
    image = ocr_ready(text)
    engines = as_engines(engine)
    confidence, raw, others = _read_with_profiles(image, spec)(engines.primary)
    reading = FieldReading(spec.key, spec.kind, raw or None, confidence if raw else 0.0,
                           candidates=others, box=zone)
    # Ink but no text stays None at confidence 0: unreadable, not empty.
    return second_opinion(reading, image, spec.type, engines, well_formed,
                          _tie_breakers(spec.type, engines.primary))


def _tie_breakers(field_type: str, engine: OcrEngine) -> tuple[TieBreaker, ...]:
    return tuple(TieBreaker(look.name, _looking(look, engine))
                 for look in TIE_BREAKERS.get(field_type, ()))


def _looking(look: Look, engine: OcrEngine) -> Callable[[np.ndarray], str]:
    def read(image: np.ndarray) -> str:
        if look.scale != 1.0:
            shrink = look.scale < 1.0
            image = cv2.resize(image, None, fx=look.scale, fy=look.scale,
                               interpolation=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC)
        profile = look.profile
        result = engine.read_text(image, lang=profile.lang, psm=profile.psm,
                                  whitelist=profile.whitelist)
        return tidy(result.text)

    return read


def empty_confidence(ink_px: int) -> float:
    """How sure an empty reading is: a zone without a single ink pixel is
    empty; a few specks below the cut-off might be a faint stroke."""
    return round(1.0 - 2 * (1.0 - EMPTY_CONFIDENCE) * min(1.0, ink_px / (EMPTY_INK_PX / 2)), 3)


def _read_with_profiles(
    image: np.ndarray, spec: FieldSpec
) -> Callable[[OcrEngine], tuple[float, str, tuple[str, ...]]]:
    """Read with the type's profile, then its fallbacks while malformed;
    the best-scoring reading wins and the rest become candidates."""

    def run(engine: OcrEngine) -> tuple[float, str, tuple[str, ...]]:
        readings: list[tuple[float, str]] = []
        profile: OcrProfile | None = PROFILES.get(spec.type, DEFAULT_PROFILE)
        while profile is not None:
            result = engine.read_text(image, lang=profile.lang, psm=profile.psm,
                                      whitelist=profile.whitelist)
            raw = tidy(result.text)
            readings.append((text_confidence(result, raw, profile) if raw else 0.0, raw))
            if raw and _matches(profile, raw):
                break
            profile = profile.fallback
        readings.sort(key=lambda r: r[0], reverse=True)
        others = tuple(r for _, r in readings[1:] if r and r != readings[0][1])
        return readings[0][0], readings[0][1], others

    return run


def read_comb(
    page: Image, blank: Image, spec: FieldSpec, engine: OcrEngine
) -> FieldReading:
    """One character per cell: read the row in one call (fast), and only if
    the count of characters disagrees with the count of inked cells, read
    the inked cells one by one (slower, but cannot merge or split cells)."""
    # Cell borders survive blank subtraction when registration is a few px
    # off; characters sit in the middle, so reading inside the border is safe.
    inner = [_shrink(cell, CELL_INSET_PX) for cell in spec.cells]
    texts = [zone_text(crop(page, cell), crop(blank, cell)) for cell in inner]
    inked = [text for text in texts if text.pixels >= EMPTY_INK_PX // 4]
    if not inked:
        return FieldReading(spec.key, spec.kind, None,
                            empty_confidence(4 * max(t.pixels for t in texts)), box=spec.zone)
    engines = as_engines(engine)
    image = _packed_image(inked)
    reading = _read_comb_primary(inked, image, spec, engines.primary)
    # A comb holds one character per inked cell: a reading of another
    # length cannot be right, whichever engine made it.
    fits = len(inked)
    return second_opinion(reading, image, spec.type, engines,
                          lambda t, r: well_formed(t, r) and len(r) == fits,
                          _tie_breakers(spec.type, engines.primary))


def _read_comb_primary(
    inked: list[ZoneText], image: np.ndarray, spec: FieldSpec, engine: OcrEngine,
) -> FieldReading:
    row = _read_packed(image, spec, engine)
    profile = PROFILES.get(spec.type, DEFAULT_PROFILE)
    fitting = _fit_to_cells(row, len(inked), profile)
    if fitting is not None:
        return fitting
    results = [_read_cell(cell, engine, profile) for cell in inked]
    raw = "".join(r.text for r in results)
    confidence = min((r.confidence for r in results), default=0.0)
    candidates = (row.raw,) if row.raw else ()
    merged = OcrResult(raw, confidence)
    return FieldReading(spec.key, spec.kind, raw or None,
                        text_confidence(merged, raw, profile) if raw else 0.0,
                        candidates=candidates, box=spec.zone)


_DIGIT_LOOKALIKES = str.maketrans("OQDIL|ZSBG", "0001112586")


def _fit_to_cells(row: FieldReading, count: int, profile: OcrProfile) -> FieldReading | None:
    """The reading with one character per inked cell, if any.

    The digit-only alphabet makes Tesseract drop a digit whose best guess
    was a letter (0 read as O); the letter-allowing fallback keeps it. When
    that reading becomes a well-formed ID only after mapping look-alike
    letters to digits, the mapped text is used at reduced confidence and
    the literal reading is kept as a candidate.
    """
    for i, raw in enumerate((row.raw, *row.candidates)):
        if raw is None or len(raw) != count:
            continue
        if i == 0 and _matches(profile, raw):
            return row
        mapped = raw[:-1].translate(_DIGIT_LOOKALIKES) + raw[-1:]
        if _matches(profile, mapped):
            others = tuple(c for c in (row.raw, *row.candidates) if c and c != mapped)
            return FieldReading(row.key, row.kind, mapped, round(row.confidence * 0.8, 3),
                                candidates=others, box=row.box)
        if i == 0:
            return row
    return None


def _read_packed(image: np.ndarray, spec: FieldSpec, engine: OcrEngine) -> FieldReading:
    reading = _read_with_profiles(image, spec)(engine)
    raw = reading[1].replace(" ", "") if reading[1] else None
    return FieldReading(spec.key, spec.kind, raw, reading[0] if raw else 0.0,
                        candidates=reading[2], box=spec.zone)


def _packed_image(cells: list[ZoneText]) -> np.ndarray:
    """Cells' ink packed side by side with even gaps: Tesseract drops
    characters when they sit as far apart as the comb's cells do."""
    pieces = [ocr_ready(cell, pad=0) for cell in cells]
    height = max(p.shape[0] for p in pieces)
    gap = np.full((height, max(8, height // 4)), 255, np.uint8)
    row: list[np.ndarray] = []
    for piece in pieces:
        top = (height - piece.shape[0]) // 2
        padded = np.full((height, piece.shape[1]), 255, np.uint8)
        padded[top:top + piece.shape[0]] = piece
        row += [padded, gap]
    return np.pad(np.hstack(row[:-1]), 20, constant_values=255)


def _shrink(box: tuple[int, int, int, int], inset: int) -> tuple[int, int, int, int]:
    return (box[0] + inset, box[1] + inset, box[2] - inset, box[3] - inset)


def _read_cell(cell: ZoneText, engine: OcrEngine, profile: OcrProfile) -> OcrResult:
    result = engine.read_text(ocr_ready(cell), lang=profile.lang, psm=10,
                              whitelist=profile.whitelist)
    text = "".join(result.text.split())
    # A cell holds exactly one character; anything else is a misread.
    return OcrResult(text[:1], result.confidence if len(text) == 1 else result.confidence / 2)


def _matches(profile: OcrProfile, raw: str) -> bool:
    return profile.pattern is None or re.fullmatch(profile.pattern, raw) is not None


# In an e-mail's mailbox, where both engines confuse l/1 and o/0 in
# handwriting, even in agreement: "l" or "o" touching digits or ending the
# mailbox, a 1 or 0 right after a letter, and digits that are all
# look-alikes (1, 0) touching a letter ("1ight", "mi11er", "star111",
# "starl", "car112", which may be "carl12"). A person must look, unless the
# words decide (`words`); "peace168" or "tiger13" are fine.
_AMBIGUOUS_LETTERS = re.compile(r"[lIoO](?=\d|$)|(?<=\d)[lIoO]|(?<=[A-Za-z])[01]")
_DIGIT_RUN = re.compile(r"\d+")


def ambiguous_mailbox(mailbox: str) -> bool:
    # The end of a mailbox is where numbers usually sit, so an l or o there
    # may be a 1 or 0 too (both engines read "star1" as "starl" at 0.99).
    # Where the words decide it (`words.boundary_readings`) and the mailbox
    # reads so, nothing is in doubt. A capital I the words left is an i or
    # an l (`words.capital_i_read`).
    mailbox = _decided_runs_masked(mailbox)
    if "I" in mailbox or _AMBIGUOUS_LETTERS.search(mailbox):
        return True
    for run in _DIGIT_RUN.finditer(mailbox):
        if set(run.group()) <= {"0", "1"}:
            before, after = mailbox[run.start() - 1:run.start()], mailbox[run.end():run.end() + 1]
            if before.isalpha() or after.isalpha():
                return True
    return False


def _decided_runs_masked(mailbox: str) -> str:
    """`mailbox` with each run the words decide, where it reads as they
    decide, replaced by characters no rule doubts (x for a letter, 5 for a
    digit)."""
    for start, reading in boundary_readings(mailbox):
        if mailbox[start:start + len(reading)] == reading:
            masked = "".join("5" if ch.isdigit() else "x" for ch in reading)
            mailbox = mailbox[:start] + masked + mailbox[start + len(reading):]
    return mailbox


def well_formed(field_type: str, raw: str) -> bool:
    """Has `raw` the shape of its type (any of the type's profiles)?"""
    if field_type == "email":
        mailbox, _, domain = raw.partition("@")
        if (ambiguous_mailbox(mailbox) or lookalike_of_known_domain(domain)
                or has_stray_dots(raw)):
            return False
    profile: OcrProfile | None = PROFILES.get(field_type, DEFAULT_PROFILE)
    while profile is not None:
        if _matches(profile, raw):
            return True
        profile = profile.fallback
    return False


def text_confidence(result: OcrResult, raw: str, profile: OcrProfile) -> float:
    confidence = max(0.0, min(1.0, result.confidence))
    if profile.pattern and not re.fullmatch(profile.pattern, raw):
        confidence *= MALFORMED_FACTOR
    return round(confidence, 3)


def read_choice(page: Image, blank: Image, spec: FieldSpec) -> FieldReading:
    """Ticked options: new ink covering enough of each option box."""
    densities = {code: _tick_density(page, blank, box) for code, box in spec.options}
    marked = tuple(code for code, d in densities.items() if d >= TICK_DENSITY)
    # Distance from the threshold, relative to it, says how clear-cut each box is.
    margins = [min(1.0, abs(d - TICK_DENSITY) / TICK_DENSITY) for d in densities.values()]
    confidence = round(0.5 + 0.5 * min(margins, default=0.0), 3)
    return FieldReading(spec.key, spec.kind, ",".join(marked) or None, confidence,
                        marked=marked, box=spec.zone)


def _tick_density(page: Image, blank: Image, box: tuple[int, int, int, int]) -> float:
    ink = added_ink(crop(page, box, TICK_MARGIN_PX), crop(blank, box, TICK_MARGIN_PX))
    return float(ink.mean()) if ink.size else 0.0


def tick_densities(page: Image, blank: Image, spec: FieldSpec) -> dict[str, float]:
    """Per-option ink density, exposed for calibration and diagnostics."""
    return {code: _tick_density(page, blank, box) for code, box in spec.options}


def read_signature(page: Image, blank: Image, spec: FieldSpec) -> FieldReading:
    zone = spec.zone
    density = float(added_ink(crop(page, zone), crop(blank, zone)).mean())
    present = density >= SIGNATURE_DENSITY
    clearness = min(1.0, abs(density - SIGNATURE_DENSITY) / SIGNATURE_DENSITY)
    confidence = round(0.5 + 0.5 * clearness, 3)
    return FieldReading(spec.key, spec.kind, "true" if present else "false", confidence,
                        present=present, box=zone)
