"""Drawing a `FilledForm` onto the blank, as a branch customer would fill it."""

from __future__ import annotations

import random
from dataclasses import dataclass

from PIL import Image, ImageDraw

from samplegen.filling import FilledForm
from samplegen.fonts import FontSpec, available, pil_font
from samplegen.layout import Box, Layout, blank_rgb

Ink = tuple[int, int, int]
Point = tuple[float, float]
TICK_STYLES = ("check", "x", "fill")


@dataclass(frozen=True)
class Pen:
    """How one customer writes: font, ink, size, tick habit, stroke width."""

    font: FontSpec
    ink: Ink
    size: int  # nominal glyph size in px at 300 dpi
    tick: str
    stroke: int


def choose_pen(rng: random.Random) -> Pen:
    font = rng.choice(available())
    blue = rng.random() < 0.4
    ink = (
        (rng.randrange(20, 50), rng.randrange(35, 70), rng.randrange(120, 170))
        if blue
        else ((rng.randrange(10, 45),) * 3)
    )
    return Pen(font, ink, rng.randrange(46, 60), rng.choice(TICK_STYLES), rng.randrange(3, 7))


def _fit_size(pen: Pen, text: str, room: int) -> int:
    size = pen.size
    while size > 20 and pil_font(pen.font, size).getlength(text) > room:
        size -= 4  # coarse steps keep the font cache small
    return size


def draw_text(draw: ImageDraw.ImageDraw, box: Box, text: str, pen: Pen, rng: random.Random) -> None:
    x0, y0, x1, y1 = box
    pad = rng.randrange(16, 50)
    size = _fit_size(pen, text, x1 - x0 - pad - 24)
    baseline = (y0 + y1) / 2 + size * 0.36 + rng.uniform(-6, 6)
    if not pen.font.handwriting:
        draw.text(
            (x0 + pad, baseline), text, font=pil_font(pen.font, size), fill=pen.ink, anchor="ls"
        )
        return
    x = float(x0 + pad)
    for char in text:
        # Handwriting: each glyph a little bigger or smaller, higher or lower.
        char_size = max(16, size + 2 * rng.randrange(-2, 3))
        font = pil_font(pen.font, char_size)
        y = baseline + rng.uniform(-3.5, 3.5)
        draw.text((x, y), char, font=font, fill=pen.ink, anchor="ls")
        x += font.getlength(char) + rng.uniform(-1.5, 2.5)


def draw_comb(
    draw: ImageDraw.ImageDraw, cells: tuple[Box, ...], text: str, pen: Pen, rng: random.Random
) -> None:
    jitter = 5.0 if pen.font.handwriting else 1.0
    for char, (x0, y0, x1, y1) in zip(text, cells, strict=False):
        size = min(pen.size + 8, y1 - y0 - 16) + (2 * rng.randrange(-2, 3) if jitter > 1 else 0)
        centre = (
            (x0 + x1) / 2 + rng.uniform(-jitter, jitter),
            (y0 + y1) / 2 + rng.uniform(-jitter, jitter),
        )
        draw.text(centre, char, font=pil_font(pen.font, size), fill=pen.ink, anchor="mm")


def tick_strokes(box: Box, style: str, rng: random.Random) -> list[list[Point]]:
    """Polylines of one tick; a check mark may overshoot the box as real ones do."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0

    def at(fx: float, fy: float) -> Point:
        return (x0 + fx * w + rng.uniform(-2, 2), y0 + fy * h + rng.uniform(-2, 2))

    if style == "x":
        return [[at(0.15, 0.15), at(0.85, 0.85)], [at(0.85, 0.15), at(0.15, 0.85)]]
    return [[at(0.1, 0.5), at(0.4, 0.85), at(rng.uniform(0.9, 1.2), rng.uniform(-0.3, 0.05))]]


def draw_tick(draw: ImageDraw.ImageDraw, box: Box, pen: Pen, rng: random.Random) -> None:
    if pen.tick == "fill":
        x0, y0, x1, y1 = box
        inset = rng.randrange(6, 10)
        draw.rectangle((x0 + inset, y0 + inset, x1 - inset, y1 - inset), fill=pen.ink)
        return
    for line in tick_strokes(box, pen.tick, rng):
        draw.line(line, fill=pen.ink, width=pen.stroke + 1, joint="curve")


def signature_strokes(box: Box, rng: random.Random) -> list[list[Point]]:
    """A random scribble: one or two uneven zig-zag runs across the box."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    strokes: list[list[Point]] = []
    x = x0 + w * rng.uniform(0.08, 0.3)
    end = x0 + w * rng.uniform(0.7, 0.92)
    mid = (y0 + y1) / 2 + rng.uniform(-h * 0.1, h * 0.1)
    for _ in range(rng.choice((1, 1, 2))):
        line: list[Point] = []
        up = 1
        stop = x + (end - x) * rng.uniform(0.45, 1.0)
        while x < stop:
            # Uneven stride and height, with the odd backward loop.
            up = -up if rng.random() < 0.8 else up
            line.append((x, mid + h * rng.uniform(0.05, 0.32) * up))
            x += rng.uniform(-8, 30)
        if len(line) > 1:
            strokes.append(line)
        x += rng.uniform(10, 40)
    return strokes or [[(x0 + w * 0.3, mid), (x0 + w * 0.7, mid - h * 0.2)]]


def render(form: FilledForm, layout: Layout, rng: random.Random) -> Image.Image:
    """The filled page as a 300 dpi RGB image, before any scanning defects."""
    page = blank_rgb().copy()
    draw = ImageDraw.Draw(page)
    pen = choose_pen(rng)
    for key, text in form.text.items():
        if not text:
            continue
        if key in layout.cells:
            draw_comb(draw, layout.cells[key], text, pen, rng)
        else:
            draw_text(draw, layout.boxes[key], text, pen, rng)
    for group, ticked in form.marks.items():
        for code in ticked:
            draw_tick(draw, layout.options[group][code], pen, rng)
    if form.signed:
        for line in signature_strokes(layout.boxes["signature"], rng):
            draw.line(line, fill=pen.ink, width=pen.stroke, joint="curve")
    return page
