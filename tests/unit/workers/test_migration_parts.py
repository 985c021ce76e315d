"""The migration's parts on their own: the register and its column mapping,
path spelling, the pace, job declarations, the report, the scheduler."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import openpyxl
import pytest

from archive.migration_state import FileState
from archive.models import MigrationFile
from config.errors import ConfigurationError
from config.settings import MigrationSettings, Settings
from workers.migration import report as reports
from workers.migration.jobs import job_name, load_jobs, parse_rate
from workers.migration.pace import Pace
from workers.migration.paths import normalise
from workers.migration.register import RegisterError, read_register
from workers.migration.schedule import MigrationScheduler, read_status
from workers.migration.source import walk

BANK_COLUMNS = {"path": "文件", "customer_number": "客户号", "branch": "网点",
                "account_opened": "开户日期", "notes": "备注"}


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_an_xlsx_register_is_read_through_the_configured_column_mapping(tmp_path: Path) -> None:
    source = tmp_path / "share"
    register = _xlsx(tmp_path / "r.xlsx", [
        ["备注", "文件", "客户号", "网点", "开户日期"],
        ["old file", "2015\\a\\one.pdf", 12345678.0, "B01", dt.datetime(2015, 3, 2)],
        [None, f"{source}/2016/two.pdf", "C-9", "B02", "2016/04/05"],
        [None, ".\\2015\\a\\one.pdf", "again", None, None],
        [None, None, None, None, None],
    ])
    reg = read_register(register, BANK_COLUMNS, source)
    one = reg.row_for("2015/a/one.pdf")
    assert one is not None and (one.row, one.customer_number, one.branch) == (2, "12345678", "B01")
    assert (one.account_opened, one.notes) == ("2015-03-02", "old file")
    two = reg.row_for("2016/two.pdf")
    assert two is not None and (two.row, two.account_opened) == (3, "2016-04-05")
    assert reg.repeated == [(4, "2015/a/one.pdf")]


def test_a_csv_register_with_a_bom_is_read_and_a_mistyped_mapping_is_refused(
    tmp_path: Path
) -> None:
    register = tmp_path / "r.csv"
    register.write_text("path,branch\nx/y.pdf,B1\n", encoding="utf-8-sig")
    reg = read_register(register, {"path": "path", "branch": "branch"}, tmp_path)
    assert reg.row_for("x/y.pdf") is not None
    with pytest.raises(RegisterError, match="no column named brnch"):
        read_register(register, {"path": "path", "branch": "brnch"}, tmp_path)
    with pytest.raises(RegisterError, match="needs 'path'"):
        read_register(register, {"branch": "branch"}, tmp_path)


@pytest.mark.parametrize(("written", "key"), [
    ("2015\\a\\b.pdf", "2015/a/b.pdf"), ("./2015/a/b.pdf", "2015/a/b.pdf"),
    ("/share/2015/a/b.pdf", "2015/a/b.pdf"), ("  2015/a/b.pdf ", "2015/a/b.pdf"),
])
def test_register_paths_are_spelled_like_the_walk(written: str, key: str) -> None:
    assert normalise(written, Path("/share")) == key


def test_the_walk_reports_links_and_hidden_entries_and_leaves_out_its_own_files(
    tmp_path: Path
) -> None:
    (tmp_path / "a" / ".snapshot").mkdir(parents=True)
    (tmp_path / "a" / "f.pdf").write_bytes(b"x")
    (tmp_path / "a" / "~$lock.xlsx").write_bytes(b"x")
    (tmp_path / "a" / "link.pdf").symlink_to(tmp_path / "a" / "f.pdf")
    (tmp_path / "register.xlsx").write_bytes(b"x")
    found = {f.key: f.kind for f in walk(tmp_path, Settings().inbox.ignore_patterns,
                                         exclude=[tmp_path / "register.xlsx"])}
    assert found == {"a/.snapshot": "ignored", "a/f.pdf": "file", "a/link.pdf": "symlink",
                     "a/~$lock.xlsx": "ignored"}


def test_the_pace_spaces_files_evenly_and_banks_no_burst_after_a_pause() -> None:
    now = [0.0]
    pace = Pace(120, clock=lambda: now[0])  # one every 0.5 s
    assert pace.wait() == 0
    pace.took()
    assert pace.wait() == pytest.approx(0.5)
    now[0] = 10.0  # a long pause (live traffic): the next may go now, the one after waits
    assert pace.wait() == 0
    pace.took()
    assert pace.wait() == pytest.approx(0.5)
    assert Pace(None, clock=lambda: now[0]).wait() == 0


@pytest.mark.parametrize(("text", "per_minute"), [("120", 120.0), ("120/min", 120.0),
                                                  ("2/s", 120.0), ("600/h", 10.0)])
def test_rates_are_read_in_files_per_minute(text: str, per_minute: float) -> None:
    assert parse_rate(text) == per_minute


@pytest.mark.parametrize("text", ["0", "-5", "fast", "3/week"])
def test_a_meaningless_rate_is_refused(text: str) -> None:
    with pytest.raises(ConfigurationError):
        parse_rate(text)


def test_the_job_name_comes_from_the_channel_or_the_folder(tmp_path: Path) -> None:
    assert job_name(tmp_path / "legacy-2015", None) == "legacy-2015"
    assert job_name(tmp_path, "migration/box-7") == "box-7"
    with pytest.raises(ConfigurationError):
        job_name(tmp_path, "../etc")


def _jobs_file(tmp_path: Path, cron: str) -> Path:
    path = tmp_path / "migrations.yaml"
    path.write_text(json.dumps({
        "register_columns": BANK_COLUMNS,
        "jobs": [{"name": "legacy-2015", "source": str(tmp_path / "share"),
                  "register": str(tmp_path / "r.xlsx"), "cron": cron, "rate": "60/min"},
                 {"name": "by-hand", "source": str(tmp_path / "other")}]}), encoding="utf-8")
    return path


def test_declared_jobs_carry_their_schedule_rate_and_mapping(tmp_path: Path) -> None:
    job, by_hand = load_jobs(_jobs_file(tmp_path, "30 22 * * 1-5"))
    assert (job.name, job.cron, job.rate_per_minute) == ("legacy-2015", "30 22 * * 1-5", 60.0)
    assert job.channel == "migration/legacy-2015"
    assert job.register_columns == BANK_COLUMNS and by_hand.cron is None
    with pytest.raises(ConfigurationError, match="cron"):
        load_jobs(_jobs_file(tmp_path, "every night"))


def test_the_scheduler_starts_jobs_and_publishes_next_run_and_last_result(
    tmp_path: Path
) -> None:
    settings = Settings(home=tmp_path / "home", migration=MigrationSettings(
        jobs_file=_jobs_file(tmp_path, "0 3 * * *")))
    launched: list[str] = []
    sched = MigrationScheduler(settings, launcher=lambda job: launched.append(job.name) or 3)
    assert [j.name for j in sched.jobs] == ["legacy-2015"]  # the job without cron is by hand
    stop = threading.Event()
    runner = threading.Thread(target=sched.run, args=(stop,))
    runner.start()
    try:
        sched.run_job(sched.jobs[0])
    finally:
        stop.set()
        runner.join(10)
    status = read_status(settings.scheduler_status_file)
    assert status is not None and launched == ["legacy-2015"]
    entry = status["jobs"]["legacy-2015"]
    assert entry["last"]["exit_code"] == 3 and entry["last"]["ok"] is False
    next_run = dt.datetime.fromisoformat(entry["next_run"])
    assert next_run > dt.datetime.now(dt.UTC) and next_run.astimezone().hour == 3


def _state(path: str, outcome: str, state: str | None, doc: str | None) -> FileState:
    row = MigrationFile(job="j", path=path, outcome=outcome, document_id=doc, size=1,
                        mtime_ns=1, register_row=None, reason=None, sha256=None)
    return FileState(row, state, None, ())


def test_the_report_names_every_file_and_every_register_mismatch(tmp_path: Path) -> None:
    for rel in ("a/1.pdf", "a/2.pdf", "a/.tmp", "b/3.pdf"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    listing = list(walk(tmp_path, Settings().inbox.ignore_patterns))
    register = _xlsx(tmp_path.parent / "reg.xlsx", [["path"], ["a/1.pdf"], ["gone.pdf"]])
    reg = read_register(register, {"path": "path"}, tmp_path)
    states = [_state("a/1.pdf", "taken", "archived", "d1"),
              _state("a/2.pdf", "taken", "processing", "d2")]
    rep = reports.build("j", "run", tmp_path, listing, states, reg)
    by_path = {f.path: f.decision for f in rep.files}
    assert by_path == {"a/1.pdf": "archived", "a/2.pdf": "pending", "a/.tmp": "skipped",
                       "b/3.pdf": "not_taken"}
    assert rep.register_rows_without_file == [{"row": 3, "path": "gone.pdf"}]
    assert rep.files_without_register_row == ["a/2.pdf", "b/3.pdf"]
    assert not rep.reconciled and "2 file(s) without a final decision" in rep.problems[0]
    csv_path, json_path = reports.write(rep, tmp_path.parent / "out")
    assert json.loads(json_path.read_text())["totals"]["files"] == 4
    assert "register_row_without_file,gone.pdf" in csv_path.read_text(encoding="utf-8-sig")
