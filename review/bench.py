"""`dossier bench review`: the queue page and the item page under a full
queue (default 10,000 items), measured over HTTP on the loopback.

Items are posted through the archive's ledger (sealed values, audit
entries) in batches; every document points at one stored scan so that the
set-up stays quick. Requests are signed in as a reviewer, as a browser
would be; the item page claims its lease, so it includes a write.
"""

from __future__ import annotations

import random
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from archive import ledger
from archive.ledger import Taken
from review import accounts
from review.context import ReviewContext
from review.serve import serve_in_thread
from validators.recheck import redecide

# A fictitious applicant (from the sample generator); each item varies it.
BASE_VALUES: dict[str, Any] = {
    "name": "上官永清", "gender": "F", "date_of_birth": "1981-01-18", "nationality": "CHN",
    "id_type": "resident_id", "id_number": "110101198101180180", "id_expiry": "2043-04-26",
    "mobile": "13837680477", "email": None, "address": "天津市和平区中山路169号锦绣苑12栋702室",
    "postal_code": "222426", "occupation": "教师", "employer": "联创安泰教育股份有限公司",
    "annual_income": "lt_100k", "financial_assets": 0.9, "source_of_funds": "salary",
    "tax_residency": "cn_only", "pep": "no", "account_class": "II", "signature": True,
    "sign_date": "2026-05-06",
}
_DEFECTS: tuple[dict[str, Any], ...] = (
    {"mobile": "12345"}, {"pep": "yes"}, {"signature": False}, {"address": None},
    {"id_number": "110101198101180181"}, {"gender": "M"},
)
CHANNELS = tuple(f"branch-{n:03d}" for n in range(1, 21))


@dataclass(frozen=True)
class Figures:
    name: str
    count: int
    p50_ms: float
    p95_ms: float
    max_ms: float

    def line(self, target_ms: float) -> str:
        verdict = "ok" if self.p95_ms < target_ms else "SLOW"
        return (f"{self.name:<11} n={self.count:<4} p50 {self.p50_ms:7.1f} ms   "
                f"p95 {self.p95_ms:7.1f} ms   max {self.max_ms:7.1f} ms   "
                f"(target p95 < {target_ms:.0f} ms: {verdict})")


def populate(ctx: ReviewContext, put: Callable[[Path], tuple[str, str]], scan: Path,
             count: int, progress: Callable[[int], None], batch: int = 500) -> list[str]:
    """Post `count` review items; returns their document ids."""
    key, _sha = put(scan)
    view = next(iter(ctx.forms.values()))
    rng, done, docs = random.Random(7), 0, []
    while done < count:
        with ctx.sessions.begin() as session:
            for _ in range(min(batch, count - done)):
                values = {**BASE_VALUES, **rng.choice(_DEFECTS)}
                confidences = {k: rng.choice((0.99, 0.97, 0.6)) for k in values}
                decision = redecide(values, confidences, view.policy, ctx.today())
                taken = Taken(uuid.uuid4().hex * 2, key, 1, rng.choice(CHANNELS), scan.name)
                doc, _dup = ledger.record_drop(session, taken)
                ledger.begin_processing(session, doc.id)
                ledger.post_decision(session, doc, decision, source_kind="scan", raw={},
                                     sealer=ctx.sealer, personal=view.policy.personal_fields)
                docs.append(doc.id)
                done += 1
        progress(done)
    _refresh_statistics(ctx)
    return docs


def _refresh_statistics(ctx: ReviewContext) -> None:
    """A database in service has planner statistics; a queue bulk-filled a
    second ago does not until autovacuum gets to it, and PostgreSQL would
    plan the queue's queries for an empty table."""
    with ctx.sessions.begin() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("ANALYZE"))


def _measure(client: httpx.Client, name: str, urls: list[str]) -> Figures:
    timings = []
    for url in urls:
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        response.raise_for_status()
    timings.sort()
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    return Figures(name, len(timings), statistics.median(timings), p95, timings[-1])


def _item_ids(client: httpx.Client, pages: int) -> list[str]:
    ids: list[str] = []
    for page in range(pages):
        data = client.get("/api/queue", params={"limit": 200, "offset": page * 200}).json()
        ids += [row["item_id"] for row in data["rows"]]
    return ids


def measure(ctx: ReviewContext, port: int, requests: int) -> list[Figures]:
    with ctx.sessions.begin() as session:
        password = accounts.generate_password()
        accounts.add_user(session, f"bench-{uuid.uuid4().hex[:6]}", "reviewer", password,
                          actor="bench")
        name = accounts.list_users(session)[-1].name
    stop = serve_in_thread(ctx, "127.0.0.1", port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            _wait(client)
            client.post("/api/session", json={"name": name, "password": password})
            rng = random.Random(11)
            ids = rng.sample(_item_ids(client, 10), k=min(requests, 2000))
            queue_urls = [_queue_url(rng) for _ in range(requests)]
            _measure(client, "warm-up", queue_urls[:20] + [f"/items/{i}" for i in ids[:20]])
            return [_measure(client, "queue page", queue_urls),
                    _measure(client, "item page", [f"/items/{i}" for i in ids[20:]])]
    finally:
        stop()


def _queue_url(rng: random.Random) -> str:
    choice = rng.random()
    if choice < 0.4:
        return "/queue"
    if choice < 0.6:
        return f"/queue?reason={rng.choice(('mobile_invalid', 'pep_edd', 'low_confidence'))}"
    if choice < 0.8:
        return f"/queue?channel={rng.choice(CHANNELS)}"
    return f"/queue?page={rng.randint(2, 150)}"


def _wait(client: httpx.Client) -> None:
    for _ in range(200):
        try:
            client.get("/login")
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError("the workspace did not start")
