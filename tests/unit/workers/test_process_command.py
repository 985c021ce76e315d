"""The `dossier process` contract other tools rely on: one JSON object per
file with every key of the form, and the exit status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DOSSIER = str(Path(sys.executable).parent / "dossier")
FORM_KEYS = {
    "name", "gender", "date_of_birth", "nationality", "id_type", "id_number", "id_expiry",
    "mobile", "email", "address", "postal_code", "occupation", "employer", "annual_income",
    "financial_assets", "source_of_funds", "tax_residency", "pep", "account_class",
    "signature", "sign_date",
}


def run(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "DOSSIER_HOME": str(home), "DOSSIER_LOG_LEVEL": "WARNING"}
    return subprocess.run([DOSSIER, *args], capture_output=True, text=True, env=env, timeout=120)


def test_a_digital_form_prints_every_field_and_exits_0(
    generated: dict[str, Path], tmp_path: Path
) -> None:
    done = run(["process", "--json", str(generated["digital"])], tmp_path)
    assert done.returncode == 0, done.stderr
    line = json.loads(done.stdout.strip())
    truth = json.loads(generated["digital"].with_suffix(".truth.json").read_text())
    assert line["source"] == str(generated["digital"])
    assert line["form"] == "KYC-P01" and line["document_id"]
    assert set(line["fields"]) == FORM_KEYS
    assert {k: v["value"] for k, v in line["fields"].items()} == truth["fields"]
    assert line["decision"] == truth["expected_decision"]


def test_a_file_that_is_no_form_is_quarantined_and_exits_1(tmp_path: Path) -> None:
    junk = tmp_path / "notes.pdf"
    junk.write_text("plain text pretending to be a PDF")
    done = run(["process", "--json", str(junk)], tmp_path / "home")
    assert done.returncode == 1
    line = json.loads(done.stdout.strip())
    assert line["decision"] == "quarantined"
    assert line["issues"][0]["code"] == "unsupported_type"


def test_dry_run_leaves_the_archive_untouched(generated: dict[str, Path], tmp_path: Path) -> None:
    home = tmp_path / "home"
    done = run(["process", "--json", "--dry-run", str(generated["digital"])], home)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["document_id"] is None
    assert not (home / "dossier.db").exists()


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    done = run(["process", str(tmp_path / "nowhere.png")], tmp_path)
    assert done.returncode == 2
    assert "not a file" in done.stderr
