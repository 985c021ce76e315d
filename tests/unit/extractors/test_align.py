from __future__ import annotations

import cv2
import numpy as np
import pytest

from config.errors import RejectedInput
from extractors.align import align_page, register
from extractors.ink import TICK_MARGIN_PX, crop
from extractors.template import FormTemplate


def _distort(image: np.ndarray, angle: float, scale: float, shift: tuple[int, int]) -> np.ndarray:
    """Given a page, rotate/scale it about its centre and shift it, as a scanner might
    (on a bed a little larger than the page, so corners are not cut off)."""
    image = cv2.copyMakeBorder(image, 150, 150, 150, 150, cv2.BORDER_CONSTANT, value=255)
    height, width = image.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, scale)
    matrix[:, 2] += shift
    size = (int(width * scale), int(height * scale))
    matrix[:, 2] += ((size[0] - width) / 2, (size[1] - height) / 2)
    return cv2.warpAffine(image, matrix, size, borderValue=255)


def _mark_error(page: np.ndarray, template: FormTemplate) -> float:
    """Largest distance between where a mark's dark mass is and where it should be."""
    worst = 0.0
    for x0, y0, x1, y1 in template.registration_marks:
        window = page[y0 - 30:y1 + 30, x0 - 30:x1 + 30] < 128
        ys, xs = np.nonzero(window)
        centre = (xs.mean() + x0 - 30, ys.mean() + y0 - 30)
        worst = max(worst, float(np.hypot(centre[0] - (x0 + x1) / 2, centre[1] - (y0 + y1) / 2)))
    return worst


@pytest.mark.parametrize(
    ("angle", "scale", "shift"),
    [(2.5, 1.0, (30, -20)), (-3.0, 0.667, (-15, 25)), (1.0, 1.1, (0, 0))],
)
def test_rotated_shifted_scaled_page_is_registered(
    template: FormTemplate, blank: np.ndarray, angle: float, scale: float, shift: tuple[int, int]
) -> None:
    scanned = _distort(blank, angle, scale, shift)
    alignment = align_page(scanned, template)
    assert alignment.rotation == 0
    assert _mark_error(alignment.page, template) < 3.0


def test_upside_down_page_is_turned_round(template: FormTemplate, blank: np.ndarray) -> None:
    filled = blank.copy()
    cv2.putText(filled, "ZHANG SAN", (700, 630), cv2.FONT_HERSHEY_SIMPLEX, 2, 0, 5)
    alignment = align_page(np.rot90(_distort(filled, 1.5, 0.9, (10, 10)), 2), template)
    assert alignment.rotation == 180
    assert _mark_error(alignment.page, template) < 3.0
    assert (alignment.page[560:650, 700:1000] < 128).mean() > 0.05


def test_page_without_marks_is_aligned_by_features(
    template: FormTemplate, blank: np.ndarray
) -> None:
    unmarked = blank.copy()
    for x0, y0, x1, y1 in template.registration_marks:
        unmarked[y0 - 5:y1 + 5, x0 - 5:x1 + 5] = 255
    alignment = align_page(_distort(unmarked, 2.0, 0.8, (20, 0)), template)
    assert alignment.method == "features"
    diff = np.abs(alignment.page.astype(int) - unmarked.astype(int))[200:3300, 200:2300]
    assert (diff > 128).mean() < 0.01


def test_something_else_is_not_a_form(template: FormTemplate) -> None:
    photo = np.random.default_rng(1).integers(0, 255, (1500, 1000), np.uint8)
    with pytest.raises(RejectedInput) as info:
        align_page(photo, template)
    assert info.value.code == "not_a_form"


@pytest.mark.parametrize("turns", [1, 2, 3])
def test_a_turned_scan_lands_where_the_upright_one_does(
    template: FormTemplate, blank: np.ndarray, turns: int
) -> None:
    # Turns are folded into the warp rather than made as turned copies of
    # the page; the half pixels of every downscale must then be kept, or a
    # turned page lands ~1.5 px off (measured before they were).
    filled = blank.copy()
    cv2.putText(filled, "LI SI 1988", (700, 630), cv2.FONT_HERSHEY_SIMPLEX, 2, 0, 5)
    scanned = _distort(filled, 1.5, 0.9, (10, 10))
    upright = align_page(scanned, template)
    turned = align_page(np.ascontiguousarray(np.rot90(scanned, turns)), template)
    assert turned.rotation == 90 * turns  # the clockwise turn that undoes np.rot90
    assert np.abs(turned.page.astype(int) - upright.page).mean() < 0.5
    assert _mark_error(turned.page, template) < 1.0


@pytest.mark.parametrize("turns", [0, 1])
def test_warping_only_the_zones_gives_the_whole_pages_pixels_there(
    template: FormTemplate, blank: np.ndarray, turns: int
) -> None:
    filled = blank.copy()
    cv2.putText(filled, "WANG WU 2001", (700, 630), cv2.FONT_HERSHEY_SIMPLEX, 2, 0, 5)
    scanned = np.ascontiguousarray(np.rot90(_distort(filled, -2.0, 0.7, (5, -10)), turns))
    found = register(scanned, template)
    whole, zones = found.warp_page(scanned, template), found.warp_zones(scanned, template)
    for spec in template.fields:
        for box, margin in [(spec.zone, TICK_MARGIN_PX), *((cell, 0) for cell in spec.cells)]:
            assert np.array_equal(crop(zones, box, margin), crop(whole, box, margin)), spec.key
    with pytest.raises(KeyError):  # nothing is kept outside the zones
        crop(zones, template.registration_marks[0])
