"""Charts of the operation: what the pipeline decided and when, how much
goes straight through, the review backlog against its SLA, which rules
send forms to review, what reviewers get done, and the migrations.

Decisions are read from the audit chain (the pipeline's `archived`,
`review`, `quarantined` and `failed` entries, and the reviewers'
approvals and returns): it is append-only, so a count never goes down
when a document moves on, and each entry carries its time.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.ledger import SYSTEM
from archive.migration_state import CHANNEL_PREFIX as MIGRATION_CHANNELS
from archive.models import AuditEntry, DocState, Document, ReviewItem
from review.context import as_utc
from review.dashboard.chart import Chart, Series, days, grid, hours, label_or_unknown, ranked
from review.leases import ACTIONABLE

DECISIONS = ("archived", "review", "quarantined", "failed")
REVIEWER_DECISIONS = ("review_approved", "review_returned", "review_first_approval")
HOURS_SHOWN, DAYS_SHOWN, THROUGHPUT_DAYS = 48, 30, 14
MOST_CHANNELS = 6  # the rest of the branches are summed as "other"


Row = tuple[str, str, str | None, dict[str, Any]]


def _decision_rows(session: Session, since: datetime, *actions: str) -> list[Row]:
    """(at, action, channel, detail) of the pipeline's decisions since `since`."""
    stmt = (select(AuditEntry.at, AuditEntry.action, Document.channel, AuditEntry.detail)
            .outerjoin(Document, Document.id == AuditEntry.document_id)
            .where(AuditEntry.actor == SYSTEM, AuditEntry.action.in_(actions),
                   AuditEntry.at >= _iso(since)))
    return [(at, action, channel, detail) for at, action, channel, detail
            in session.execute(stmt)]


def _iso(moment: datetime) -> str:
    # Audit times are UTC ISO text of one format: they compare as strings.
    return moment.isoformat(timespec="microseconds")


def _start_of(label: str, fmt: str) -> datetime:
    return datetime.strptime(label, fmt).replace(tzinfo=UTC)


def documents_per_hour(session: Session, now: datetime, sla_hours: float) -> Chart:
    x = hours(now, HOURS_SHOWN)
    rows = _decision_rows(session, _start_of(x[0], "%Y-%m-%dT%H"), *DECISIONS)
    counts = Counter((at[:13], action) for at, action, _c, _d in rows)
    return Chart("documents_per_hour", "Documents per hour by decision 每小时处理量",
                 "stacked", x, grid(x, DECISIONS, counts), total=len(rows),
                 unit="documents", note=f"last {HOURS_SHOWN} hours, UTC")


def straight_through(session: Session, now: datetime, sla_hours: float) -> Chart:
    """Share of forms archived without a person, per day (quarantined files
    are not forms and failed ones have no decision: both left out)."""
    x = days(now.date(), DAYS_SHOWN)
    rows = _decision_rows(session, _start_of(x[0], "%Y-%m-%d"), "archived", "review")
    counts = Counter((at[:10], action) for at, action, _c, _d in rows)
    rates = [_rate(counts[(d, "archived")], counts[(d, "review")]) for d in x]
    return Chart("straight_through", "Straight-through rate 直通率", "line", x,
                 [Series("straight-through %", rates)], total=len(rows), unit="%",
                 note=f"archived ÷ (archived + review) per day, last {DAYS_SHOWN} days, UTC")


def _rate(archived: int, review: int) -> float | None:
    decided = archived + review
    return None if decided == 0 else round(100 * archived / decided, 1)


def review_backlog(session: Session, now: datetime, sla_hours: float) -> Chart:
    """Items waiting, by age in parts of the SLA; past the SLA is late."""
    edges = [sla_hours / 2, sla_hours, 2 * sla_hours]
    x = [f"< {edges[0]:g} h", f"{edges[0]:g}–{edges[1]:g} h", f"{edges[1]:g}–{edges[2]:g} h",
         f"> {edges[2]:g} h"]
    stmt = select(ReviewItem.created_at, ReviewItem.status).where(
        ReviewItem.status.in_(ACTIONABLE))
    counts: Counter[tuple[str, str]] = Counter()
    for created, status in session.execute(stmt):
        age = (now - (as_utc(created) or now)) / timedelta(hours=1)
        counts[(x[sum(age >= edge for edge in edges)], status)] += 1
    return Chart("review_backlog", "Review backlog by age 待审积压", "stacked", x,
                 grid(x, ACTIONABLE, counts), total=sum(counts.values()), unit="items",
                 note=f"SLA {sla_hours:g} h", marked=x[2:])


def review_reasons(session: Session, now: datetime, sla_hours: float) -> Chart:
    """Which rules sent forms to review, per channel (the codes the
    pipeline gave at the time, before any correction)."""
    rows = _decision_rows(session, now - timedelta(days=DAYS_SHOWN), "review")
    counts: Counter[tuple[str, str]] = Counter()
    for _at, _action, channel, detail in rows:
        for code in (detail or {}).get("codes", []):
            counts[(code, label_or_unknown(channel))] += 1
    per_code: Counter[str] = Counter()
    per_channel: Counter[str] = Counter()
    for (code, channel), n in counts.items():
        per_code[code] += n
        per_channel[channel] += n
    x = ranked(per_code)
    shown = ranked(per_channel)[:MOST_CHANNELS]
    folded = _fold_other(counts, set(shown))
    names = shown + (["other"] if len(per_channel) > len(shown) else [])
    return Chart("review_reasons", "Reasons for review 转人工原因", "stacked", x,
                 grid(x, names, folded), total=sum(counts.values()), unit="reasons",
                 note=f"per channel, last {DAYS_SHOWN} days")


def _fold_other(counts: Counter[tuple[str, str]], keep: set[str]) -> Counter[tuple[str, str]]:
    folded: Counter[tuple[str, str]] = Counter()
    for (code, channel), n in counts.items():
        folded[(code, channel if channel in keep else "other")] += n
    return folded


def reviewer_throughput(session: Session, now: datetime, sla_hours: float) -> Chart:
    """Approvals (first and final) and returns per reviewer per day; the
    audit entry names the person, so no user id is shown or joined."""
    x = days(now.date(), THROUGHPUT_DAYS)
    stmt = select(AuditEntry.at, AuditEntry.actor).where(
        AuditEntry.action.in_(REVIEWER_DECISIONS),
        AuditEntry.at >= _iso(_start_of(x[0], "%Y-%m-%d")))
    counts = Counter((at[:10], actor) for at, actor in session.execute(stmt))
    people = sorted({actor for _day, actor in counts})
    return Chart("reviewer_throughput", "Reviewer throughput 审核人员处理量", "stacked", x,
                 grid(x, people, counts), total=sum(counts.values()), unit="decisions",
                 note=f"approvals and returns per day, last {THROUGHPUT_DAYS} days, UTC")


def migration_progress(session: Session, now: datetime, sla_hours: float) -> Chart:
    """Documents of each migration channel (`migration/<batch>`) by state."""
    stmt = (select(Document.channel, Document.state, func.count())
            .where(Document.channel.startswith(MIGRATION_CHANNELS, autoescape=True))
            .group_by(Document.channel, Document.state))
    counts = Counter({(channel, state): int(n) for channel, state, n in session.execute(stmt)})
    x = sorted({channel for channel, _state in counts})
    return Chart("migration_progress", "Migration progress 存量迁移进度", "stacked", x,
                 grid(x, [s.value for s in DocState], counts), total=sum(counts.values()),
                 unit="documents", note="channels migration/…")
