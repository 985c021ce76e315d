from __future__ import annotations

import numpy as np
import pytest

from extractors.ink import crop
from extractors.template import FormTemplate


def test_template_reads_layout_and_types(template: FormTemplate) -> None:
    assert template.form_id == "KYC-P01"
    assert (template.width, template.height, template.dpi) == (2480, 3508, 300)
    assert len(template.registration_marks) == 4
    assert len(template.fields) == 21
    assert template.field("id_number").kind == "comb"
    assert len(template.field("id_number").cells) == 18
    assert template.field("mobile").type == "mobile"
    assert dict(template.field("gender").options).keys() == {"M", "F"}
    assert "KYC-P01" in template.markers


def test_blank_is_grayscale_and_workers_keep_only_its_zones(template: FormTemplate) -> None:
    whole = template.blank
    assert whole.shape == (3508, 2480) and whole.dtype == np.uint8
    zones = template.blank_zones
    assert zones is template.blank_zones  # built once
    for spec in template.fields:
        boxes = [(spec.zone, 0), *((cell, 0) for cell in spec.cells),
                 *((box, 6) for _, box in spec.options)]
        for box, margin in boxes:
            assert np.array_equal(crop(zones, box, margin), crop(whole, box, margin)), spec.key
    with pytest.raises(KeyError):
        crop(zones, template.registration_marks[0], 0)  # no field there
