"""The in-process Tesseract adapter against the real library and models."""

from __future__ import annotations

import threading

import cv2
import numpy as np
import pytest

from config.errors import ConfigurationError, TransientFailure
from extractors.tessapi import TessApiSettings, TesseractApiEngine

pytestmark = pytest.mark.tesseract


def _line(text: str) -> np.ndarray:
    """Black text on white, about the size of a form field."""
    image = np.full((60, 40 + 26 * len(text)), 255, np.uint8)
    cv2.putText(image, text, (15, 44), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 3, cv2.LINE_AA)
    return image


@pytest.fixture(scope="module")
def engine() -> TesseractApiEngine:
    return TesseractApiEngine()


def test_reads_a_printed_line_with_word_confidences(engine: TesseractApiEngine) -> None:
    result = engine.read_text(_line("AB 472915"), lang="eng", psm=7, whitelist=None)
    assert result.text.replace(" ", "") == "AB472915"
    assert len(result.words) == 2
    assert 0.5 < result.confidence <= 1.0


def test_a_whitelist_applies_to_its_call_only(engine: TesseractApiEngine) -> None:
    digits = engine.read_text(_line("HELLO 42"), lang="eng", psm=7, whitelist="0123456789")
    assert not any(c.isalpha() for c in digits.text)
    letters = engine.read_text(_line("HELLO 42"), lang="eng", psm=7, whitelist=None)
    assert "HELLO" in letters.text


def test_an_empty_zone_gives_no_confident_text(engine: TesseractApiEngine) -> None:
    # Tesseract's LSTM may "see" a letter or two in blank paper (the command
    # line does too); what matters is that it is not sure of them. The field
    # readers decide emptiness from the ink, not from OCR.
    result = engine.read_text(np.full((60, 300), 255, np.uint8), lang="eng", psm=7,
                              whitelist=None)
    assert result.confidence < 0.3


def test_each_thread_gets_its_own_loaded_model(engine: TesseractApiEngine) -> None:
    seen: list[object] = []

    def use() -> None:
        engine.read_text(_line("7"), lang="eng", psm=10, whitelist=None)
        seen.append(engine._api("eng"))

    threads = [threading.Thread(target=use) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 2 and seen[0] is not seen[1]


def test_a_call_over_its_time_limit_is_a_transient_failure() -> None:
    slow = TesseractApiEngine(TessApiSettings(timeout_s=0.001))
    noise = np.random.default_rng(7).integers(0, 256, (1500, 1500), dtype=np.uint8)
    with pytest.raises(TransientFailure, match="timed out"):
        slow.read_text(noise, lang="chi_sim+eng", psm=6, whitelist=None)


def test_missing_language_data_is_a_configuration_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigurationError, match="language data missing"):
        TesseractApiEngine(TessApiSettings(tessdata=str(tmp_path)))
