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


def test_a_character_is_as_sure_as_its_surest_time_step_and_repeats_need_a_blank() -> None:
    from extractors.rapid import ctc_steps

    def step(**probs: float) -> list[float]:
        row = [0.0] * 4  # classes: 0 blank, 1 "8", 2 "5", 3 "3"
        for name, p in probs.items():
            row[int(name[1:])] = p
        return row

    probs = np.array([
        step(c1=0.55, c0=0.45), step(c1=1.0),  # an 8 whose run starts half in the gap
        step(c0=1.0),
        step(c2=0.6, c3=0.4),  # a 5 the model takes for a 3 nearly as often
        step(c0=1.0), step(c2=0.9, c0=0.1),  # another 5, after a blank
        step(c2=0.95),  # the same run as the step before
    ])
    runs = [(index, float(probs[step, index])) for index, step in ctc_steps(probs)]
    assert runs == [(1, 1.0), (2, 0.6), (2, 0.95)]


def test_a_letter_is_as_sure_in_either_case_as_both_cases_together() -> None:
    from extractors.rapid import _other_case_classes

    assert _other_case_classes(["", "g", "G", "1", "中", " "]) == [0, 2, 1, 0, 0, 0]
