"""The inbox side, with a real `dossier run`: the watcher down while files
arrive; files copied slowly, renamed into place or overwritten mid-copy."""

from __future__ import annotations

import hashlib
import shutil
import threading
import time
from pathlib import Path

import pytest
from e2e.harness import drop, environment, running
from faults.rig import Ledger, assert_exactly_once, wait_until

pytestmark = [pytest.mark.e2e]


def test_files_that_arrive_while_the_watcher_is_down_are_all_taken_after_restart(
    tmp_path: Path, digital_forms: list[Path]
) -> None:
    home = tmp_path / "home"
    env = environment(home)
    ledger = Ledger(f"sqlite:///{home / 'dossier.db'}")
    with running(["run"], env, tmp_path / "run1.log"):
        drop(digital_forms[:2], home / "inbox" / "branch-001")
        wait_until(lambda: ledger.settled(2), 60, "first files not processed")
    drop(digital_forms[2:4], home / "inbox" / "branch-001")  # nobody watching
    drop(digital_forms[4:5], home / "inbox" / "branch-new")
    with running(["run"], env, tmp_path / "run2.log"):
        wait_until(lambda: ledger.settled(5), 60, "files dropped while down not taken")
    assert_exactly_once(ledger, 5)
    ledger.close()


def _write_slowly(target: Path, data: bytes, seconds: float, chunks: int) -> None:
    with target.open("wb") as fh:
        for i in range(chunks):
            fh.write(data[i * len(data) // chunks:(i + 1) * len(data) // chunks])
            fh.flush()
            time.sleep(seconds / chunks)


def test_slow_renamed_and_overwritten_copies_are_processed_once_from_their_final_content(
    tmp_path: Path, digital_forms: list[Path]
) -> None:
    home = tmp_path / "home"
    channel = home / "inbox" / "branch-001"
    channel.mkdir(parents=True)
    # Stability must outlast the copier's longest pause (here 0.5 s).
    env = environment(home, DOSSIER_INBOX__STABLE_SECONDS="2")
    slow, renamed, first, final = (f.read_bytes() for f in digital_forms[15:19])
    ledger = Ledger(f"sqlite:///{home / 'dossier.db'}")

    def overwrite() -> None:
        (channel / "overwritten.pdf").write_bytes(first)
        time.sleep(0.5)  # before it settles, the scanner sends a corrected page
        _write_slowly(channel / "overwritten.pdf", final, 3, 6)

    def rename_into_place() -> None:
        _write_slowly(channel / "renamed.pdf.part", renamed, 3, 6)
        (channel / "renamed.pdf.part").rename(channel / "renamed.pdf")

    with running(["run"], env, tmp_path / "run.log"):
        writers = [threading.Thread(target=_write_slowly,
                                    args=(channel / "slow.pdf", slow, 10, 20)),
                   threading.Thread(target=rename_into_place),
                   threading.Thread(target=overwrite)]
        for w in writers:
            w.start()
        for w in writers:
            w.join()
        wait_until(lambda: ledger.settled(3) and not list(channel.iterdir()), 60,
                   "copies not processed")
    assert_exactly_once(ledger, 3)
    stored = {name: sha for name, sha in ledger.rows(
        "SELECT original_name, sha256 FROM documents")}
    assert stored == {"slow.pdf": _sha(slow), "renamed.pdf": _sha(renamed),
                      "overwritten.pdf": _sha(final)}
    assert ledger.count("drops") == 3
    ledger.close()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_copy_helper_is_a_real_copy(tmp_path: Path, digital_forms: list[Path]) -> None:
    # Guards the test above: the slow writer must produce the same bytes.
    target = tmp_path / "x.pdf"
    _write_slowly(target, digital_forms[0].read_bytes(), 0.01, 7)
    assert target.read_bytes() == digital_forms[0].read_bytes()
    shutil.rmtree(tmp_path, ignore_errors=True)
