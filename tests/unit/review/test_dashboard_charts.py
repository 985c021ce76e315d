"""The dashboard's chart queries on SQLite and PostgreSQL: every chart's
total against a direct count of the tables, time windows, the SLA
buckets, no personal data in any chart, and the API's roles and CSV."""

from __future__ import annotations

import contextlib
import csv
import io
import random
from collections.abc import Iterator
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

import dashkit
import pytest
from fastapi.testclient import TestClient
from reviewkit import PASSWORD, add_users, make_context, make_runtime
from services import fresh_database

from review import dashboard
from review.context import ReviewContext
from review.dashboard.chart import Chart
from review.web.app import create_app
from workers.runtime import Runtime


@pytest.fixture(scope="module", params=["sqlite",
                                        pytest.param("postgres", marks=pytest.mark.postgres)])
def seeded(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReviewContext]:
    """One archive per database, seeded once for the module (users cost
    half a second each to hash, so only the two reviewers)."""
    tmp = tmp_path_factory.mktemp("dashboard")
    with contextlib.ExitStack() as stack:
        url = f"sqlite:///{tmp / 'dossier.db'}"
        if request.param == "postgres":
            url = stack.enter_context(fresh_database(request.getfixturevalue("postgres_admin")))
        rt = make_runtime(tmp / "home", url)
        stack.callback(rt.close)
        ctx = make_context(rt)
        add_users(ctx, ("rev1", "reviewer"), ("rev2", "reviewer"))
        dashkit.seed(rt, ctx, tmp)
        yield ctx


def charts(ctx: ReviewContext, **later: float) -> dict[str, Chart]:
    now = ctx.now() + timedelta(**later)
    with ctx.sessions.begin() as session:
        return {name: dashboard.build(session, name, now, ctx.settings.sla_hours)
                for name in dashboard.CHARTS}


def drawn(chart: Chart) -> float:
    return sum(v or 0 for s in chart.series for v in s.values)


def test_every_chart_total_is_a_direct_count_of_the_tables(seeded: ReviewContext) -> None:
    ctx = seeded
    shown = charts(ctx)
    with ctx.sessions.begin() as s:
        start = ctx.now() - timedelta(days=40)
        assert shown["documents_per_hour"].total == dashkit.decisions_since(
            s, start, *dashkit.PIPELINE_DECISIONS)
        assert shown["straight_through"].total == dashkit.decisions_since(
            s, start, "archived", "review")
        assert shown["review_backlog"].total == dashkit.waiting_items(s)
        assert shown["review_reasons"].total == dashkit.reason_occurrences(s)
        assert shown["reviewer_throughput"].total == dashkit.reviewer_decisions(s)
        assert shown["migration_progress"].total == dashkit.migration_documents(s)
        customers = dashkit.current_customers(s)
        tiers = dashkit.customers_by(s, dashkit.Customer.tier)
        ages = dashkit.profile_counts(s, "age_band")
    for name in ("customer_tiers", "customer_risk", "new_customers", "customer_age_bands",
                 "customer_tax_residency"):
        assert shown[name].total == customers, name
    for name, chart in shown.items():
        if chart.kind != "line":  # every counted thing is drawn, once
            assert drawn(chart) == chart.total, name
    tier_chart = shown["customer_tiers"]
    assert dict(zip(tier_chart.x, tier_chart.series[0].values, strict=True)) == {
        t: tiers.get(t, 0) for t in tier_chart.x}
    age_chart = shown["customer_age_bands"]
    assert {x: v for x, v in zip(age_chart.x, age_chart.series[0].values, strict=True)
            if v} == ages


