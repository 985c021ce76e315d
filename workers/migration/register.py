"""The legacy register: a CSV or .xlsx file mapping source paths to legacy
metadata (customer number, branch, account opening date, notes).

Which column holds what is configuration (`migration.register_columns`, or
a job's `register_columns`): registers come from many hands and years.
Excel is read with openpyxl in read-only mode (measured against RPA
Framework's `RPA.Excel.Files`, which wraps openpyxl without read-only mode:
see README, "Bulk archive migration").
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.migration_state import Legacy
from config.errors import ConfigurationError
from workers.migration.paths import normalise

FIELDS = ("path", "customer_number", "branch", "account_opened", "notes")


class RegisterError(ConfigurationError):
    """The register cannot be read as configured; nothing was taken."""

    exit_code = 2
    code = "register_invalid"


@dataclass(frozen=True)
class Register:
    """Rows by normalised source path; rows that name the same path again."""

    name: str
    rows: dict[str, Legacy]
    repeated: list[tuple[int, str]] = field(default_factory=list)

    def row_for(self, path: str) -> Legacy | None:
        return self.rows.get(path)


def read_register(path: Path, columns: Mapping[str, str], source: Path) -> Register:
    """Read the register at `path`; paths in it are relative to `source`
    (or absolute under it)."""
    _check_mapping(columns)
    excel = path.suffix.lower() in (".xlsx", ".xlsm")
    records = _xlsx_records(path, columns) if excel else _csv_records(path, columns)
    return _build(path.name, records, columns, source)


def _check_mapping(columns: Mapping[str, str]) -> None:
    unknown = sorted(set(columns) - set(FIELDS))
    if unknown or "path" not in columns:
        raise RegisterError(f"register column mapping needs 'path' and knows only "
                            f"{', '.join(FIELDS)}; got {', '.join(sorted(columns))}")


def _build(name: str, records: Iterator[tuple[int, dict[str, Any]]],
           columns: Mapping[str, str], source: Path) -> Register:
    rows: dict[str, Legacy] = {}
    repeated: list[tuple[int, str]] = []
    for number, record in records:
        legacy = _legacy(name, number, record, columns)
        key = normalise(str(record.get(columns["path"]) or ""), source)
        if not key:
            continue  # a blank line, not a register entry
        if key in rows:
            repeated.append((number, key))
        else:
            rows[key] = legacy
    return Register(name, rows, repeated)


def _legacy(name: str, number: int, record: dict[str, Any],
            columns: Mapping[str, str]) -> Legacy:
    value = lambda key: _text(record.get(columns[key])) if key in columns else None  # noqa: E731
    return Legacy(register=name, row=number, customer_number=value("customer_number"),
                  branch=value("branch"), account_opened=_date(record, columns),
                  notes=value("notes"))


def _date(record: dict[str, Any], columns: Mapping[str, str]) -> str | None:
    raw = record.get(columns["account_opened"]) if "account_opened" in columns else None
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    text = _text(raw)
    if text is None:
        return None
    try:  # registers write 2015-03-02, 2015/03/02 or 2015.03.02
        return dt.date.fromisoformat(text.replace("/", "-").replace(".", "-")).isoformat()
    except ValueError:
        return text[:40]  # kept as written: a person reads it, nothing computes with it


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel keeps customer numbers as floats
    text = str(value).strip()
    return text or None


def _csv_records(path: Path, columns: Mapping[str, str]
                 ) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows numbered as a spreadsheet shows them (the heading is row 1).
    UTF-8 with or without BOM (Excel's "CSV UTF-8"), else GB18030."""
    raw = _read(path)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RegisterError(f"{path}: not UTF-8 or GB18030 text")
    reader = csv.DictReader(text.splitlines())
    _check_heading(path, reader.fieldnames, columns)
    for number, record in enumerate(reader, start=2):
        yield number, {(k or "").strip(): v for k, v in record.items()}


def _xlsx_records(path: Path, columns: Mapping[str, str]
                  ) -> Iterator[tuple[int, dict[str, Any]]]:
    import openpyxl  # only registers in Excel pay for the import
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, InvalidFileException, KeyError, ValueError) as exc:
        raise RegisterError(f"{path}: not a readable .xlsx workbook ({exc})") from exc
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        heading = [_text(h) or "" for h in next(rows, ())]
        _check_heading(path, heading, columns)
        for number, values in enumerate(rows, start=2):
            yield number, dict(zip(heading, values, strict=False))
    finally:
        book.close()


def _check_heading(path: Path, heading: Iterable[str] | None,
                   columns: Mapping[str, str]) -> None:
    """Every configured column must be in the heading: a typo in the
    mapping would otherwise import blanks without a word."""
    names = {h.strip() for h in heading or () if h}
    if not names:
        raise RegisterError(f"{path}: the first row must name the columns")
    missing = sorted(c for c in columns.values() if c not in names)
    if missing:
        raise RegisterError(f"{path}: no column named {', '.join(missing)} (columns: "
                            f"{', '.join(sorted(names))}; see migration.register_columns)")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise RegisterError(f"cannot read register {path}: {exc}") from exc
