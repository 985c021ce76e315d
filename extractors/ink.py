"""Ink on an aligned page that is not part of the printed blank form.

Everything the field readers measure goes through here, so scans with
uneven light, JPEG noise or slight misregistration are treated the same
way for text, ticks and signatures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import cv2
import numpy as np

from extractors.types import Box

INK_RATIO = 0.62  # darker than 62 % of the local paper brightness counts as ink
BLANK_DARK = 200  # blank pixels darker than this are printed form (lines, labels)
BLANK_GROW_PX = 3  # tolerated misregistration after alignment
MIN_SPECK_PX = 12  # connected blobs smaller than this are scanner noise
FAINT_CONTRAST = 0.75  # darkest ink below this share of paper: there is writing
FAINT_MAX_RATIO = 0.86  # never call anything lighter than this ink
# Share (%) of the zone's darkest pixels taken as "the ink": small enough
# that a two-digit value in a wide zone still sets it.
FAINT_PERCENTILE = 0.2
FAINT_REACH = 0.65  # how far from the darkest ink towards paper the cut sits
# A blob is writing when its darkest pixel lies at least this far from the
# cut towards the zone's darkest blob; lighter blobs count only near it.
BODY_CORE = 0.5
# How near a lighter blob must be, in heights of the writing. Along the
# line: the widest gap between two pieces of writing. Across it: grain must
# overlap the writing's band, since grain above or below the line makes the
# image taller and an engine that scales lines to a fixed height then sees
# the writing smaller; a stroke (an underscore, thin and so light after the
# blur) may sit below or above the band by half a height.
BODY_REACH_ALONG = 1.0
STROKE_REACH_ACROSS = 0.5
# Grain is compact: a blob shorter and narrower than this share of the
# writing's height. Strokes of the writing are longer.
GRAIN_SIZE = 0.5
# Ticks often overshoot their box: the widest margin any reader crops.
TICK_MARGIN_PX = 6


class Zones:
    """An image's pixels around each field's zone, and nothing else: all
    that reading a page needs, at about a third of the whole page's 8.7 MB.

    Workers keep the blank form this way (`cut` from the whole blank), and
    read each scan this way (the blank's `warped`: the same regions are
    warped out of the scan, so the registered page is never made whole
    beside the scan, and every crop the readers take of the blank they can
    take of the page).
    """

    def __init__(self, shape: tuple[int, ...], regions: list[tuple[Box, np.ndarray]]) -> None:
        self.shape = shape
        self._regions = regions

    @classmethod
    def cut(cls, image: np.ndarray, zones: Iterable[Box], margin: int) -> Zones:
        regions = {_bounds(image.shape, zone, margin) for zone in zones}
        return cls(image.shape, [(region, _sliced(image, region).copy()) for region in regions])

    def warped(self, scan: np.ndarray, matrix: np.ndarray) -> Zones:
        """The same regions of the page `cv2.warpAffine(scan, matrix, ...)`
        would make at this image's size, warped one region at a time."""
        regions = []
        for region, _ in self._regions:
            x0, y0, x1, y1 = region
            shifted = matrix.astype(np.float64)  # a copy: the region's origin moves
            shifted[:, 2] -= (x0, y0)
            pixels = cv2.warpAffine(scan, shifted, (x1 - x0, y1 - y0),
                                    flags=cv2.INTER_LINEAR, borderValue=255)
            regions.append((region, pixels))
        return Zones(self.shape, regions)

    def crop(self, box: Box, margin: int) -> np.ndarray:
        """What `crop(image, box, margin)` gives on the whole image."""
        x0, y0, x1, y1 = _bounds(self.shape, box, margin)
        for (rx0, ry0, rx1, ry1), pixels in self._regions:
            if rx0 <= x0 and ry0 <= y0 and x1 <= rx1 and y1 <= ry1:
                return pixels[y0 - ry0:y1 - ry0, x0 - rx0:x1 - rx0]
        raise KeyError(f"no pixels kept around {box} (margin {margin})")


Image = np.ndarray | Zones


def crop(image: Image, box: Box, margin: int = 0) -> np.ndarray:
    if isinstance(image, Zones):
        return image.crop(box, margin)
    return _sliced(image, box, margin)


def _sliced(image: np.ndarray, box: Box, margin: int = 0) -> np.ndarray:
    x0, y0, x1, y1 = _bounds(image.shape, box, margin)
    return image[y0:y1, x0:x1]


def _bounds(shape: tuple[int, ...], box: Box, margin: int) -> Box:
    """The box grown by `margin`, clipped to the page."""
    x0, y0, x1, y1 = box
    height, width = shape[:2]
    return (max(0, x0 - margin), max(0, y0 - margin),
            min(width, x1 + margin), min(height, y1 + margin))


def paper_normalised(gray: np.ndarray) -> np.ndarray:
    """Divide by a local paper estimate so shadows and gradients vanish."""
    paper = cv2.dilate(gray, np.ones((31, 31), np.uint8))
    paper = cv2.GaussianBlur(paper, (31, 31), 0).astype(np.float32)
    norm = gray.astype(np.float32) / np.maximum(paper, 1.0)
    return np.clip(norm * 255.0, 0, 255).astype(np.uint8)


def printed_mask(blank_crop: np.ndarray) -> np.ndarray:
    """Where the blank form has print, grown to absorb small misalignment."""
    size = 2 * BLANK_GROW_PX + 1
    dark = (blank_crop < BLANK_DARK).astype(np.uint8)
    return cv2.dilate(dark, np.ones((size, size), np.uint8)).astype(bool)


