"""Ink on faint, noisy scans: writing must not vanish, noise must not appear."""

from __future__ import annotations

import cv2
import numpy as np

from extractors.ink import added_ink, text_ink


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
