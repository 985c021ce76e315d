"""A labelled set on disk: form files beside `<stem>.truth.json`, and the
date the set must be judged on."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TRUTH_SUFFIX = ".truth.json"


@dataclass(frozen=True)
class Case:
    """One form file and what a perfect pipeline reports for it."""

    path: Path
    fields: dict[str, Any]
    expected: str  # archived | review
    quality: str
    defect: str | None = None


def load_cases(folder: Path) -> list[Case]:
    """Every `*.truth.json` in `folder` whose form file exists, by file name."""
    cases = []
    for truth_path in sorted(folder.glob(f"*{TRUTH_SUFFIX}")):
        data: dict[str, Any] = json.loads(truth_path.read_text(encoding="utf-8"))
        form_file = folder / str(data.get("file") or _default_file(truth_path))
        if not form_file.is_file():
            continue
        cases.append(Case(
            path=form_file,
            fields=dict(data["fields"]),
            expected=str(data.get("expected_decision", "archived")),
            # The shared examples carry no quality; their source still splits
            # them into the two kinds that matter (scan vs text layer).
            quality=str(data.get("quality") or data.get("source") or "unknown"),
            defect=data.get("defect"),
        ))
    return cases


def _default_file(truth_path: Path) -> str:
    return truth_path.name.removesuffix(TRUTH_SUFFIX)


def judging_date(cases: list[Case]) -> dt.date:
    """The latest sign date among the set's rule-abiding forms.

    Generated forms are signed within the year before the generator's
    reference date, so judging on the newest sign date keeps every sign date
    valid (not future, not stale) however long ago the set was made. Forms
    expected in review are left out: a deliberately future-dated one must
    not move the judging date.
    """
    abiding = [c for c in cases if c.expected == "archived"] or cases
    dates = [dt.date.fromisoformat(str(c.fields["sign_date"]))
             for c in abiding if c.fields.get("sign_date")]
    if not dates:
        return dt.date.today()
    return max(dates)
