"""Read a digital PDF (one with a text layer) straight from its objects.

Zones are in 300-dpi pixels of the blank; they are scaled to the PDF page
(points), so A4 pages of slightly different sizes still line up.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError

from config.errors import RejectedInput
from extractors.template import FieldSpec, FormTemplate
from extractors.types import Box, FieldReading

TICK_CHARS = frozenset("Xx✓√✔✗✘×■☑☒●")
WHOLE_PAGE = (-math.inf, -math.inf, math.inf, math.inf)
TICK_MARGIN_PT = 3.0  # a typed "X" may sit a little off its box

PdfObject = Mapping[str, Any]


def read_digital(data: bytes, template: FormTemplate) -> tuple[dict[str, FieldReading], str]:
    """Every field of page 1, plus its full text (for marker checks)."""
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            page = pdf.pages[0]
            scale = (float(page.width) / template.width, float(page.height) / template.height)
            objects = PageObjects.of(page)
            fields = {spec.key: _read(objects, spec, scale) for spec in template.fields}
            return fields, _text_in(objects.chars, WHOLE_PAGE)
    except (PDFSyntaxError, ValueError, KeyError) as e:
        raise RejectedInput(f"cannot read PDF text layer: {e}", code="corrupt_pdf") from e


@dataclass(frozen=True)
class Placed:
    """A page object and its centre, which decides the zone it belongs to."""

    cx: float
    cy: float
    obj: PdfObject

    @classmethod
    def of(cls, obj: PdfObject) -> Placed:
        return cls((float(obj["x0"]) + float(obj["x1"])) / 2,
                   (float(obj["top"]) + float(obj["bottom"])) / 2, obj)

    def inside(self, bbox: Sequence[float]) -> bool:
        return bbox[0] <= self.cx <= bbox[2] and bbox[1] <= self.cy <= bbox[3]


@dataclass(frozen=True)
class PageObjects:
    """The page's objects sorted by what the readers look for, placed once
    (a form has some twenty zones and forty tick boxes to test them against)."""

    chars: tuple[Placed, ...]
    strokes: tuple[Placed, ...]  # what a drawn tick is made of
    marks: tuple[Placed, ...]  # anything that shows a signature is there

    @classmethod
    def of(cls, page: Any) -> PageObjects:
        chars = tuple(Placed.of(c) for c in page.chars)
        drawn = tuple(Placed.of(o) for o in (*page.lines, *page.curves))
        filled = tuple(Placed.of(r) for r in page.rects if r.get("fill"))
        images = tuple(Placed.of(i) for i in page.images)
        return cls(chars, drawn + filled, drawn + images + chars)


def _read(page: PageObjects, spec: FieldSpec, scale: tuple[float, float]) -> FieldReading:
    if spec.kind == "choice":
        marked = tuple(code for code, box in spec.options
                       if _has_tick(page, _to_points(box, scale, TICK_MARGIN_PT)))
        return FieldReading(spec.key, spec.kind, ",".join(marked) or None, 1.0,
                            marked=marked, box=spec.zone)
    if spec.kind == "signature":
        bbox = _to_points(spec.zone, scale, 0.0)
        present = any(mark.inside(bbox) for mark in page.marks)
        return FieldReading(spec.key, spec.kind, "true" if present else "false", 1.0,
                            present=present, box=spec.zone)
    text = _text_in(page.chars, _to_points(spec.zone, scale, 0.0))
    if spec.kind == "comb":
        text = text.replace(" ", "")  # one character per cell; gaps are the cells
    return FieldReading(spec.key, spec.kind, text or None, 1.0, box=spec.zone)


def _to_points(box: Box, scale: tuple[float, float], margin: float) -> tuple[float, ...]:
    sx, sy = scale
    return (box[0] * sx - margin, box[1] * sy - margin, box[2] * sx + margin, box[3] * sy + margin)


def _text_in(chars: Iterable[Placed], bbox: Sequence[float]) -> str:
    """Characters whose centre is in the zone, in reading order.

    Spaces the generator put between comb cells are layout, not content;
    real word gaps in Latin text are kept as one space, whether the PDF
    has a space character there or only a wider gap between glyphs.
    """
    inside = [c.obj for c in chars if c.inside(bbox)]
    inside.sort(key=lambda c: (round(float(c["top"]) / 4), float(c["x0"])))
    out: list[str] = []
    previous: PdfObject | None = None
    spaced = False
    for char in inside:
        if not str(char["text"]).strip():
            spaced = True
            continue
        if previous is not None and (spaced or _is_word_gap(previous, char)):
            out.append(" ")
        out.append(str(char["text"]))
        previous, spaced = char, False
    return re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", "".join(out)).strip()


def _is_word_gap(left: PdfObject, right: PdfObject) -> bool:
    gap = float(right["x0"]) - float(left["x1"])
    return gap > 0.3 * float(left.get("size", 10) or 10)


def _has_tick(page: PageObjects, bbox: Sequence[float]) -> bool:
    if any(c.obj["text"] in TICK_CHARS and c.inside(bbox) for c in page.chars):
        return True
    # A drawn tick: strokes inside the box that are smaller than the box itself.
    width = bbox[2] - bbox[0]
    return any(s.inside(bbox) and float(s.obj["x1"]) - float(s.obj["x0"]) < 0.9 * width
               for s in page.strokes)
