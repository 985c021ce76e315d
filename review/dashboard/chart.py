"""What a dashboard chart is: labelled x values, one or more series of
numbers, and the count it stands for. The browser draws it
(static/charts.js); `as_csv` is the same data for a spreadsheet.

Charts hold counts and codes only: never a name, a number or a date of a
customer. Time buckets are UTC.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

Kind = Literal["bar", "stacked", "line"]
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    kind: Kind
    x: list[str]
    series: list[Series]
    # What the chart counts (documents, decisions, items, customers), so a
    # reader, and a test, can check it against the database.
    total: int
    unit: str = ""
    note: str = ""
    # x positions to draw as "late" (the review backlog past its SLA).
    marked: list[str] = field(default_factory=list)


def as_csv(chart: Chart) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([chart.name, *(s.name for s in chart.series)])
    for i, label in enumerate(chart.x):
        writer.writerow([label, *("" if s.values[i] is None else _number(s.values[i])
                                  for s in chart.series)])
    return out.getvalue()


def _number(value: float | None) -> str:
    assert value is not None
    return str(int(value)) if float(value).is_integer() else f"{value:.4g}"


def grid(x: list[str], names: Iterable[str], counts: Counter[tuple[str, str]]) -> list[Series]:
    """Series per name over `x` from counts keyed (x, name); names with
    nothing to show are left out."""
    series = [Series(name, [float(counts[(label, name)]) for label in x]) for name in names]
    return [s for s in series if any(s.values)]


def ranked(counts: Counter[str], fixed: Iterable[str] = ()) -> list[str]:
    """`fixed` names first in their order, then the rest by count."""
    first = list(fixed)
    rest = [name for name, _n in counts.most_common() if name not in first]
    return first + rest


def hours(now: datetime, n: int) -> list[str]:
    """The last `n` hours as "YYYY-MM-DDTHH" labels, oldest first."""
    top = now.replace(minute=0, second=0, microsecond=0)
    return [(top - timedelta(hours=i)).strftime("%Y-%m-%dT%H") for i in range(n - 1, -1, -1)]


def days(today: date, n: int) -> list[str]:
    return [(today - timedelta(days=i)).isoformat() for i in range(n - 1, -1, -1)]


def week_of(day: date) -> str:
    """The Monday that starts the ISO week of `day`."""
    return (day - timedelta(days=day.weekday())).isoformat()


def weeks(today: date, n: int) -> list[str]:
    monday = date.fromisoformat(week_of(today))
    return [(monday - timedelta(weeks=i)).isoformat() for i in range(n - 1, -1, -1)]


def label_or_unknown(value: object) -> str:
    return str(value) if value not in (None, "") else UNKNOWN
