"""Written files: deterministic, in the right formats, with truth beside them,
and digital PDFs whose text layer puts every value inside its zone."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2
import pytest
from PIL import Image
from samplegen_testkit import REFERENCE

from samplegen import QUALITIES, generate, load_truth, write_sample
from samplegen.defects import make_form
from samplegen.degrade import rough
from samplegen.digital import PT_PER_PX, write_digital_pdf
from samplegen.layout import Box, load_layout
from samplegen.render import render
from samplegen.writers import save_g4_tiff, truth_path

SUFFIXES = {
    "clean": {".png"},
    "office": {".jpg"},
    "rough": {".jpg", ".tif"},
    "scanned_pdf": {".pdf"},
    "digital": {".pdf"},
}


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    first = generate(5, 11, tmp_path / "a", reference_date=REFERENCE)
    second = generate(5, 11, tmp_path / "b", reference_date=REFERENCE)
    for one, two in zip(first, second, strict=True):
        assert truth_path(one).read_bytes() == truth_path(two).read_bytes()
        assert one.read_bytes() == two.read_bytes()


def test_other_seed_gives_other_people(tmp_path: Path) -> None:
    a = generate(2, 1, tmp_path / "a", ["digital"], reference_date=REFERENCE)
    b = generate(2, 2, tmp_path / "b", ["digital"], reference_date=REFERENCE)
    assert load_truth(truth_path(a[0]))["fields"] != load_truth(truth_path(b[0]))["fields"]


@pytest.mark.parametrize("quality", QUALITIES)
def test_each_quality_writes_a_readable_file_and_its_truth(quality: str, tmp_path: Path) -> None:
    form = make_form(random.Random(quality), REFERENCE)
    path = write_sample(form, quality, tmp_path / "form", random.Random(3))
    assert path.suffix in SUFFIXES[quality]
    truth = load_truth(truth_path(path))
    assert truth["file"] == path.name and truth["quality"] == quality
    assert truth["source"] == ("digital" if quality == "digital" else "scan")
    assert list(truth) == [
        "file",
        "form",
        "source",
        "expected_decision",
        "defect",
        "fields",
        "quality",
    ]
    if path.suffix == ".pdf":
        with pdfplumber.open(path) as pdf:
            page = pdf.pages[0]
            assert len(pdf.pages) == 1 and round(page.width) == 595 and round(page.height) == 842
            assert len(page.images) == 1
            assert bool(page.extract_words()) == (quality == "digital")
    else:
        with Image.open(path) as image:
            assert image.format == {".png": "PNG", ".jpg": "JPEG", ".tif": "TIFF"}[path.suffix]
            assert image.width in (2480, 1653)


def test_fax_tiff_is_one_bit_group4_at_200_dpi(tmp_path: Path) -> None:
    form = make_form(random.Random(5), REFERENCE)
    scan = rough(render(form, load_layout(), random.Random(5)), random.Random(5), shaded=False)
    path = save_g4_tiff(scan, tmp_path / "fax.tif")
    with Image.open(path) as image:
        assert image.mode == "1" and image.info["compression"] == "group4"
        assert image.size == (1653, 2339) and round(image.info["dpi"][0]) == 200


def test_unknown_quality_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown qualities"):
        generate(1, 1, tmp_path, ["glossy"])


def _inside(word: dict[str, float], box: Box, slack: float = 2.0) -> bool:
    x0, y0, x1, y1 = (v * PT_PER_PX for v in box)
    return (
        word["x0"] >= x0 - slack
        and word["x1"] <= x1 + slack
        and word["top"] >= y0 - slack
        and word["bottom"] <= y1 + slack
    )


def _centred_in(word: dict[str, float], box: Box) -> bool:
    x0, y0, x1, y1 = (v * PT_PER_PX for v in box)
    cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return x0 <= cx <= x1 and y0 <= cy <= y1


@pytest.mark.parametrize("seed", range(6))
def test_digital_words_sit_in_their_zones_and_equal_the_written_values(
    seed: int, tmp_path: Path
) -> None:
    layout = load_layout()
    form = make_form(random.Random(f"digital-{seed}"), REFERENCE)
    path = write_digital_pdf(form, layout, tmp_path / "d.pdf", random.Random(seed))
    with pdfplumber.open(path) as pdf:
        words = pdf.pages[0].extract_words()
    assert "KYC-P01" in {w["text"] for w in words}
    for key, box in layout.boxes.items():
        found = [w for w in words if _centred_in(w, box)]
        assert all(_inside(w, box) for w in found), key
        assert " ".join(w["text"] for w in found) == (form.text.get(key) or ""), key
    comb = "".join(w["text"] for w in words for c in layout.cells["id_number"] if _centred_in(w, c))
    assert comb == form.text["id_number"]
    for group, options in layout.options.items():
        ticked = tuple(
            code
            for code, b in options.items()
            if any(w["text"] == "X" and _inside(w, b, 1.0) for w in words)
        )
        assert ticked == form.marks.get(group, ()), group


def test_digital_values_are_visible_not_only_extractable(tmp_path: Path) -> None:
    layout = load_layout()
    form = make_form(random.Random("visible"), REFERENCE)
    path = write_digital_pdf(form, layout, tmp_path / "d.pdf", random.Random(1))
    page = pypdfium2.PdfDocument(str(path))[0]
    pixels = np.asarray(page.render(scale=300 / 72).to_pil().convert("L"))
    x0, y0, x1, y1 = layout.boxes["name"]
    assert (pixels[y0 + 8 : y1 - 8, x0 + 8 : x1 - 8] < 128).sum() > 200
