from __future__ import annotations

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


def test_blank_is_loaded_once_as_grayscale(template: FormTemplate) -> None:
    assert template.blank.shape == (3508, 2480)
    assert template.blank is template.blank
