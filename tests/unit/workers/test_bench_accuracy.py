"""The accuracy bench's counting: what is right, what is an escape, and the
date a labelled set is judged on."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

from workers.bench.cases import judging_date, load_cases
from workers.bench.metrics import compute, is_escape, same_value
from workers.bench.run import CaseResult, FieldResult


def _case(route: str, expected: str = "archived", wrong: bool = False) -> CaseResult:
    fields = {"name": FieldResult("张伟", "张伟" if not wrong else "张纬", 0.99),
              "financial_assets": FieldResult(18, 18.0, 0.99),
              "email": FieldResult(None, None, 1.0)}
    return CaseResult("f.png", "clean", expected, route, 2.0, 1, "scan", fields)


def test_values_compare_normalised_numbers_numerically_and_null_as_a_value() -> None:
    assert same_value(18, 18.0)
    assert same_value(None, None)
    assert not same_value(None, "")
    assert not same_value(True, 1.0)


def test_an_escape_is_an_unreviewed_archive_of_a_wrong_or_rule_breaking_form() -> None:
    assert is_escape(_case("archived", wrong=True))
    assert is_escape(_case("archived", expected="review"))
    assert not is_escape(_case("review", wrong=True))
    assert not is_escape(_case("archived"))


def test_figures_count_straight_through_over_rule_abiding_forms_only() -> None:
    figures = compute([_case("archived"), _case("review"), _case("review", "review")])
    assert (figures.straight.right, figures.straight.total) == (1, 2)
    assert figures.matrix[("archived", "review")] == 1
    assert figures.fields.rate == 1.0


def _truth(folder: Path, name: str, sign_date: str, expected: str) -> None:
    (folder / name).write_bytes(b"x")
    payload = {"file": name, "expected_decision": expected,
               "fields": {"sign_date": sign_date}}
    (folder / f"{Path(name).stem}.truth.json").write_text(json.dumps(payload))


def test_a_set_is_judged_on_its_latest_rule_abiding_sign_date(tmp_path: Path) -> None:
    _truth(tmp_path, "a.png", "2026-03-01", "archived")
    _truth(tmp_path, "b.png", "2026-05-02", "archived")
    _truth(tmp_path, "c.png", "2027-01-01", "review")  # deliberately future-dated
    (tmp_path / "orphan.truth.json").write_text(json.dumps({"file": "gone.png", "fields": {}}))

    cases = load_cases(tmp_path)

    assert [c.path.name for c in cases] == ["a.png", "b.png", "c.png"]
    assert judging_date(cases) == dt.date(2026, 5, 2)


def test_a_defect_counts_as_caught_only_when_review_names_its_code() -> None:
    def defective(route: str, codes: tuple[str, ...], defect: str) -> CaseResult:
        issues = tuple((c, ("id_number",)) for c in codes)
        return replace(_case(route, expected="review"), issues=issues, defect=defect)

    figures = compute([
        defective("review", ("id_checksum", "low_confidence"), "id_checksum"),
        defective("review", ("low_confidence",), "dob_mismatch"),
        defective("review", ("choice_missing",), "no_check"),
    ])
    assert {d: (t.right, t.total) for d, t in figures.defects.items()} == {
        "id_checksum": (1, 1), "dob_mismatch": (0, 1), "no_check": (1, 1)}


def test_advisory_notes_on_archived_rule_abiding_forms_are_counted_not_held_against() -> None:
    noted = replace(_case("archived"), notes=("id_validity_span",))
    figures = compute([noted, _case("archived"), replace(_case("review"), notes=("x",))])
    assert (figures.straight.right, figures.straight.total) == (2, 3)
    assert figures.archived_notes == {"id_validity_span": 1}
