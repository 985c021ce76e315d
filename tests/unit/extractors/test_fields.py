from __future__ import annotations

import cv2
import numpy as np

from extractors.fields import read_field
from extractors.ocr import FakeOcrEngine, OcrResult
from extractors.template import FormTemplate


def _tick(page: np.ndarray, box: tuple[int, int, int, int]) -> None:
    x0, y0, x1, y1 = box
    cv2.line(page, (x0 + 5, y0 + 20), (x0 + 16, y1 - 4), 0, 5)
    cv2.line(page, (x0 + 16, y1 - 4), (x1 + 6, y0 - 8), 0, 5)


def _write(page: np.ndarray, box: tuple[int, int, int, int], text: str) -> None:
    cv2.putText(page, text, (box[0] + 20, box[3] - 30), cv2.FONT_HERSHEY_SIMPLEX, 1.8, 0, 4)


def test_ticked_box_is_marked_and_others_not(template: FormTemplate, blank: np.ndarray) -> None:
    spec = template.field("account_class")
    _tick(blank, dict(spec.options)["II"])
    reading = read_field(blank, template.blank, spec, FakeOcrEngine())
    assert reading.marked == ("II",)
    assert reading.raw == "II"
    assert reading.confidence > 0.9


def test_two_ticks_are_both_reported(template: FormTemplate, blank: np.ndarray) -> None:
    spec = template.field("gender")
    for _, box in spec.options:
        _tick(blank, box)
    assert read_field(blank, template.blank, spec, FakeOcrEngine()).marked == ("M", "F")


def test_empty_text_zone_reads_none_without_calling_ocr(
    template: FormTemplate, blank: np.ndarray
) -> None:
    engine = FakeOcrEngine()
    reading = read_field(blank, template.blank, template.field("email"), engine)
    assert reading.raw is None
    assert reading.confidence >= 0.9
    assert engine.calls == []


def test_text_zone_uses_type_profile(template: FormTemplate, blank: np.ndarray) -> None:
    spec = template.field("mobile")
    _write(blank, spec.zone, "13800138000")
    engine = FakeOcrEngine(replies=[OcrResult("13800138000", 0.93)])
    reading = read_field(blank, template.blank, spec, engine)
    assert (reading.raw, reading.confidence) == ("13800138000", 0.93)
    assert engine.calls[0]["lang"] == "eng"
    assert set(str(engine.calls[0]["whitelist"])) >= set("0123456789")


def test_malformed_text_gets_low_confidence(template: FormTemplate, blank: np.ndarray) -> None:
    spec = template.field("postal_code")
    _write(blank, spec.zone, "10OO8")
    reading = read_field(blank, template.blank, spec, FakeOcrEngine(replies=["10 O08"]))
    assert reading.raw == "10 O08"
    assert reading.confidence < 0.5


def test_cjk_spacing_artefacts_are_removed(template: FormTemplate, blank: np.ndarray) -> None:
    spec = template.field("date_of_birth")
    _write(blank, spec.zone, "1985 3 12")
    reading = read_field(blank, template.blank, spec, FakeOcrEngine(replies=["1985 年 3 月 12 日"]))
    assert reading.raw == "1985年3月12日"
    assert reading.confidence > 0.9


def test_comb_reads_packed_cells_in_one_call(template: FormTemplate, blank: np.ndarray) -> None:
    spec = template.field("id_number")
    for cell in spec.cells:
        _write(blank, (cell[0] - 8, cell[1], cell[2], cell[3] + 6), "7")
    engine = FakeOcrEngine(replies=["11010519491231002X"])
    reading = read_field(blank, template.blank, spec, engine)
    assert reading.raw == "11010519491231002X"
    assert len(engine.calls) == 1


def test_signature_presence(template: FormTemplate, blank: np.ndarray) -> None:
    spec = template.field("signature")
    engine = FakeOcrEngine()
    assert read_field(blank, template.blank, spec, engine).present is False
    x0, y0, x1, y1 = spec.zone
    points = np.array([[x0 + 60 + 25 * i, y0 + 80 + (i % 2) * 60] for i in range(16)], np.int32)
    cv2.polylines(blank, [points], False, 0, 4)
    reading = read_field(blank, template.blank, spec, engine)
    assert reading.present is True
    assert reading.raw == "true"
