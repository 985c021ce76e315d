"""The real RapidOCR recogniser behind the OCR port (model from the wheel)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from extractors.rapid import RapidOcrEngine
from samplegen.fonts import available, pil_font

_ENGINE = RapidOcrEngine()


def _line(text: str, font: ImageFont.FreeTypeFont) -> np.ndarray:
    image = Image.new("L", (40 + int(font.getlength(text)), 90), 255)
    ImageDraw.Draw(image).text((20, 15), text, font=font, fill=20)
    return np.asarray(image)


def test_reads_a_printed_chinese_line_with_per_character_probabilities() -> None:
    font = pil_font(available()[0], 52)
    result = _ENGINE.read_text(_line("上海市浦东新区", font), lang="chi_sim", psm=7, whitelist=None)
    assert result.text == "上海市浦东新区"
    assert len(result.words) == len(result.text)
    assert all(0.0 <= p <= 1.0 for _, p in result.words)
    assert result.confidence > 0.9


def test_reads_digits_and_flags_characters_outside_the_whitelist() -> None:
    font = pil_font(available()[0], 52)
    plain = _ENGINE.read_text(_line("13800138000", font), lang="eng", psm=7, whitelist=None)
    assert plain.text == "13800138000"
    flagged = _ENGINE.read_text(_line("1380A", font), lang="eng", psm=7, whitelist="0123456789")
    assert flagged.confidence <= 0.5


def test_a_blank_crop_reads_nothing() -> None:
    result = _ENGINE.read_text(np.full((60, 200), 255, np.uint8), lang="eng", psm=7,
                               whitelist=None)
    assert (result.text, result.confidence) == ("", 0.0)
