"""Bulk archive migration end to end, on Redis + PostgreSQL with real
`dossier watch`, `dossier worker` and `dossier migrate` processes.

A generated back catalogue of 300 files in nested folders with an .xlsx
register (rows for missing files, files without rows, duplicates, broken
files, two scans): the first migration is killed with SIGKILL halfway, the
second continues while live files are dropped into the inbox, a third adds
nothing; the report reconciles with the tree and the ledger exactly.

Generating 300 PDFs costs ~0.2 s each, so 30 people are generated and each
file gets its own bytes (a trailing PDF comment): 292 distinct forms, as
a back catalogue holds several scans of one customer — which the archive
must link to one customer, never duplicate.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
from faults.rig import FAST, Ledger, wait_until
from harness import DOSSIER, cli, drop, environment, running

from samplegen import generate

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.postgres]

PEOPLE = 30
FORMS = 292  # distinct form files, incl. the two scans
CHANNEL = "migration/legacy-2015"


@dataclass
class Tree:
    root: Path
    register: Path
    forms: list[str] = field(default_factory=list)  # relative paths
    copies: dict[str, str] = field(default_factory=dict)  # copy → original (same bytes)
    broken: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    unregistered: list[str] = field(default_factory=list)
    missing_rows: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[str]:
        return [*self.forms, *self.copies, *self.broken, *self.empty]


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Tree:
    base = tmp_path_factory.mktemp("legacy")
    today = dt.date.today()
    people = generate(PEOPLE, 601, base / "gen", qualities=["digital"], reference_date=today)
    scans = generate(2, 602, base / "gen-scan", qualities=["clean"], reference_date=today)
    t = Tree(base / "share", base / "register.xlsx")
    for i in range(FORMS - len(scans)):
        rel = f"{2010 + i % 5}/branch-{i % 7:02d}/box-{i % 3}/form-{i:04d}.pdf"
        _write(t.root / rel, people[i % PEOPLE].read_bytes() + f"\n% scan {i}\n".encode())
        t.forms.append(rel)
    for i, scan in enumerate(scans):
        rel = f"2012/scans/scan-{i}{scan.suffix}"
        _write(t.root / rel, scan.read_bytes())
        t.forms.append(rel)
    for i, original in enumerate(t.forms[:4]):
        t.copies[f"2016/copies/copy-{i}.pdf"] = original
        _write(t.root / f"2016/copies/copy-{i}.pdf", (t.root / original).read_bytes())
    for name, data in (("minutes.pdf", b"meeting minutes"), ("truncated.pdf", b"%PDF-1.4\n1 0"),
                       ("photo.jpg", b"\xff\xd8\xff\xe0 not really")):
        t.broken.append(f"2014/odd/{name}")
        _write(t.root / t.broken[-1], data)
    t.empty.append("2014/odd/empty.tif")
    _write(t.root / t.empty[0], b"")
    assert len(t.files) == 300
    t.unregistered = t.forms[10:15]
    t.missing_rows = [f"2013/lost/form-{i}.pdf" for i in range(4)]
    _write_register(t)
    return t


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _write_register(t: Tree) -> None:
    """Headings in the bank's words, mapped by configuration; paths as a
    Windows register writes them."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["文件路径", "客户号", "网点", "开户日期", "备注"])
    listed = [p for p in t.files if p not in t.unregistered] + t.missing_rows
    for i, rel in enumerate(listed):
        sheet.append([rel.replace("/", "\\"), f"C{i:08d}", f"branch-{i % 7:02d}",
                      dt.datetime(2010, 1, 1) + dt.timedelta(days=i), "老档案" if i % 9 else None])
    book.save(t.register)


COLUMNS = json.dumps({"path": "文件路径", "customer_number": "客户号", "branch": "网点",
                      "account_opened": "开户日期", "notes": "备注"}, ensure_ascii=False)


def _env(home: Path, redis_url: str, db_url: str) -> dict[str, str]:
    return environment(home, DOSSIER_BROKER_URL=redis_url, DOSSIER_DATABASE_URL=db_url,
                       DOSSIER_BROKER_NAMESPACE=f"mig-{uuid.uuid4().hex[:8]}",
                       DOSSIER_MIGRATION__REGISTER_COLUMNS=COLUMNS, **FAST)


