"""A change to forms, rules or settings leaves an audit entry."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from archive.models import AuditEntry
from config.settings import FORMS_DIR, Settings
from workers.configaudit import ACTION, record_if_changed
from workers.runtime import build_runtime
from workers.service import prepare_home


def entries(rt) -> list[dict]:  # type: ignore[no-untyped-def]
    with rt.transaction() as s:
        return list(s.scalars(select(AuditEntry.detail).where(AuditEntry.action == ACTION)))


def test_the_first_start_and_each_change_are_recorded_and_nothing_else(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    shutil.copytree(FORMS_DIR, forms)
    settings = Settings(home=tmp_path / "home", forms_dir=forms)
    prepare_home(settings)
    rt = build_runtime(settings)
    assert record_if_changed(rt) is True
    assert record_if_changed(rt) is False  # a restart with the same configuration
    rules = forms / "KYC-P01" / "rules.yaml"
    rules.write_text(rules.read_text().replace("min_age_years: 16", "min_age_years: 18"))
    assert record_if_changed(rt) is True
    last = entries(rt)[-1]
    assert last["changed"] == ["form_files:KYC-P01/rules.yaml"]
    assert "database_url" not in last["settings"] and "key_file" not in last["settings"]
    rt.close()
