"""Running the workspace: the context from the composition root's runtime,
uvicorn in the foreground (`dossier serve`) or in a thread (`dossier run`)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import uvicorn
from sqlalchemy.orm import Session, sessionmaker

from archive.records import Sealer
from review.context import FormView, ReviewContext
from review.settings import ReviewSettings

log = logging.getLogger(__name__)


class _Runtime(Protocol):
    """What the workspace uses of `workers.runtime.Runtime` (not imported:
    review/ sits before workers/ in the import order)."""

    @property
    def sessions(self) -> sessionmaker[Session]: ...

    @property
    def forms(self) -> Mapping[str, Any]: ...

    @property
    def sealer(self) -> Sealer: ...

    @property
    def store(self) -> Any: ...

    @property
    def today(self) -> Callable[[], Any]: ...

    @property
    def settings(self) -> Any: ...


def form_views(forms: Mapping[str, Any]) -> dict[str, FormView]:
    """Each configured form's policy and field zones (form.template, form.policy)."""
    views = {}
    for name, form in forms.items():
        template = form.template
        zones = {spec.key: spec.zone for spec in template.fields}
        views[name] = FormView(form.policy, zones, template.width, template.height, template)
    return views


def context_from(rt: _Runtime, settings: ReviewSettings | None = None) -> ReviewContext:
    return ReviewContext(
        sessions=rt.sessions,
        read_stored=rt.store.read_bytes,
        sealer=rt.sealer,
        forms=form_views(rt.forms),
        settings=settings or rt.settings.review,
        today=rt.today,
        metrics_dir=rt.settings.metrics_dir,
    )


def _server(ctx: ReviewContext, host: str, port: int) -> uvicorn.Server:
    from review.web.app import create_app

    config = uvicorn.Config(create_app(ctx), host=host, port=port, log_level="warning",
                            access_log=False, server_header=False)
    return uvicorn.Server(config)


def serve(ctx: ReviewContext, host: str, port: int) -> None:
    """Serve in the foreground until interrupted."""
    _server(ctx, host, port).run()


def serve_in_thread(ctx: ReviewContext, host: str, port: int) -> Callable[[], None]:
    """Serve from a daemon thread; returns the function that stops it."""
    server = _server(ctx, host, port)
    thread = threading.Thread(target=server.run, name="review-web", daemon=True)
    thread.start()
    log.info("review workspace on http://%s:%d/", host, port)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)

    return stop


def start_with_run(rt: _Runtime) -> Callable[[], None]:
    """The workspace beside `dossier run` (unless DOSSIER_REVIEW__WITH_RUN=false).
    A port already in use is logged, not fatal: the pipeline keeps running."""
    settings = rt.settings.review
    if not settings.with_run:
        return lambda: None
    try:
        return serve_in_thread(context_from(rt, settings), settings.host, settings.port)
    except OSError as exc:
        log.warning("review workspace not started on %s:%d: %s", settings.host,
                    settings.port, exc)
        return lambda: None