def _migrate(tree: Tree, env: dict[str, str], log: Path, *extra: str) -> subprocess.Popen[bytes]:
    args = [DOSSIER, "migrate", str(tree.root), "--register", str(tree.register),
            "--channel", "legacy-2015", "--quiet", *extra]
    return subprocess.Popen(args, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def test_a_killed_migration_resumes_reconciles_exactly_and_yields_to_live_files(
    tmp_path: Path, tree: Tree, redis_url: str, postgres_url: str
) -> None:
    home = tmp_path / "home"
    env = _env(home, redis_url, postgres_url)
    assert cli(["db", "upgrade"], env).returncode == 0
    ledger = Ledger(postgres_url)
    live = generate(3, 603, tmp_path / "live", qualities=["digital"],
                    reference_date=dt.date.today())
    log = tmp_path / "migrate.log"
    with running(["watch"], env, tmp_path / "watch.log"), \
            running(["worker", "--processes", "2", "--threads", "1"], env, tmp_path / "w.log"):
        # Given a migration killed with SIGKILL halfway through the tree
        first = _migrate(tree, env, log)
        wait_until(lambda: ledger.count("migration_files") >= 150, 90, "first run stalled")
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
        taken_at_kill = ledger.count("migration_files")
        assert taken_at_kill < len(tree.files), "killed too late to prove anything"
        # When it is started again, and live files are dropped meanwhile
        second = _migrate(tree, env, log, "--rate", "1200")
        wait_until(lambda: ledger.count("migration_files") >= taken_at_kill + 10, 60,
                   "second run did not continue")
        drop(live, home / "inbox" / "branch-live")
        assert second.wait(180) == 0, log.read_text()[-3000:]
    # Then: live files were not kept waiting behind the back catalogue
    _assert_live_first(ledger)
    report = _latest_report(home)
    _assert_reconciles(report, tree, ledger)
    _assert_legacy_kept_and_customers_linked(ledger)
    # And running it again over the same tree adds nothing
    before = (ledger.count("drops"), ledger.count("documents"), ledger.count("audit_entries"))
    third = cli(["migrate", str(tree.root), "--register", str(tree.register), "--channel",
                 "legacy-2015", "--quiet"], env)
    assert third.returncode == 0, third.stderr[-2000:]
    assert "0 new document(s)" in third.stdout
    after = (ledger.count("drops"), ledger.count("documents"), ledger.count("audit_entries"))
    assert after[:2] == before[:2]
    assert after[2] == before[2] + 2  # migration_started + migration_finished, nothing else
    assert _by_path(_latest_report(home)) == _by_path(report)
    ledger.close()


def _assert_live_first(ledger: Ledger) -> None:
    """Measured in the audit chain's order: once the live files were
    received, at most one migration document per worker started before the
    last live file finished (one checking the ledger at that very instant),
    while migration work remained after them."""
    live = {r[0] for r in ledger.rows("SELECT id FROM documents WHERE channel = 'branch-live'")}
    assert len(live) == 3
    entries = ledger.rows("SELECT seq, action, document_id FROM audit_entries ORDER BY seq")
    channel = dict(ledger.rows("SELECT id, channel FROM documents"))
    received = max(s for s, a, d in entries if d in live and a == "received")
    finished = max(s for s, a, d in entries if d in live and a in ("archived", "review"))
    started_between = [d for s, a, d in entries if received < s < finished
                       and a == "processing" and channel.get(d) == CHANNEL]
    after = [d for s, a, d in entries if s > finished and a == "processing"
             and channel.get(d) == CHANNEL]
    assert len(started_between) <= 2, started_between
    assert len(after) >= 20, "the migration had finished before the live files came"


def _latest_report(home: Path) -> dict:  # type: ignore[type-arg]
    newest = sorted((home / "migration-reports").glob("legacy-2015-*.json"))[-1]
    return json.loads(newest.read_text(encoding="utf-8"))


def _by_path(report: dict) -> dict[str, tuple[str | None, str]]:  # type: ignore[type-arg]
    return {f["path"]: (f["document_id"], f["decision"]) for f in report["files"]}


def _assert_reconciles(report: dict, tree: Tree, ledger: Ledger) -> None:  # type: ignore[type-arg]
    assert report["reconciled"], report["problems"]
    lines = _by_path(report)
    assert set(lines) == set(tree.files)
    states = dict(ledger.rows(f"SELECT id, state FROM documents WHERE channel = '{CHANNEL}'"))
    for rel in tree.forms:
        doc_id, decision = lines[rel]
        assert decision in ("archived", "review") and states[doc_id] == decision, rel
    for copy, original in tree.copies.items():
        assert lines[copy] == (lines[original][0], "duplicate")
    assert {lines[b][1] for b in tree.broken} == {"quarantined"}
    assert lines[tree.empty[0]] == (None, "rejected")
    # One document per distinct content, processed once: one outcome each.
    assert len(states) == len(tree.forms) + len(tree.broken)
    outcomes = ledger.rows(
        "SELECT a.document_id, count(*) FROM audit_entries a JOIN documents d ON "
        "d.id = a.document_id WHERE d.channel = :c AND a.action IN ('archived', 'review', "
        "'quarantined', 'failed') GROUP BY a.document_id", c=CHANNEL)
    assert len(outcomes) == len(states) and {n for _, n in outcomes} == {1}
    assert sorted(r["path"] for r in report["register_rows_without_file"]) == \
        sorted(tree.missing_rows)
    assert sorted(report["files_without_register_row"]) == sorted(tree.unregistered)
    assert len(list(Path(tree.root).rglob("*"))) > 300  # the source was left as it was


def _assert_legacy_kept_and_customers_linked(ledger: Ledger) -> None:
    registered_docs = ledger.rows(
        "SELECT count(DISTINCT document_id) FROM migration_files WHERE job = 'legacy-2015' "
        "AND register_row IS NOT NULL AND document_id IS NOT NULL")[0][0]
    assert ledger.count("legacy_records") == registered_docs > 250
    sealed = ledger.rows("SELECT customer_number_sealed, branch, account_opened "
                         "FROM legacy_records LIMIT 5")
    assert all(s and not s.startswith("C0") and b and o.startswith("20") for s, b, o in sealed)
    # Several scans of one person are one customer: never more customers
    # than the people generated.
    assert 0 < ledger.count("customers") <= PEOPLE + 2
