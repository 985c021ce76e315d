"""What the extraction layer produces: one `Extraction` per document.

The validators layer imports these types; nothing here knows about rules,
the database or the broker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

FieldKind = Literal["text", "comb", "choice", "signature"]
SourceKind = Literal["scan", "digital"]
Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class EngineReading:
    """What one OCR engine read in a zone, kept so a reviewer sees where
    the engines agreed and where they did not."""

    engine: str
    text: str
    confidence: float
    # Per-character probabilities, when the engine gives them (RapidOCR).
    char_confidences: tuple[float, ...] = ()


@dataclass(frozen=True)
class FieldReading:
    """One field as read from the page, before any normalisation.

    - text / comb: `raw` is the text read (None when the zone is empty or
      unreadable).
    - choice: `marked` lists the option codes seen as ticked; `raw` is
      those codes joined with ",".
    - signature: `present` says whether the zone holds a signature.

    `confidence` is in [0, 1]: how sure the reader is that `raw` (or the
    marks) is exactly what is on the page. `candidates` holds alternative
    readings, best first, when the reader has them. `readings` holds each
    engine's own reading, `agreement` whether independent readings agreed
    (None when there was only one), and `crop_png` the zone as the readers
    saw it (PNG bytes, the reviewer's evidence).
    """

    key: str
    kind: FieldKind
    raw: str | None
    confidence: float
    marked: tuple[str, ...] = ()
    present: bool | None = None
    candidates: tuple[str, ...] = ()
    box: Box | None = None
    readings: tuple[EngineReading, ...] = ()
    agreement: bool | None = None
    crop_png: bytes | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Extraction:
    """Everything read from one document, in page coordinates of the blank
    form (300 dpi pixels) so that later layers can show each zone."""

    form: str
    source_kind: SourceKind
    pages: int
    fields: dict[str, FieldReading]
    text: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