def added_ink(page_crop: np.ndarray, blank_crop: np.ndarray) -> np.ndarray:
    """Boolean mask of ink on the page that the blank does not explain."""
    norm = paper_normalised(page_crop)
    ink = norm < int(255 * INK_RATIO)
    ink &= ~printed_mask(blank_crop)
    return drop_specks(ink)


@dataclass(frozen=True)
class ZoneText:
    """The writing added to one zone, and what it was found in.

    Computed once per zone: the paper normalisation behind it is the
    costliest step of a field's image work, and both the ink mask and the
    OCR image need it.
    """

    ink: np.ndarray  # bool mask of added writing
    norm: np.ndarray  # the zone, paper-normalised
    free: np.ndarray  # where the blank has no print (grown for misregistration)
    body: np.ndarray  # the part of `ink` an OCR engine is shown (see `text_body`)

    @property
    def pixels(self) -> int:
        return int(self.ink.sum())


def zone_text(page_crop: np.ndarray, blank_crop: np.ndarray) -> ZoneText:
    """Like `added_ink`, but for writing that may be faint.

    A light or grey-inked value on a noisy, low-contrast scan stays above
    the fixed ink ratio and would vanish (or the field would look empty),
    and the thin strokes of serif digits and CJK (the diagonal of a 4, the
    bars of 日) fade on blurred scans. When the zone holds something clearly
    darker than paper, the cut moves most of the way from that darkest ink
    towards paper, after a light blur so scanner noise does not pass. Ticks
    and signatures keep the fixed cut: there a stray grey speck must not
    count as a mark.
    """
    norm = paper_normalised(page_crop)
    blurred = cv2.GaussianBlur(norm, (3, 3), 0)
    free = ~printed_mask(blank_crop)
    cut = 255 * INK_RATIO
    if free.any():
        darkest = float(np.percentile(blurred[free], FAINT_PERCENTILE))
        if darkest < 255 * FAINT_CONTRAST:
            reach = darkest + FAINT_REACH * (255 - darkest)
            cut = max(cut, min(255 * FAINT_MAX_RATIO, reach))
    ink = drop_specks((blurred < cut) & free)
    return ZoneText(ink, norm, free, text_body(ink, blurred, cut))


def text_body(ink: np.ndarray, blurred: np.ndarray, cut: float) -> np.ndarray:
    """The writing without the grain scattered across the zone.

    On a noisy, low-contrast scan the faint cut lets in grey grain all over
    the zone, and an OCR engine shown the whole spread misreads the value
    (`2.5` read `2`). The writing's strokes are much darker at their core
    than the grain: blobs that dark are the body. A lighter blob is kept
    when it lies on the body's line, within reach of the body or of lighter
    writing already kept, so a decimal point, a hyphen, an underscore or a
    faint word stays and only grain off the line or far along it goes.
    """
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), 8)
    if count <= 2:
        return ink
    darkest = np.full(count, 255.0)
    np.minimum.at(darkest, labels.ravel(), blurred.ravel().astype(np.float64))
    darkest[0] = 255.0  # label 0 is the background
    core = darkest.min() + BODY_CORE * (cut - darkest.min())
    strong = darkest < core
    keep = strong | _along_the_line(stats, strong)
    keep[0] = False
    return keep[labels]


def _along_the_line(stats: np.ndarray, strong: np.ndarray) -> np.ndarray:
    """Blobs on the strong blobs' band (strokes also just beside it),
    chained along the line from them, gap by gap."""
    left, top, width, height = (stats[:, i] for i in range(4))
    right, bottom = left + width, top + height
    y0, y1 = top[strong].min(), bottom[strong].max()
    line = y1 - y0
    reach = STROKE_REACH_ACROSS * line
    stroke = np.maximum(width, height) >= GRAIN_SIZE * line
    on_line = ((bottom > y0) & (top < y1)) | (stroke & (bottom > y0 - reach) & (top < y1 + reach))
    on_line[0] = False
    lo, hi, gap = left[strong].min(), right[strong].max(), BODY_REACH_ALONG * line
    while True:
        near = on_line & (right > lo - gap) & (left < hi + gap)
        wider = (min(lo, left[near].min(initial=lo)), max(hi, right[near].max(initial=hi)))
        if wider == (lo, hi):
            return near
        lo, hi = wider


def text_ink(page_crop: np.ndarray, blank_crop: np.ndarray) -> np.ndarray:
    """The mask of `zone_text`."""
    return zone_text(page_crop, blank_crop).ink


def drop_specks(mask: np.ndarray, min_px: int = MIN_SPECK_PX) -> np.ndarray:
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    keep = np.zeros(count, dtype=bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= min_px
    return keep[labels]


def ink_bbox(mask: np.ndarray) -> Box | None:
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return None
    return (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)


def ocr_ready(zone: ZoneText, pad: int = 16) -> np.ndarray:
    """Black-on-white image of just the added ink, trimmed, with a margin.

    Tesseract reads best from clean dark strokes on white with some border;
    keeping the normalised grey values (not a hard binary) preserves
    anti-aliased edges of small characters. The margin kept around the ink
    is wider than the mask (thin, light strokes such as the diagonal of a
    serif 4 fall outside it on blurred scans) but never brings printed
    lines back.
    """
    box = ink_bbox(zone.body)
    if box is None:
        return np.full((pad * 2, pad * 2), 255, np.uint8)
    keep = cv2.dilate(zone.body.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    keep &= zone.free
    clean = np.where(keep, zone.norm, 255).astype(np.uint8)
    x0, y0, x1, y1 = box
    return cv2.copyMakeBorder(clean[y0:y1, x0:x1], pad, pad, pad, pad,
                              cv2.BORDER_CONSTANT, value=255)
