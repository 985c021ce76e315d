"""The generator's labels agree with the project's own validators: a clean
form's written values normalise to its truth and raise no issue; a defective
one raises its defect code. Skipped while the validators layer is absent."""

from __future__ import annotations

import random
from typing import Any

import pytest
import yaml
from samplegen_testkit import REFERENCE

from samplegen.defects import DEFECTS, make_form
from samplegen.filling import CHOICE_FIELDS, FilledForm
from samplegen.layout import form_dir

decide_module = pytest.importorskip("validators.decide")
policy_module = pytest.importorskip("validators.policy")
types_module = pytest.importorskip("extractors.types")


def _load(name: str) -> Any:
    return yaml.safe_load((form_dir() / name).read_text(encoding="utf-8"))


def _policy() -> Any:
    return policy_module.load_policy(_load("form.yaml"), _load("rules.yaml"))


def _extraction(form: FilledForm) -> Any:
    """What a perfect reader would extract from the paper."""
    reading = types_module.FieldReading
    fields = {
        key: reading(key, "comb" if key == "id_number" else "text", text, 0.99)
        for key, text in form.text.items()
    }
    for key in CHOICE_FIELDS:
        marked = form.marks.get(key, ())
        fields[key] = reading(key, "choice", ",".join(marked) or None, 0.99, marked=marked)
    fields["signature"] = reading("signature", "signature", None, 0.99, present=form.signed)
    return types_module.Extraction(form="KYC-P01", source_kind="scan", pages=1, fields=fields)


@pytest.mark.parametrize("defect", (None, *DEFECTS))
def test_validators_agree_with_the_truth(defect: str | None) -> None:
    policy = _policy()
    for i in range(60 if defect is None else 12):
        form = make_form(random.Random(f"v-{defect}-{i}"), REFERENCE, defect)
        decision = decide_module.decide(_extraction(form), policy, REFERENCE)
        codes = {issue.code for issue in decision.issues}
        expected = (decision.reasons == []) if defect is None else (defect in codes)
        assert expected, (codes, form.text)
        for key, value in form.truth.items():
            if key != "signature":
                assert decision.values.get(key) == value, (key, form.text.get(key))
