"""`dossier users …` and `dossier review …` from a shell."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from reviewkit import make_item, make_runtime, truth_values

DOSSIER = str(Path(sys.executable).parent / "dossier")


def run(args: list[str], home: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "DOSSIER_HOME": str(home), "DOSSIER_LOG_LEVEL": "WARNING"}
    return subprocess.run([DOSSIER, *args], capture_output=True, text=True, env=env,
                          input=stdin, timeout=120)


def test_admin_users_and_the_review_commands(tmp_path: Path) -> None:
    home = tmp_path / "home"
    rt = make_runtime(home, f"sqlite:///{(home / 'dossier.db').resolve()}")
    values = truth_values()
    values["mobile"] = "12345"
    item = make_item(rt, tmp_path, values, low=())
    other = make_item(rt, tmp_path, low=("address",))
    rt.close()

    first = run(["users", "ensure-admin"], home)
    assert first.returncode == 0 and "password (shown once)" in first.stdout
    assert "admin account exists" in run(["users", "ensure-admin"], home).stdout
    added = run(["users", "add", "rev", "--role", "reviewer"], home,
                stdin="a-long-password-1\na-long-password-1\n")
    assert added.returncode == 0, added.stderr
    assert run(["users", "add", "x", "--role", "boss", "--generate"], home).returncode == 1

    listed = run(["review", "list"], home)
    assert item in listed.stdout and "2 of 2 open" in listed.stdout
    shown = run(["review", "show", item, "--user", "rev"], home)
    assert "mobile_invalid" in shown.stdout and "13837680477" not in shown.stdout
    corrected = run(["review", "correct", item, "mobile", "13837680477", "--user", "rev"], home)
    assert corrected.returncode == 0, corrected.stderr
    approved = run(["review", "approve", item, "--user", "rev"], home)
    assert "approved" in approved.stdout, approved.stderr
    returned = run(["review", "reject", other, "--reason", "rescan please", "--user", "rev"],
                   home)
    assert returned.returncode == 0 and "returned" in returned.stdout
    assert "0 of 0 open" in run(["review", "list"], home).stdout
    assert run(["audit", "verify"], home).returncode == 0