def test_straight_through_rate_is_archived_over_decided(sqlite_rt: Runtime,
                                                        tmp_path: Path) -> None:
    rt, ctx = sqlite_rt, make_context(sqlite_rt)
    rng = random.Random(3)
    for defect in (None, None, None, "id_checksum"):
        dashkit.post_form(rt, tmp_path, rng, "branch-001", defect)
    dashkit.drop_only(rt, tmp_path, "branch-001", "quarantined")  # not a form: left out
    chart = charts(ctx)["straight_through"]
    assert chart.series[0].values[-1] == 75.0
    assert chart.series[0].values[:-1] == [None] * (len(chart.x) - 1)
    assert chart.total == 4


def test_windows_move_with_time_and_the_backlog_ages_past_the_sla(
        seeded: ReviewContext) -> None:
    with seeded.sessions.begin() as s:
        waiting = dashkit.waiting_items(s)
    now = charts(seeded)
    assert now["review_backlog"].series[0].values == [waiting, 0, 0, 0]
    assert now["documents_per_hour"].total > 0
    backlog = charts(seeded, hours=seeded.settings.sla_hours * 1.5)["review_backlog"]
    assert backlog.series[0].values == [0, 0, waiting, 0]
    assert backlog.marked == backlog.x[2:]  # past the SLA is drawn as late
    much_later = charts(seeded, days=40)
    assert much_later["documents_per_hour"].total == 0
    assert much_later["straight_through"].total == 0
    assert much_later["review_reasons"].total == 0
    assert much_later["reviewer_throughput"].total == 0
    assert much_later["review_backlog"].series[0].values == [0, 0, 0, waiting]


def test_no_chart_shows_a_name_an_id_number_or_a_date_of_birth(
        seeded: ReviewContext) -> None:
    personal = set()
    with seeded.sessions.begin() as s:
        for app in s.scalars(dashkit.select(dashkit.Application)):
            opened = seeded.sealer.open_values(app.values, app.id)
            personal |= {str(opened[k]) for k in ("name", "id_number", "date_of_birth")}
    shown = charts(seeded).values()
    text = repr([asdict(c) for c in shown]) + "".join(dashboard.as_csv(c) for c in shown)
    assert len(personal) > 30 and not [p for p in personal if p in text]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """Signing in replaces the cookie: one client serves every role."""
    tmp = tmp_path_factory.mktemp("dashboard-api")
    rt = make_runtime(tmp / "home", f"sqlite:///{tmp / 'dossier.db'}")
    ctx = make_context(rt)
    add_users(ctx, ("sup", "supervisor"), ("rev", "reviewer"), ("op", "operator"),
              ("aud", "auditor"))
    dashkit.post_form(rt, tmp, random.Random(5), "branch-007", "pep_edd")
    yield TestClient(create_app(ctx))
    rt.close()


def signed_in(client: TestClient, name: str) -> TestClient:
    response = client.post("/api/session", json={"name": name, "password": PASSWORD})
    assert response.status_code == 200
    return client


def test_only_supervisors_get_chart_data(client: TestClient) -> None:
    for role in ("rev", "op", "aud"):
        signed_in(client, role)
        assert client.get("/api/dashboard/charts/review_reasons").status_code == 403, role
        assert client.get("/api/dashboard/charts").status_code == 403, role
        assert client.get("/dashboard").status_code == 403, role
    client.cookies.clear()
    assert client.get("/api/dashboard/charts/review_reasons").status_code == 401


def test_a_chart_comes_as_json_or_csv(client: TestClient) -> None:
    signed_in(client, "sup")
    assert set(client.get("/api/dashboard/charts").json()["operations"]) >= {
        "documents_per_hour", "migration_progress"}
    data = client.get("/api/dashboard/charts/review_reasons").json()
    assert data["series"] == [{"name": "branch-007", "values": [1.0]}]
    response = client.get("/api/dashboard/charts/review_reasons?format=csv")
    assert response.headers["content-disposition"].endswith('filename="review_reasons.csv"')
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows == [["review_reasons", "branch-007"], [data["x"][0], "1"]]
    assert client.get("/api/dashboard/charts/nope").status_code == 404
    assert client.get("/api/dashboard/charts/review_reasons?format=xml").status_code == 422
