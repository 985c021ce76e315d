"""The customer base from the archive, in counts of codes only: tier,
risk rating, new customers per branch and week, age band and tax
residency. Nothing here opens a sealed value; the age band and tax
residency come from the profile stored with each record
(`validators.profile`), the rest from the customer row.

Customers whose relationship has ended are left out of the base (they
still count as new in the week they came).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from archive.models import Application, Customer, Document
from review.context import as_utc
from review.dashboard.chart import (
    Chart,
    Series,
    grid,
    label_or_unknown,
    ranked,
    week_of,
    weeks,
)
from validators.profile import AGE_BANDS

TIERS = ("mass", "wealth", "private_banking")
RISKS = ("low", "medium", "high")
TAX_RESIDENCY = ("cn_only", "non_resident", "both")
WEEKS_SHOWN = 12
MOST_BRANCHES = 8


def _current() -> ColumnElement[bool]:
    return Customer.relationship_ended_at.is_(None)


def _distribution(name: str, title: str, counts: Counter[str], fixed: Iterable[str]) -> Chart:
    fixed = list(fixed)
    x = ranked(counts, fixed)
    x = [label for label in x if label in fixed or counts[label]]
    return Chart(name, title, "bar", x, [Series("customers", [float(counts[v]) for v in x])],
                 total=sum(counts.values()), unit="customers")


def _by_column(session: Session, column: Any) -> Counter[str]:
    stmt = select(column, func.count()).where(_current()).group_by(column)
    counts: Counter[str] = Counter()
    for value, n in session.execute(stmt):
        counts[label_or_unknown(value)] += int(n)
    return counts


def tiers(session: Session, now: datetime, sla_hours: float) -> Chart:
    return _distribution("customer_tiers", "Customer tiers 客户分层",
                         _by_column(session, Customer.tier), TIERS)


def risk_ratings(session: Session, now: datetime, sla_hours: float) -> Chart:
    return _distribution("customer_risk", "Risk ratings 风险等级",
                         _by_column(session, Customer.risk_rating), RISKS)


def _application_at(which: Any) -> Any:
    """Each customer's first (`func.min`) or latest (`func.max`) record time."""
    return (select(Application.customer_id.label("cid"),
                   which(Application.created_at).label("at"))
            .where(Application.customer_id.is_not(None))
            .group_by(Application.customer_id).subquery())


def new_customers(session: Session, now: datetime, sla_hours: float) -> Chart:
    """Customers per week they came, by the branch (channel) of their
    first record."""
    x = weeks(now.date(), WEEKS_SHOWN)
    first = _application_at(func.min)
    stmt = (select(Customer.id, Customer.created_at, Document.channel)
            .outerjoin(first, first.c.cid == Customer.id)
            .outerjoin(Application, and_(Application.customer_id == Customer.id,
                                         Application.created_at == first.c.at))
            .outerjoin(Document, Document.id == Application.document_id)
            .where(Customer.created_at >= datetime.fromisoformat(x[0]).replace(tzinfo=UTC)))
    seen: dict[str, tuple[str, str]] = {}  # one row per customer, even on a tie
    for cid, created, channel in session.execute(stmt):
        day = (as_utc(created) or now).date()
        seen.setdefault(cid, (week_of(day), label_or_unknown(channel)))
    counts = Counter(seen.values())
    per_branch = Counter(branch for _week, branch in seen.values())
    shown = ranked(per_branch)[:MOST_BRANCHES]
    folded = Counter({(w, b if b in shown else "other"): n for (w, b), n in counts.items()})
    names = shown + (["other"] if len(per_branch) > len(shown) else [])
    return Chart("new_customers", "New customers per week and branch 新增客户", "stacked", x,
                 grid(x, names, folded), total=len(seen), unit="customers",
                 note=f"week starting Monday, last {WEEKS_SHOWN} weeks")


def _latest_profiles(session: Session) -> dict[str, dict[str, Any]]:
    """Current customers and the profile stored with their latest record
    (empty for a customer without one)."""
    latest = _application_at(func.max)
    stmt = (select(Customer.id, Application.profile)
            .outerjoin(latest, latest.c.cid == Customer.id)
            .outerjoin(Application, and_(Application.customer_id == Customer.id,
                                         Application.created_at == latest.c.at))
            .where(_current()))
    profiles: dict[str, dict[str, Any]] = {}
    for cid, profile in session.execute(stmt):
        profiles.setdefault(cid, profile or {})
    return profiles


def _profile_counts(session: Session, key: str) -> Counter[str]:
    return Counter(label_or_unknown(p.get(key)) for p in _latest_profiles(session).values())


def age_bands(session: Session, now: datetime, sla_hours: float) -> Chart:
    return _distribution("customer_age_bands", "Age bands 年龄段",
                         _profile_counts(session, "age_band"), AGE_BANDS)


def tax_residency(session: Session, now: datetime, sla_hours: float) -> Chart:
    return _distribution("customer_tax_residency", "Tax residency 税收居民身份",
                         _profile_counts(session, "tax_residency"), TAX_RESIDENCY)
