"""`/metrics` after documents went through the real actors (StubBroker,
in process): decisions by channel match the ledger exactly, the stage and
OCR histograms counted every document and call; and histograms written
by another process (a worker) reach the workspace through the files."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
import textwrap
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from dramatiq import Worker
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import REGISTRY
from sqlalchemy import func, select

from archive.models import Document
from config.settings import Settings
from extractors.ocr import FakeOcrEngine
from inbox.scan import Candidate
from review.serve import context_from
from review.web.app import create_app
from samplegen import generate
from workers.intake import Intake
from workers.runtime import Runtime, build_runtime
from workers.service import prepare_home
from workers.tasks import declare_actors, make_broker

REFERENCE = dt.date(2026, 11, 1)
REPO = Path(__file__).resolve().parents[3]


def samples(metric: str, body: str) -> dict[tuple[tuple[str, str], ...], float]:
    """Every sample named `metric` in a scrape, keyed by its sorted labels."""
    found = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            if sample.name == metric:
                found[tuple(sorted(sample.labels.items()))] = sample.value
    return found


def recorded(metric: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(metric, labels) or 0.0


@pytest.fixture
def rt(tmp_path: Path) -> Iterator[Runtime]:
    settings = Settings(home=tmp_path / "home")
    prepare_home(settings)
    runtime = build_runtime(settings, ocr=FakeOcrEngine())
    runtime.today = lambda: REFERENCE
    yield runtime
    runtime.close()


def run_through_actors(rt: Runtime, drops: list[tuple[str, Path]]) -> None:
    broker = make_broker(rt.settings)
    actors = declare_actors(broker, lambda: rt)
    intake = Intake(rt, actors.enqueue)
    for channel, source in drops:
        folder = rt.settings.inbox_dir / channel
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, folder / source.name)
        intake.take(Candidate(channel, folder / source.name))
    worker = Worker(broker, worker_timeout=50)
    worker.start()
    try:
        broker.join("documents", fail_fast=True)
    finally:
        worker.stop()


def ledger_decisions(rt: Runtime) -> Counter[tuple[str, str]]:
    with rt.transaction() as session:
        rows = session.execute(select(Document.state, Document.channel, func.count())
                               .group_by(Document.state, Document.channel))
        return Counter({(state, channel): int(n) for state, channel, n in rows})


def test_metrics_after_an_end_to_end_run_count_every_decision_by_channel(
        rt: Runtime, tmp_path: Path) -> None:
    # Given digital forms (some with a defect), a scan read by a fake OCR,
    # a file that is no form, and one form dropped twice
    forms = generate(4, 21, tmp_path / "forms", qualities=["digital"],
                     reference_date=REFERENCE, defect_rate=0.5)
    junk = tmp_path / "notes.txt"
    junk.write_text("not a form")
    scan = next((REPO / "samples").glob("clean.png"))
    drops = [("branch-001", forms[0]), ("branch-001", forms[1]), ("branch-001", junk),
             ("branch-002", forms[2]), ("branch-002", forms[3]), ("branch-002", scan),
             ("branch-002", forms[0])]
    before = {stage: recorded("dossier_stage_seconds_count", stage=stage)
              for stage in ("extract", "validate", "store")}
    calls_before = recorded("dossier_ocr_call_seconds_count", engine="FakeOcrEngine")

    # When they go through the actors and Prometheus scrapes the workspace
    run_through_actors(rt, drops)
    with TestClient(create_app(context_from(rt))) as client:
        response = client.get("/metrics")

    # Then the decisions by channel are exactly the ledger's (the duplicate
    # is one document), and the histograms saw each document and OCR call
    assert response.status_code == 200
    decided = samples("dossier_documents_decided_total", response.text)
    by_label = Counter({(dict(k)["decision"], dict(k)["channel"]): int(v)
                        for k, v in decided.items()})
    assert by_label == ledger_decisions(rt)
    assert sum(by_label.values()) == len({p for _c, p in drops})
    assert by_label[("quarantined", "branch-001")] == 1
    decided_forms = sum(n for (state, _c), n in by_label.items() if state != "quarantined")
    for stage in ("extract", "validate", "store"):
        after = recorded("dossier_stage_seconds_count", stage=stage)
        assert after - before[stage] == decided_forms
    fake = rt.ocr.inner.inner  # DeadlineOcr → MeteredOcr → the fake
    assert isinstance(fake, FakeOcrEngine) and fake.calls
    ocr_calls = recorded("dossier_ocr_call_seconds_count", engine="FakeOcrEngine")
    assert ocr_calls - calls_before == len(fake.calls)
    waiting = samples("dossier_review_backlog", response.text)
    assert waiting[(("status", "open"),)] == sum(
        n for (state, _c), n in by_label.items() if state == "review")
    assert samples("dossier_quarantined_documents", response.text) == {(): 1.0}
    # And the sample Grafana dashboard asks only for metrics the scrape has
    grafana = (REPO / "docs" / "grafana" / "dossier.json").read_text("utf-8")
    wanted = set(re.findall(r"dossier_[a-z_]+", grafana))
    scraped = {s.name for f in text_string_to_metric_families(response.text) for s in f.samples}
    assert wanted and wanted <= scraped


WORKER = """
import sys
from pathlib import Path
from extractors.ocr import FakeOcrEngine
from workers import metrics
metrics.record_under(Path(sys.argv[1]))
with metrics.timed("validate"):
    pass
engine = metrics.metered(FakeOcrEngine(replies=["甲", "乙", ""]))
for _ in range(3):
    engine.read_text(__import__("numpy").zeros((4, 4)), lang="chi_sim", psm=7, whitelist=None)
"""


def test_histograms_of_another_process_reach_the_workspace_through_the_files(
        rt: Runtime) -> None:
    # Given a worker process that recorded under the home's metrics folder
    subprocess.run([sys.executable, "-c", textwrap.dedent(WORKER),
                    str(rt.settings.metrics_dir)], check=True, cwd=REPO, timeout=60)

    # When the workspace (another process) is scraped
    with TestClient(create_app(context_from(rt))) as client:
        body = client.get("/metrics").text

    # Then it serves that process's histograms, read from its files
    assert samples("dossier_stage_seconds_count", body) == {(("stage", "validate"),): 1.0}
    calls = samples("dossier_ocr_call_seconds_count", body)
    assert calls == {(("engine", "FakeOcrEngine"),): 3.0}
    low = samples("dossier_ocr_confidence_bucket", body)
    assert low[(("engine", "FakeOcrEngine"), ("le", "0.1"))] == 1.0  # the empty reply
