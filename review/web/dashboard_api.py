"""The dashboard's chart data (supervisors and up), as JSON for the
browser or CSV for a spreadsheet, and `/metrics` for Prometheus."""

from __future__ import annotations

from dataclasses import asdict
from typing import Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.concurrency import run_in_threadpool

from review import dashboard, metrics
from review.web.security import CanDashboard, context

router = APIRouter(tags=["dashboard"])


@router.get("/api/dashboard/charts")
def list_charts(who: CanDashboard) -> dict[str, list[str]]:
    return {"operations": list(dashboard.OPERATIONS),
            "customers": list(dashboard.CUSTOMER_BASE)}


@router.get("/api/dashboard/charts/{name}")
def get_chart(who: CanDashboard, name: str, request: Request,
              format: Literal["json", "csv"] = "json") -> Response:
    ctx = context(request)
    with ctx.sessions.begin() as session:
        chart = dashboard.build(session, name, ctx.now(), ctx.settings.sla_hours)
    if format == "csv":
        return Response(dashboard.as_csv(chart), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    return JSONResponse(asdict(chart))


@router.get("/metrics", include_in_schema=False)
async def prometheus_metrics(request: Request) -> Response:
    """No sign-in: counts and timings only, no personal data. The
    workspace listens on 127.0.0.1 unless told otherwise."""
    body = await run_in_threadpool(metrics.exposition, context(request))
    return Response(body, media_type=CONTENT_TYPE_LATEST)
