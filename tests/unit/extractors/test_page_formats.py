"""Every page format a branch sends, made by the sample generator, through
loading, orientation, registration and the ink-based readers.

The OCR is a fake that reads nothing, so these tests pin down what does not
depend on OCR: the page is found, turned upright and registered well enough
that every tick box and the signature read exactly as the truth says.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from extractors import FakeOcrEngine, LoadLimits, extract
from extractors.template import FormTemplate
from extractors.types import Extraction
from samplegen import degrade, writers
from samplegen.defects import make_form
from samplegen.digital import write_digital_pdf
from samplegen.filling import CHOICE_FIELDS, FilledForm
from samplegen.layout import load_layout
from samplegen.render import render

REFERENCE = dt.date(2026, 6, 1)


@pytest.fixture(scope="module", autouse=True)
def _pillow_default_limit() -> Iterator[None]:
    # The loader sets Pillow's global pixel limit from its LoadLimits; a test
    # elsewhere that loads with tiny limits would otherwise leave it tiny.
    before = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = LoadLimits().max_pixels
    yield
    Image.MAX_IMAGE_PIXELS = before


@pytest.fixture(scope="module")
def form(_pillow_default_limit: None) -> FilledForm:
    return make_form(random.Random("formats:content"), REFERENCE)


@pytest.fixture(scope="module")
def page(form: FilledForm) -> Image.Image:
    return render(form, load_layout(), random.Random("formats:look"))


def _assert_marks_match(extraction: Extraction, form: FilledForm) -> None:
    for key in CHOICE_FIELDS:
        expected = () if form.truth[key] is None else (str(form.truth[key]),)
        assert extraction.fields[key].marked == expected, key
    assert extraction.fields["signature"].present is form.truth["signature"]


def _office(page: Image.Image) -> degrade.Scan:
    return degrade.office(page, random.Random("formats:office"))


def _rough_upside_down(page: Image.Image) -> degrade.Scan:
    scan = degrade.rough(page, random.Random("formats:rough"), shaded=False)
    return degrade.Scan(np.ascontiguousarray(scan.pixels[::-1, ::-1]), scan.dpi)


def _lzw(scan: degrade.Scan, path: Path) -> Path:
    Image.fromarray(scan.pixels).save(path, "TIFF", compression="tiff_lzw", dpi=(300, 300))
    return path


def _multipage(scan: degrade.Scan, path: Path) -> Path:
    first = Image.fromarray(scan.pixels).convert("L")
    back = Image.new("L", first.size, 255)  # the blank back of the sheet
    first.save(path, "TIFF", compression="tiff_lzw", save_all=True, append_images=[back],
               dpi=(300, 300))
    return path


WRITERS = {
    "png": lambda page, p: writers.save_png(degrade.clean(page), p / "f.png"),
    "jpeg": lambda page, p: writers.save_jpeg(_office(page), p / "f.jpg", 70),
    "tiff_lzw": lambda page, p: _lzw(_office(page), p / "f.tif"),
    "tiff_g4_upside_down": lambda page, p: writers.save_g4_tiff(_rough_upside_down(page),
                                                                  p / "f.tif"),
    "tiff_multipage": lambda page, p: _multipage(_office(page), p / "f.tif"),
    "scanned_pdf": lambda page, p: writers.save_scan_pdf(_office(page), p / "f.pdf", 70),
}


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_scanned_formats_register_and_read_ticks(
    fmt: str, tmp_path: Path, template: FormTemplate, form: FilledForm, page: Image.Image
) -> None:
    path = WRITERS[fmt](page, tmp_path)

    extraction = extract(path, template, FakeOcrEngine())

    assert extraction.source_kind == "scan"
    _assert_marks_match(extraction, form)
    if fmt == "tiff_g4_upside_down":
        assert "rotation 180" in extraction.notes
    if fmt == "tiff_multipage":
        assert extraction.pages == 2


def test_digital_pdf_reads_every_value_from_the_text_layer_without_ocr(
    tmp_path: Path, template: FormTemplate, form: FilledForm
) -> None:
    path = write_digital_pdf(form, load_layout(), tmp_path / "f.pdf", random.Random("d"))
    engine = FakeOcrEngine()

    extraction = extract(path, template, engine)

    assert extraction.source_kind == "digital"
    assert engine.calls == []
    _assert_marks_match(extraction, form)
    for key, text in form.text.items():
        assert extraction.fields[key].raw == (text or None), key
