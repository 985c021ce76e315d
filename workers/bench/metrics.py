"""The figures of an accuracy bench, computed from case results.

A field is right when its normalised value equals the truth (`null`
included; numbers compared as numbers). An escape is a form archived
without review while any field is wrong or the form breaks a rule.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from workers.bench.run import CaseResult, FieldResult

LOW_CONFIDENCE = "low_confidence"
# Defect names used by other labelled sets, and the codes that report them.
DEFECT_CODES = {"no_check": {"choice_missing"}, "double_check": {"choice_ambiguous"}}


def same_value(truth: Any, value: Any) -> bool:
    """Normalised equality; bool is not a number here (True != 1.0)."""
    if isinstance(truth, bool) or isinstance(value, bool):
        return truth is value
    if isinstance(truth, int | float) and isinstance(value, int | float):
        return float(truth) == float(value)
    return bool(truth == value)


def is_right(result: FieldResult) -> bool:
    return same_value(result.truth, result.value)


def wrong_fields(case: CaseResult) -> list[str]:
    return [key for key, f in case.fields.items() if not is_right(f)]


def caught(case: CaseResult) -> bool:
    """The defect's own code is among the reasons. The generator names its
    defects by our codes; a truth whose defect is not a code (`no_check` in
    the shared examples) counts when its field is named."""
    codes = {code for code, _ in case.issues}
    if case.defect in codes:
        return True
    return case.defect in DEFECT_CODES and bool(codes & DEFECT_CODES[case.defect])


def is_escape(case: CaseResult) -> bool:
    return case.route == "archived" and (case.expected != "archived" or bool(wrong_fields(case)))


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += int(ok)
        self.total += 1

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass
class Figures:
    """Everything the bench prints; `to_json` is the --json payload."""

    forms: int = 0
    fields: Tally = field(default_factory=Tally)
    by_field: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_quality: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    matrix: Counter[tuple[str, str]] = field(default_factory=Counter)
    escapes: list[dict[str, Any]] = field(default_factory=list)
    straight: Tally = field(default_factory=Tally)
    straight_by_quality: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    gap_reasons: Counter[str] = field(default_factory=Counter)
    gap_only_span: int = 0
    # Advisory notes on the rule-abiding forms that were archived.
    archived_notes: Counter[str] = field(default_factory=Counter)
    digital_fields: Tally = field(default_factory=Tally)
    digital_straight: Tally = field(default_factory=Tally)
    seconds_per_page: list[float] = field(default_factory=list)
    scan_seconds_per_page: list[float] = field(default_factory=list)
    # Rule-breaking forms by their defect: did review name the defect's code?
    defects: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))


def compute(results: list[CaseResult]) -> Figures:
    figures = Figures()
    for case in sorted(results, key=lambda c: c.file):
        _add_case(figures, case)
    return figures


def _add_case(fig: Figures, case: CaseResult) -> None:
    fig.forms += 1
    for key, result in case.fields.items():
        ok = is_right(result)
        fig.fields.add(ok)
        fig.by_field[key].add(ok)
        fig.by_quality[case.quality].add(ok)
        if case.source_kind == "digital":
            fig.digital_fields.add(ok)
    fig.matrix[(case.expected, case.route)] += 1
    if case.defect:
        fig.defects[case.defect].add(case.route == "review" and caught(case))
    if is_escape(case):
        fig.escapes.append(_escape_entry(case))
    if case.expected == "archived":
        _add_straight_through(fig, case)
    per_page = case.seconds / max(1, case.pages)
    fig.seconds_per_page.append(per_page)
    if case.source_kind == "scan":
        fig.scan_seconds_per_page.append(per_page)


def _add_straight_through(fig: Figures, case: CaseResult) -> None:
    archived = case.route == "archived"
    fig.straight.add(archived)
    fig.straight_by_quality[case.quality].add(archived)
    if case.source_kind == "digital":
        fig.digital_straight.add(archived)
    if archived:
        fig.archived_notes.update(case.notes)
        return
    codes = {code for code, _ in case.issues}
    fig.gap_reasons.update(codes)
    if codes == {"id_validity_span"}:
        fig.gap_only_span += 1


def _escape_entry(case: CaseResult) -> dict[str, Any]:
    return {
        "file": case.file,
        "quality": case.quality,
        "expected": case.expected,
        "defect": case.defect,
        "wrong": {key: {"truth": case.fields[key].truth, "value": case.fields[key].value,
                        "confidence": case.fields[key].confidence}
                  for key in wrong_fields(case)},
    }


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0
