"""Read a digital PDF (one with a text layer) straight from its objects.

Zones are in 300-dpi pixels of the blank; they are scaled to the PDF page
(points), so A4 pages of slightly different sizes still line up.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError

from config.errors import RejectedInput
from extractors.template import FieldSpec, FormTemplate
from extractors.types import Box, FieldReading

TICK_CHARS = frozenset("Xx✓√✔✗✘×■☑☒●")
TICK_MARGIN_PT = 3.0  # a typed "X" may sit a little off its box
SIGNATURE_OBJECTS = ("lines", "curves", "images", "chars")

PdfObject = Mapping[str, Any]


def read_digital(data: bytes, template: FormTemplate) -> tuple[dict[str, FieldReading], str]:
    """Every field of page 1, plus its full text (for marker checks)."""
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            page = pdf.pages[0]
            scale = (float(page.width) / template.width, float(page.height) / template.height)
            fields = {spec.key: _read(page, spec, scale) for spec in template.fields}
            return fields, page.extract_text() or ""
    except (PDFSyntaxError, ValueError, KeyError) as e:
        raise RejectedInput(f"cannot read PDF text layer: {e}", code="corrupt_pdf") from e


def _read(page: Any, spec: FieldSpec, scale: tuple[float, float]) -> FieldReading:
    if spec.kind == "choice":
        marked = tuple(code for code, box in spec.options
                       if _has_tick(page, _to_points(box, scale, TICK_MARGIN_PT)))
        return FieldReading(spec.key, spec.kind, ",".join(marked) or None, 1.0,
                            marked=marked, box=spec.zone)
    if spec.kind == "signature":
        present = _has_marks(page, _to_points(spec.zone, scale, 0.0))
        return FieldReading(spec.key, spec.kind, "true" if present else "false", 1.0,
                            present=present, box=spec.zone)
    text = _text_in(page.chars, _to_points(spec.zone, scale, 0.0))
    if spec.kind == "comb":
        text = text.replace(" ", "")  # one character per cell; gaps are the cells
    return FieldReading(spec.key, spec.kind, text or None, 1.0, box=spec.zone)


def _to_points(box: Box, scale: tuple[float, float], margin: float) -> tuple[float, ...]:
    sx, sy = scale
    return (box[0] * sx - margin, box[1] * sy - margin, box[2] * sx + margin, box[3] * sy + margin)


def _centre_inside(obj: PdfObject, bbox: Sequence[float]) -> bool:
    cx = (float(obj["x0"]) + float(obj["x1"])) / 2
    cy = (float(obj["top"]) + float(obj["bottom"])) / 2
    return bbox[0] <= cx <= bbox[2] and bbox[1] <= cy <= bbox[3]


def _text_in(chars: Iterable[PdfObject], bbox: Sequence[float]) -> str:
    """Characters whose centre is in the zone, in reading order.

    Spaces the generator put between comb cells are layout, not content;
    real word gaps in Latin text are kept as one space, whether the PDF
    has a space character there or only a wider gap between glyphs.
    """
    inside = [c for c in chars if _centre_inside(c, bbox)]
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


def _has_tick(page: Any, bbox: Sequence[float]) -> bool:
    if any(_centre_inside(c, bbox) and c["text"] in TICK_CHARS for c in page.chars):
        return True
    # A drawn tick: strokes inside the box that are smaller than the box itself.
    width = bbox[2] - bbox[0]
    strokes = [*page.lines, *page.curves, *(r for r in page.rects if r.get("fill"))]
    return any(_centre_inside(s, bbox) and float(s["x1"]) - float(s["x0"]) < 0.9 * width
               for s in strokes)


def _has_marks(page: Any, bbox: Sequence[float]) -> bool:
    objects = (obj for name in SIGNATURE_OBJECTS for obj in getattr(page, name))
    return any(_centre_inside(obj, bbox) for obj in objects)
