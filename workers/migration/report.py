"""The reconciliation report: every source file → document id, decision,
reason; every register row without a file; every file without a register
row. Written as CSV (for a spreadsheet) and JSON (for a program).

No personal data goes into it: paths, ids, codes and register row numbers
only (the legacy customer number stays sealed in the archive).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from archive.migration_state import FileState, decision_of
from workers.migration.register import Register
from workers.migration.source import SourceFile

_IGNORED = "ignored name (temporary or hidden): not taken"


@dataclass(frozen=True)
class FileLine:
    path: str
    decision: str  # archived | review | quarantined | failed | returned | duplicate | rejected
    #                | skipped | pending | not_taken
    document_id: str | None = None
    sha256: str | None = None
    reason: str | None = None
    register_row: int | None = None


@dataclass
class Report:
    job: str
    run_id: str
    source: str
    register: str | None
    files: list[FileLine]
    register_rows_without_file: list[dict[str, Any]] = field(default_factory=list)
    files_without_register_row: list[str] = field(default_factory=list)
    repeated_register_rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        return dict(sorted(Counter(f.decision for f in self.files).items()))

    @property
    def reconciled(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {
            "job": self.job, "run": self.run_id, "source": self.source,
            "register": self.register, "generated_at": _now(),
            "reconciled": self.reconciled, "problems": self.problems,
            "totals": {"files": len(self.files), **self.totals},
            "files": [asdict(f) for f in self.files],
            "register_rows_without_file": self.register_rows_without_file,
            "files_without_register_row": self.files_without_register_row,
            "repeated_register_rows": self.repeated_register_rows,
        }


def build(job: str, run_id: str, source: Path, listing: list[SourceFile],
          states: list[FileState], register: Register | None) -> Report:
    by_path = {s.row.path: s for s in states}
    files = [_line(f, by_path.get(f.key)) for f in listing]
    report = Report(job, run_id, str(source), register.name if register else None, files)
    if register is not None:
        _compare_register(report, listing, register)
    report.problems += _unfinished(files)
    return report


def _line(source: SourceFile, state: FileState | None) -> FileLine:
    if source.kind == "ignored":
        return FileLine(source.key, "skipped", reason=_IGNORED)
    if state is None:
        return FileLine(source.key, "not_taken", reason="not taken yet (run interrupted)")
    row = state.row
    decision = decision_of(row.outcome, state.state)
    return FileLine(source.key, decision, row.document_id, row.sha256,
                    _reason(row.reason, state), row.register_row)


def _reason(taken_reason: str | None, state: FileState) -> str | None:
    if taken_reason:  # duplicate or rejected: why it made no document of its own
        return taken_reason
    if state.review_reasons:
        return "review: " + ", ".join(state.review_reasons)
    return state.reason


def _compare_register(report: Report, listing: list[SourceFile], register: Register) -> None:
    present = {f.key for f in listing if f.kind != "ignored"}
    report.register_rows_without_file = [
        {"row": legacy.row, "path": path}
        for path, legacy in sorted(register.rows.items(), key=lambda kv: kv[1].row)
        if path not in present]
    report.files_without_register_row = sorted(present - set(register.rows))
    report.repeated_register_rows = [{"row": row, "path": path}
                                     for row, path in register.repeated]


def _unfinished(files: list[FileLine]) -> list[str]:
    waiting = [f.path for f in files if f.decision in ("pending", "not_taken")]
    if not waiting:
        return []
    return [f"{len(waiting)} file(s) without a final decision yet: " + ", ".join(waiting[:5])]


def ledger_problems(*, drops: int, rows_with_drop: int, orphans: list[str]) -> list[str]:
    """The ledger's own view must agree with the job's rows: one drop per
    file taken (none twice), and no document the job cannot account for."""
    problems = []
    if drops != rows_with_drop:
        problems.append(f"the ledger holds {drops} drop(s) in this channel for "
                        f"{rows_with_drop} file(s) taken")
    if orphans:
        problems.append(f"{len(orphans)} document(s) in this channel match no source file: "
                        + ", ".join(orphans[:5]))
    return problems


def write(report: Report, folder: Path) -> tuple[Path, Path]:
    """`<job>-<UTC time>.json` and `.csv` in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"{report.job}-{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%SZ')}"
    json_path, csv_path = stem.with_suffix(".json"), stem.with_suffix(".csv")
    json_path.write_text(json.dumps(report.as_json(), ensure_ascii=False, indent=1),
                         encoding="utf-8")
    _write_csv(report, csv_path)
    return csv_path, json_path


def _write_csv(report: Report, path: Path) -> None:
    without_row = set(report.files_without_register_row)
    with path.open("w", newline="", encoding="utf-8-sig") as fh:  # BOM: Excel reads UTF-8
        out = csv.writer(fh)
        out.writerow(["section", "path", "document_id", "decision", "reason", "register_row",
                      "in_register", "sha256"])
        for f in report.files:
            in_register = "" if report.register is None or f.decision == "skipped" else (
                "no" if f.path in without_row else "yes")
            out.writerow(["file", f.path, f.document_id or "", f.decision, f.reason or "",
                          f.register_row or "", in_register, f.sha256 or ""])
        for r in report.register_rows_without_file:
            out.writerow(["register_row_without_file", r["path"], "", "", "no such file",
                          r["row"], "yes", ""])
        for r in report.repeated_register_rows:
            out.writerow(["repeated_register_row", r["path"], "", "",
                          "the path is listed on an earlier row; this row was not used",
                          r["row"], "yes", ""])


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
