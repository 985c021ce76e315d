"""The supervisors' dashboard charts: one function per chart, each
`(session, now, sla_hours) -> Chart`, drawn by the browser from
`/api/dashboard/charts/<name>` and downloadable as CSV."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from review.dashboard import customers, operations
from review.dashboard.chart import Chart, as_csv
from review.errors import NotFound

ChartFn = Callable[[Session, datetime, float], Chart]

OPERATIONS: dict[str, ChartFn] = {
    "documents_per_hour": operations.documents_per_hour,
    "straight_through": operations.straight_through,
    "review_backlog": operations.review_backlog,
    "review_reasons": operations.review_reasons,
    "reviewer_throughput": operations.reviewer_throughput,
    "migration_progress": operations.migration_progress,
}
CUSTOMER_BASE: dict[str, ChartFn] = {
    "customer_tiers": customers.tiers,
    "customer_risk": customers.risk_ratings,
    "new_customers": customers.new_customers,
    "customer_age_bands": customers.age_bands,
    "customer_tax_residency": customers.tax_residency,
}
CHARTS: dict[str, ChartFn] = {**OPERATIONS, **CUSTOMER_BASE}


def build(session: Session, name: str, now: datetime, sla_hours: float) -> Chart:
    try:
        chart_fn = CHARTS[name]
    except KeyError:
        raise NotFound(f"no chart {name!r}; the charts are {', '.join(CHARTS)}") from None
    return chart_fn(session, now, sla_hours)


__all__ = ["CHARTS", "CUSTOMER_BASE", "OPERATIONS", "Chart", "as_csv", "build"]
