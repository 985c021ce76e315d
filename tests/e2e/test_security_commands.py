"""The operator's security commands, as an operator runs them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from harness import cli, environment

from samplegen import generate


def test_backup_verify_restore_audit_and_export_from_the_command_line(tmp_path: Path) -> None:
    forms = generate(2, 515, tmp_path / "forms", qualities=["digital"],
                     reference_date=dt.date.today(), defect_rate=0.0)
    env = environment(tmp_path / "home")
    assert cli(["process", *map(str, forms)], env).returncode == 0
    backup = tmp_path / "nightly.dsbk"
    made = cli(["backup", str(backup)], env)
    assert made.returncode == 0, made.stderr
    checked = cli(["backup", "verify", str(backup)], env)
    assert checked.returncode == 0 and "intact" in checked.stdout

    key_file = tmp_path / "home" / "keys" / "dossier.keys"
    new_env = environment(tmp_path / "new-home", DOSSIER_KEY_FILE=str(key_file))
    restored = cli(["restore", str(backup)], new_env)
    assert restored.returncode == 0, restored.stderr
    verified = cli(["audit", "verify"], new_env)
    assert verified.returncode == 0 and "intact" in verified.stdout

    truth = json.loads(forms[0].with_suffix(".truth.json").read_text())["fields"]
    exported = cli(["customers", "export", "--id-number", truth["id_number"],
                    "--out", str(tmp_path / "export"), "--actor", "dpo"], new_env)
    assert exported.returncode == 0, exported.stderr
    data = json.loads((tmp_path / "export" / "customer.json").read_text())
    assert data["customer"]["id_number"] == truth["id_number"]
    assert data["applications"][0]["values"]["mobile"] == truth["mobile"]
    assert list((tmp_path / "export").glob("scan-*"))


def test_restore_refuses_without_the_key_file(tmp_path: Path) -> None:
    env = environment(tmp_path / "home", DOSSIER_KEY_FILE=str(tmp_path / "missing.keys"))
    done = cli(["restore", str(tmp_path / "any.dsbk")], env)
    assert done.returncode == 2 and "key file" in done.stderr
