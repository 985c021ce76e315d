"""Shared builders for validator tests (imported by name: pytest puts this
folder on sys.path): the real KYC-P01 config and
extractions written the way the truth files state their values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from stdnum.iso7064 import mod_11_2

from extractors.types import Extraction, FieldReading
from validators.policy import FormPolicy, load_policy

FORM_DIR = Path(__file__).resolve().parents[3] / "config" / "forms" / "KYC-P01"
TODAY = dt.date(2026, 11, 1)


def make_ric(region: str, born: dt.date, seq: int) -> str:
    """A generated resident ID with a correct check character."""
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + mod_11_2.calc_check_digit(body)


def form_def() -> dict[str, Any]:
    return yaml.safe_load((FORM_DIR / "form.yaml").read_text(encoding="utf-8"))


def rules_def() -> dict[str, Any]:
    return yaml.safe_load((FORM_DIR / "rules.yaml").read_text(encoding="utf-8"))


def kyc_policy() -> FormPolicy:
    return load_policy(form_def(), rules_def())


def reading(key: str, kind: str, value: Any, confidence: float = 0.99) -> FieldReading:
    """A FieldReading as the extractor would give it for `value`."""
    if kind == "choice":
        if isinstance(value, list | tuple):
            marked = tuple(value)
        else:
            marked = () if value is None else (value,)
        return FieldReading(key, "choice", ",".join(marked) or None, confidence, marked=marked)
    if kind == "signature":
        return FieldReading(key, "signature", None, confidence, present=bool(value))
    raw = None if value is None else str(value)
    return FieldReading(key, "comb" if key == "id_number" else "text", raw, confidence)


def build_extraction(
    policy: FormPolicy, values: dict[str, Any], confidence: dict[str, float] | None = None
) -> Extraction:
    kinds = {"choice": "choice", "signature": "signature"}
    fields = {
        key: reading(key, kinds.get(spec.type, "text"), values.get(key),
                     (confidence or {}).get(key, 0.99))
        for key, spec in policy.fields.items()
    }
    return Extraction(form=policy.form, source_kind="scan", pages=1, fields=fields)


# A clean applicant with a generated (not real) resident ID.
CLEAN: dict[str, Any] = {
    "name": "王小明",
    "gender": "M",
    "date_of_birth": "1980年8月11日",
    "nationality": "中国",
    "id_type": "resident_id",
    "id_number": "510104198008119776",
    "id_expiry": "2034.12.18",
    "mobile": "155 6799 1814",
    "email": "Sample.Person@Example-Mail.com",
    "address": "四川省成都市锦江区示例路1号",
    "postal_code": "610021",
    "occupation": "设计师",
    "employer": "示例科技有限公司",
    "annual_income": "100k_500k",
    "financial_assets": "25",
    "source_of_funds": "salary",
    "tax_residency": "cn_only",
    "pep": "no",
    "account_class": "I",
    "signature": True,
    "sign_date": "2026/06/04",
}
