from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from extractors import FakeOcrEngine, extract
from extractors.template import FormTemplate


def test_scanned_png_goes_through_alignment_and_readers(
    tmp_path: Path, template: FormTemplate, blank: np.ndarray
) -> None:
    name = template.field("name").zone
    cv2.putText(blank, "LI LEI", (name[0] + 20, name[3] - 30), cv2.FONT_HERSHEY_SIMPLEX, 2, 0, 5)
    box = dict(template.field("pep").options)["no"]
    cv2.rectangle(blank, (box[0] + 8, box[1] + 8), (box[2] - 8, box[3] - 8), 0, -1)
    path = tmp_path / "scan.jpg"
    Image.fromarray(cv2.resize(blank, None, fx=2 / 3, fy=2 / 3)).save(path, dpi=(200, 200))

    extraction = extract(path, template, FakeOcrEngine(replies=["LI LEI"]))

    assert (extraction.form, extraction.source_kind, extraction.pages) == ("KYC-P01", "scan", 1)
    assert set(extraction.fields) == {spec.key for spec in template.fields}
    assert extraction.fields["name"].raw == "LI LEI"
    assert extraction.fields["pep"].marked == ("no",)
    assert extraction.fields["email"].raw is None
    assert extraction.fields["signature"].present is False
