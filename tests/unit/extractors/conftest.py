from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from extractors.template import FormTemplate, load_template

FORM_DIR = Path(__file__).resolve().parents[3] / "config" / "forms" / "KYC-P01"


@pytest.fixture(scope="session")
def template() -> FormTemplate:
    return load_template(FORM_DIR)


@pytest.fixture()
def blank(template: FormTemplate) -> np.ndarray:
    return template.blank.copy()
