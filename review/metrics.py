"""`/metrics` in the Prometheus text format.

Counts come from the database at scrape time (a custom collector): they
are right however many worker processes and hosts did the work, survive
restarts, and need nothing kept in step. The stage and OCR histograms
only the working process can see are recorded by `workers.metrics`; they
are read here from the multiprocess files under `$DOSSIER_HOME/metrics`
when workers on this host wrote any, else from this process's memory
(`dossier run` before it wrote any, tests).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.ledger import SYSTEM
from archive.models import AuditEntry, DocState, Document, ReviewItem
from review.context import ReviewContext, as_utc
from review.dashboard.operations import DECISIONS
from review.leases import ACTIONABLE


class DatabaseCollector:
    """dossier's counts, read from the database at each scrape."""

    def __init__(self, ctx: ReviewContext) -> None:
        self.ctx = ctx

    def collect(self) -> Iterator[Any]:
        with self.ctx.sessions.begin() as session:
            yield decisions(session)
            yield documents(session)
            yield from backlog(session, self.ctx.now(), self.ctx.settings.sla_hours)
            yield quarantined(session)


def decisions(session: Session) -> CounterMetricFamily:
    """The pipeline's decisions from the append-only audit chain: a count
    that only grows (a document reprocessed after a fix counts again)."""
    family = CounterMetricFamily(
        "dossier_documents_decided", "Pipeline decisions by decision and channel",
        labels=["decision", "channel"])
    stmt = (select(AuditEntry.action, Document.channel, func.count())
            .outerjoin(Document, Document.id == AuditEntry.document_id)
            .where(AuditEntry.actor == SYSTEM, AuditEntry.action.in_(DECISIONS))
            .group_by(AuditEntry.action, Document.channel))
    for action, channel, n in session.execute(stmt):
        family.add_metric([action, channel or "unknown"], int(n))
    return family


def documents(session: Session) -> GaugeMetricFamily:
    """Documents now in each state (quarantined among them) per channel."""
    family = GaugeMetricFamily("dossier_documents", "Documents by current state and channel",
                               labels=["state", "channel"])
    stmt = select(Document.state, Document.channel, func.count()).group_by(
        Document.state, Document.channel)
    for state, channel, n in session.execute(stmt):
        family.add_metric([state, channel], int(n))
    return family


def backlog(session: Session, now: datetime, sla_hours: float) -> Iterator[Any]:
    stmt = (select(ReviewItem.status, func.count(), func.min(ReviewItem.created_at))
            .where(ReviewItem.status.in_(ACTIONABLE)).group_by(ReviewItem.status))
    rows = {status: (int(n), as_utc(oldest)) for status, n, oldest in session.execute(stmt)}
    items = GaugeMetricFamily("dossier_review_backlog", "Review items waiting, by status",
                              labels=["status"])
    for status in ACTIONABLE:
        items.add_metric([status], rows.get(status, (0, None))[0])
    yield items
    late = session.scalar(select(func.count()).where(
        ReviewItem.status.in_(ACTIONABLE),
        ReviewItem.created_at < now - timedelta(hours=sla_hours))) or 0
    yield GaugeMetricFamily("dossier_review_late", "Review items waiting longer than the SLA",
                            value=int(late))
    oldest = min((at for _n, at in rows.values() if at is not None), default=None)
    yield GaugeMetricFamily("dossier_review_oldest_age_seconds",
                            "Age of the oldest waiting review item (0 when none)",
                            value=0.0 if oldest is None else (now - oldest).total_seconds())


def quarantined(session: Session) -> GaugeMetricFamily:
    n = session.scalar(select(func.count()).where(Document.state == DocState.QUARANTINED))
    return GaugeMetricFamily("dossier_quarantined_documents", "Documents in quarantine now",
                             value=int(n or 0))


def _recorded(metrics_dir: Path | None) -> CollectorRegistry:
    """The histograms: the worker processes' files when there are any,
    else this process's own."""
    if metrics_dir is not None and any(metrics_dir.glob("*.db")):
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=str(metrics_dir))
        return registry
    return REGISTRY


def exposition(ctx: ReviewContext) -> bytes:
    counts = CollectorRegistry(auto_describe=False)
    counts.register(DatabaseCollector(ctx))
    return generate_latest(counts) + generate_latest(_recorded(ctx.metrics_dir))
