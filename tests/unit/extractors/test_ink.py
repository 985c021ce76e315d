"""Ink on faint, noisy scans: writing must not vanish, noise must not appear."""

from __future__ import annotations

import cv2
import numpy as np

from extractors.ink import added_ink, text_ink, zone_text


def _paper(noise: float, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    page = rng.normal(225, noise, (160, 560))
    return np.clip(page, 0, 255).astype(np.uint8)


def test_faint_grey_writing_is_ink_for_text_even_where_the_fixed_cut_misses_it() -> None:
    page = _paper(6)
    cv2.putText(page, "68", (30, 110), cv2.FONT_HERSHEY_SIMPLEX, 2.2, 165, 4)
    blank = np.full_like(page, 255)
    assert int(added_ink(page, blank).sum()) < 120  # would have looked empty
    assert int(text_ink(page, blank).sum()) > 400


def test_noise_alone_is_no_ink() -> None:
    page = _paper(12, seed=7)
    assert int(text_ink(page, np.full_like(page, 255)).sum()) == 0


def test_printed_form_lines_are_never_ink() -> None:
    blank = np.full((160, 560), 255, np.uint8)
    cv2.rectangle(blank, (5, 5), (554, 154), 0, 3)
    assert int(text_ink(blank.copy(), blank).sum()) == 0


def _with_grain(page: np.ndarray, spots: list[tuple[int, int]], shade: int = 160) -> None:
    for x, y in spots:
        cv2.circle(page, (x, y), 3, shade, -1)


def _box(mask: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(mask)
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def test_grey_grain_away_from_the_writing_is_not_shown_to_the_engines() -> None:
    page = _paper(3)
    cv2.putText(page, "2.5", (40, 100), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 60, 4)
    far = [(400, 60), (480, 120), (520, 30)]  # along the line, far from it
    above_below = [(70, 25), (90, 140)]  # near it, off the band of the writing
    _with_grain(page, far + above_below)
    zone = zone_text(page, np.full_like(page, 255))
    assert all(zone.ink[y, x] for x, y in far + above_below)  # the cut lets them in
    assert not any(zone.body[y, x] for x, y in far + above_below)
    x0, y0, x1, y1 = _box(zone.body)
    assert x1 < 200 and y0 > 50 and y1 < 110  # just the value, decimal point and all
    point = zone.ink[92:101, 80:100]
    assert point.any() and zone.body[92:101, 80:100].any()


def test_a_light_underscore_below_the_line_and_light_writing_beside_it_stay() -> None:
    page = _paper(3)
    cv2.putText(page, "ab", (40, 100), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 50, 4)
    cv2.line(page, (50, 112), (100, 112), 150, 2)  # thin, so light after the blur
    cv2.putText(page, "cd", (118, 100), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 150, 2)
    zone = zone_text(page, np.full_like(page, 255))
    assert zone.ink[110:115, 55:95].any() and zone.ink[70:100, 120:180].any()
    assert np.array_equal(zone.body, zone.ink)
