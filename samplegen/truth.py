"""The `*.truth.json` beside every generated form, in the shared examples' format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from samplegen.filling import FIELD_ORDER, FilledForm
from samplegen.layout import FORM_ID

DIGITAL = "digital"


def truth_payload(form: FilledForm, file_name: str, quality: str) -> dict[str, Any]:
    """What a perfect pipeline reports for the file; `quality` says how it was made."""
    return {
        "file": file_name,
        "form": FORM_ID,
        "source": "digital" if quality == DIGITAL else "scan",
        "expected_decision": "review" if form.defect else "archived",
        "defect": form.defect,
        "fields": {key: form.truth[key] for key in FIELD_ORDER},
        "quality": quality,
    }


def load_truth(path: Path | str) -> dict[str, Any]:
    """Read a truth file (ours or the shared examples'); checks the keys are all there."""
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    missing = set(FIELD_ORDER) - set(data.get("fields", {}))
    if missing:
        raise ValueError(f"{path}: truth lacks fields {sorted(missing)}")
    return data
