"""Print the figures of an accuracy bench, and write them as JSON."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from workers.bench.metrics import Figures, Tally, is_right, median, percentile
from workers.bench.run import CaseResult

ROUTES = ("archived", "review", "quarantined")
Echo = Callable[[str], None]


def _pct(tally: Tally) -> str:
    return f"{tally.rate:7.2%} ({tally.right}/{tally.total})"


def print_report(fig: Figures, today: dt.date, echo: Echo) -> None:
    echo(f"forms: {fig.forms}   judged as of {today.isoformat()}")
    echo(f"field accuracy: {_pct(fig.fields)}")
    echo("\nper field:")
    for key, tally in fig.by_field.items():
        echo(f"  {key:17s} {_pct(tally)}")
    echo("\nper quality (field accuracy, straight-through of rule-abiding forms):")
    for quality, tally in sorted(fig.by_quality.items()):
        straight = fig.straight_by_quality.get(quality, Tally())
        echo(f"  {quality:12s} fields {_pct(tally)}   straight-through {_pct(straight)}")
    _print_matrix(fig, echo)
    _print_defects(fig, echo)
    _print_escapes(fig, echo)
    _print_straight(fig, echo)
    echo(f"\ndigital PDFs: fields {_pct(fig.digital_fields)}, "
         f"straight-through {_pct(fig.digital_straight)}")
    _print_speed(fig, echo)


def _print_matrix(fig: Figures, echo: Echo) -> None:
    echo("\ndecision matrix (rows expected, columns actual):")
    echo(f"  {'':10s}" + "".join(f"{r:>13s}" for r in ROUTES))
    for expected in ("archived", "review"):
        echo(f"  {expected:10s}" + "".join(f"{fig.matrix[(expected, r)]:13d}" for r in ROUTES))


def _print_defects(fig: Figures, echo: Echo) -> None:
    if not fig.defects:
        return
    echo("\nrule-breaking forms sent to review with the defect's own code:")
    for defect, tally in sorted(fig.defects.items()):
        echo(f"  {defect:18s} {_pct(tally)}")


def _print_escapes(fig: Figures, echo: Echo) -> None:
    echo(f"\nescapes (archived unreviewed while wrong or rule-breaking): {len(fig.escapes)}")
    for escape in fig.escapes:
        wrong = ", ".join(f"{k}={v['value']!r} (truth {v['truth']!r}, conf {v['confidence']:.2f})"
                          for k, v in escape["wrong"].items())
        rule = f" rule broken: {escape['defect']}" if escape["expected"] != "archived" else ""
        echo(f"  {escape['file']} [{escape['quality']}]{rule} wrong: {wrong or '-'}")


def _print_straight(fig: Figures, echo: Echo) -> None:
    echo(f"\nstraight-through (rule-abiding forms archived untouched): {_pct(fig.straight)}")
    if fig.gap_reasons:
        reasons = ", ".join(f"{code} {n}" for code, n in fig.gap_reasons.most_common())
        echo(f"  reasons of the rule-abiding forms sent to review: {reasons}")
        echo(f"  sent to review by id_validity_span alone: {fig.gap_only_span}")
    if fig.archived_notes:
        notes = ", ".join(f"{code} {n}" for code, n in fig.archived_notes.most_common())
        echo(f"  archived with an advisory note: {notes}")


def _print_speed(fig: Figures, echo: Echo) -> None:
    echo(f"seconds per page, all: median {median(fig.seconds_per_page):.2f}, "
         f"p95 {percentile(fig.seconds_per_page, 0.95):.2f}")
    echo(f"seconds per page, scans: median {median(fig.scan_seconds_per_page):.2f}, "
         f"p95 {percentile(fig.scan_seconds_per_page, 0.95):.2f}")


def summary(fig: Figures, today: dt.date) -> dict[str, Any]:
    return {
        "today": today.isoformat(),
        "forms": fig.forms,
        "field_accuracy": fig.fields.rate,
        "by_field": {k: t.rate for k, t in fig.by_field.items()},
        "by_quality": {k: t.rate for k, t in fig.by_quality.items()},
        "matrix": {f"{e}->{a}": n for (e, a), n in fig.matrix.items()},
        "escapes": fig.escapes,
        "defects_caught": {d: [t.right, t.total] for d, t in fig.defects.items()},
        "straight_through": fig.straight.rate,
        "straight_through_gap_reasons": dict(fig.gap_reasons),
        "straight_through_gap_id_validity_span_only": fig.gap_only_span,
        "archived_notes": dict(fig.archived_notes),
        "digital_field_accuracy": fig.digital_fields.rate,
        "digital_straight_through": fig.digital_straight.rate,
        "seconds_per_page": {"median": median(fig.seconds_per_page),
                             "p95": percentile(fig.seconds_per_page, 0.95),
                             "scan_median": median(fig.scan_seconds_per_page),
                             "scan_p95": percentile(fig.scan_seconds_per_page, 0.95)},
    }


def write_json(path: Path, fig: Figures, today: dt.date, results: list[CaseResult]) -> None:
    """Summary plus every case's fields (truth, value, confidence, right):
    the raw material for calibrating thresholds."""
    cases = []
    for case in sorted(results, key=lambda c: c.file):
        data = asdict(case)
        for key, result in case.fields.items():
            data["fields"][key]["right"] = is_right(result)
        cases.append(data)
    payload = {"summary": summary(fig, today), "cases": cases}
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1, default=str),
                    encoding="utf-8")
