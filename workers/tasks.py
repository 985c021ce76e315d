"""Dramatiq wiring: the broker from settings, and thin actors.

Actors are declared against an explicit broker (never the global one at
import time) and do one thing each: decode the message and call a plain
function of `workers.pipeline`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dramatiq
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import (
    AgeLimit,
    Callbacks,
    CurrentMessage,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)

from archive import ledger
from config.errors import RejectedInput
from config.settings import Settings
from workers.pipeline import process_document
from workers.resources import hand_back_free_memory
from workers.runtime import Runtime

log = logging.getLogger(__name__)

LIVE_QUEUE = "documents"


def make_broker(settings: Settings, *, queue_metrics: bool = False) -> dramatiq.Broker:
    """`queue_metrics`: Dramatiq's Prometheus middleware, for the worker
    processes of `dossier worker` only (it needs their process-boot event
    and the environment `workers.metrics.worker_environment` sets)."""
    w = settings.worker
    middleware = [
        AgeLimit(),
        TimeLimit(time_limit=backstop_seconds(settings) * 1000),
        ShutdownNotifications(),
        Callbacks(),
        Pipelines(),
        CurrentMessage(),
        Retries(max_retries=w.max_retries, min_backoff=w.min_backoff_ms,
                max_backoff=w.max_backoff_ms),
    ]
    if queue_metrics:
        from dramatiq.middleware.prometheus import Prometheus

        middleware.append(Prometheus())
    if settings.broker_url:
        from dramatiq.brokers.redis import RedisBroker

        return RedisBroker(url=settings.broker_url, middleware=middleware,
                           namespace=settings.broker_namespace,
                           heartbeat_timeout=int(w.heartbeat_timeout_seconds * 1000),
                           maintenance_chance=w.maintenance_chance)
    return StubBroker(middleware=middleware)


def backstop_seconds(settings: Settings) -> int:
    """Dramatiq's hard time limit, beyond the document budget plus one
    OCR call: it must never fire while Tesseract runs (see
    `workers.deadline`), only when something else hangs."""
    return settings.limits.seconds_per_document + settings.worker.ocr_timeout_seconds + 30


@dataclass(frozen=True)
class Actors:
    process: dramatiq.Actor[Any, Any]
    failed: dramatiq.Actor[Any, Any]

    def enqueue(self, document_id: str) -> None:
        self.process.send(document_id)


def declare_actors(broker: dramatiq.Broker, runtime: Callable[[], Runtime]) -> Actors:
    """Declare the actors on `broker`; `runtime` builds (once per process)
    the adapters they use."""

    def process(document_id: str) -> None:
        process_and_release(runtime(), document_id)

    def failed(message: dict[str, Any], retry_info: dict[str, Any]) -> None:
        document_id = message["args"][0]
        reason = f"gave up after {retry_info.get('retries')} retries: " + _last_error(message)
        with runtime().transaction() as session:
            doc = ledger.lock(session, document_id)
            if doc is not None and doc.state == "processing":
                ledger.mark_failed(session, doc, reason=reason)
        log.error("document %s failed: %s", document_id, reason)

    failed_actor = dramatiq.actor(failed, broker=broker, actor_name="document_failed",
                                  queue_name=LIVE_QUEUE, max_retries=10)
    process_actor = dramatiq.actor(process, broker=broker, actor_name="process_document",
                                   queue_name=LIVE_QUEUE, throws=(RejectedInput,),
                                   on_retry_exhausted="document_failed")
    return Actors(process_actor, failed_actor)


def process_and_release(rt: Runtime, document_id: str) -> None:
    """What a worker does with one message of any queue: the document, then
    the memory its page needed handed back before the next one."""
    try:
        process_document(rt, document_id)
    finally:
        hand_back_free_memory()


def _last_error(message: dict[str, Any]) -> str:
    tb = str(message.get("options", {}).get("traceback", "")).strip().splitlines()
    return tb[-1][:500] if tb else "unknown error"
