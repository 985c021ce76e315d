"""Digital PDFs from the online channel: the blank form as a page-sized
background image and every value as real, selectable text in its zone.

Coordinates: layout pixels at 300 dpi become points by x_pt = x_px * 72 / 300;
the page is the blank's size in points (595.2 × 841.92, A4), y counted up.
"""

from __future__ import annotations

import random
from functools import lru_cache
from pathlib import Path

from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from samplegen.filling import FilledForm
from samplegen.fonts import FontSpec, embeddable
from samplegen.layout import FORM_ID, Box, Layout, blank_rgb
from samplegen.render import signature_strokes

PT_PER_PX = 72 / 300
# Where the blank prints its form number and title (points from the top-left):
# the text layer repeats them invisibly so the form is recognisable from text.
MARKERS = ((FORM_ID, 469.0, 46.5, 8.0), ("个人客户开户申请书", 192.0, 85.0, 24.0))


@lru_cache(maxsize=8)
def register(spec: FontSpec) -> str:
    """Register a TrueType face once per process; returns its reportlab name."""
    pdfmetrics.registerFont(TTFont(spec.name, str(spec.path), subfontIndex=spec.index))
    return spec.name


@lru_cache(maxsize=1)
def _background() -> ImageReader:
    # Grey is what the blank really is; it keeps the PDF a third the size.
    image: Image.Image = blank_rgb().convert("L")
    return ImageReader(image)


class _Page:
    """A reportlab canvas that speaks layout pixels."""

    def __init__(self, path: Path, layout: Layout, font: str) -> None:
        self.height = layout.height * PT_PER_PX
        self.canvas = canvas.Canvas(
            str(path), pagesize=(layout.width * PT_PER_PX, self.height), invariant=1
        )
        self.font = font

    def y(self, y_px: float) -> float:
        return self.height - y_px * PT_PER_PX

    def fit(self, text: str, size: float, room_pt: float) -> float:
        while size > 6 and pdfmetrics.stringWidth(text, self.font, size) > room_pt:
            size -= 0.5
        return size

    def baseline(self, centre_px: float, size: float) -> float:
        """Baseline that centres the glyphs' ascent–descent span on `centre_px`."""
        ascent, descent = pdfmetrics.getAscentDescent(self.font, size)
        return self.y(centre_px) - (ascent + descent) / 2

    def text_in(self, box: Box, text: str, size: float, pad_px: float) -> None:
        x0, y0, x1, y1 = box
        size = self.fit(text, size, (x1 - x0 - 2 * pad_px) * PT_PER_PX)
        self.canvas.setFont(self.font, size)
        self.canvas.drawString((x0 + pad_px) * PT_PER_PX, self.baseline((y0 + y1) / 2, size), text)

    def centred_in(self, box: Box, text: str, size: float) -> None:
        x0, y0, x1, y1 = box
        width = pdfmetrics.stringWidth(text, self.font, size)
        self.canvas.setFont(self.font, size)
        x = (x0 + x1) / 2 * PT_PER_PX - width / 2
        self.canvas.drawString(x, self.baseline((y0 + y1) / 2, size), text)


def _markers(page: _Page) -> None:
    text = page.canvas.beginText()
    text.setTextRenderMode(3)  # invisible: the printed words are in the image
    for words, x, top, size in MARKERS:
        text.setFont(page.font, size)
        text.setTextOrigin(x, page.height - top)
        text.textOut(words)
    # Tr is graphics state and outlives the text object: restore it, or the
    # values drawn next would be invisible too.
    page.canvas.saveState()
    page.canvas.drawText(text)
    page.canvas.restoreState()


def _signature(page: _Page, box: Box, rng: random.Random) -> None:
    page.canvas.setLineWidth(rng.uniform(0.8, 1.4))
    page.canvas.setLineJoin(1)
    for stroke in signature_strokes(box, rng):
        path = page.canvas.beginPath()
        path.moveTo(stroke[0][0] * PT_PER_PX, page.y(stroke[0][1]))
        for x, y in stroke[1:]:
            path.lineTo(x * PT_PER_PX, page.y(y))
        page.canvas.drawPath(path, stroke=1, fill=0)


def _values(page: _Page, form: FilledForm, layout: Layout, rng: random.Random) -> None:
    size = rng.choice((12.0, 13.0, 14.0))
    pad = rng.uniform(16, 40)
    for key, value in form.text.items():
        if not value:
            continue
        if key in layout.cells:
            for char, cell in zip(value, layout.cells[key], strict=False):
                page.centred_in(cell, char, size + 1)
        else:
            page.text_in(layout.boxes[key], value, size, pad)
    for group, ticked in form.marks.items():
        for code in ticked:
            page.centred_in(layout.options[group][code], "X", 8.5)


def write_digital_pdf(form: FilledForm, layout: Layout, path: Path, rng: random.Random) -> Path:
    """Write `form` as a one-page PDF whose values are a real text layer."""
    page = _Page(path, layout, register(rng.choice(embeddable())))
    page.canvas.drawImage(_background(), 0, 0, layout.width * PT_PER_PX, page.height)
    _markers(page)
    ink = (0.0, 0.0, 0.0) if rng.random() < 0.7 else (0.1, 0.15, 0.5)
    page.canvas.setFillColorRGB(*ink)
    page.canvas.setStrokeColorRGB(*ink)
    _values(page, form, layout, rng)
    if form.signed:
        _signature(page, layout.boxes["signature"], rng)
    page.canvas.showPage()
    page.canvas.save()
    return path
