from __future__ import annotations

import logging

import pytest

from workers.logs import PersonalDataFilter, mask_personal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id 11010519491231002X failed", "id 110105********002X failed"),
        ("call 13800138000 now", "call 138****8000 now"),
        ("mail zhang.wei@example.com", "mail z********@example.com"),
        ("document 3bf3a5f8-7c29-4c5d-82a6-00c2b5c950e5 archived",
         "document 3bf3a5f8-7c29-4c5d-82a6-00c2b5c950e5 archived"),
    ],
)
def test_personal_data_in_a_log_line_is_masked(text: str, expected: str) -> None:
    assert mask_personal(text) == expected


def test_the_filter_masks_arguments_and_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.masking")
    caplog.handler.addFilter(PersonalDataFilter())
    try:
        raise ValueError("bad id 11010519491231002X")
    except ValueError:
        logger.exception("reading %s for %s", "13800138000", "doc-1")
    text = caplog.text
    assert "13800138000" not in text and "11010519491231002X" not in text
    assert "138****8000" in text and "doc-1" in text
