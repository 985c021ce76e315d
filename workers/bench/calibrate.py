"""Propose confidence thresholds from a labelled bench run.

    python -m workers.bench.calibrate BENCH.json [--forms-dir DIR]

reads the JSON that `dossier bench accuracy --json` wrote on the *tuning*
set and prints, per field type, the lowest threshold above which no field
of that type was wrong, with how many readings clear it. Zero wrong out of
n is only evidence of a rate below about 3/n (the rule of three, 95 %), so
the output says how far the set supports the "< 1 in 1,000" goal; the
thresholds go into the `confidence.by_type` section of rules.yaml by hand,
after a look, and are then measured on a fresh set.
"""

from __future__ import annotations

import argparse
import json
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from config.settings import FORMS_DIR
from workers.runtime import load_forms

STEP = 0.005  # thresholds are proposed on this grid, rounded up


@dataclass(frozen=True)
class Proposal:
    field_type: str
    threshold: float
    readings: int
    above: int
    wrong: int
    wrong_above: int

    @property
    def rate_bound(self) -> float:
        """95 % upper bound of the wrong rate above the threshold."""
        return 3.0 / self.above if self.above else 1.0


def propose(cases: list[dict[str, Any]], types: dict[str, str], floor: float = 0.0
            ) -> list[Proposal]:
    """Per type: just above the most confident wrong reading (never below `floor`)."""
    by_type: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for case in cases:
        for key, field in case["fields"].items():
            by_type[types[key]].append((float(field["confidence"]), bool(field["right"])))
    proposals = []
    for field_type, rows in sorted(by_type.items()):
        worst = max((c for c, ok in rows if not ok), default=None)
        threshold = floor if worst is None else max(floor, _grid_above(worst))
        above = [ok for c, ok in rows if c >= threshold]
        proposals.append(Proposal(field_type, threshold, len(rows), len(above),
                                  sum(not ok for _, ok in rows), sum(not ok for ok in above)))
    return proposals


def _grid_above(value: float) -> float:
    """The next grid point strictly above `value` (float-safe)."""
    return min(1.0, round((math.floor(round(value / STEP, 6)) + 1) * STEP, 4))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bench_json", type=Path)
    parser.add_argument("--forms-dir", type=Path, default=FORMS_DIR)
    parser.add_argument("--form", default="KYC-P01")
    args = parser.parse_args(argv)
    policy = load_forms(args.forms_dir)[args.form].policy
    types = {key: spec.type for key, spec in policy.fields.items()}
    cases = json.loads(args.bench_json.read_text(encoding="utf-8"))["cases"]
    print(f"{'type':18s}{'threshold':>10s}{'readings':>10s}{'above':>8s}"
          f"{'wrong':>7s}{'wrong above':>13s}{'rate bound':>12s}")
    for p in propose(cases, types):
        print(f"{p.field_type:18s}{p.threshold:10.3f}{p.readings:10d}{p.above:8d}"
              f"{p.wrong:7d}{p.wrong_above:13d}{p.rate_bound:12.4f}")


if __name__ == "__main__":
    main()
