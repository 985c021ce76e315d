"""`dossier serve`, `dossier users …` and `dossier review …`.

Kept apart from cli/main.py so that the workspace's commands are one
import there; heavy imports stay inside the commands.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from review.accounts import Account
    from review.context import ReviewContext

users_app = typer.Typer(help="people who use the review workspace", no_args_is_help=True)
review_app = typer.Typer(help="the review queue from the command line", no_args_is_help=True)
UserOpt = Annotated[str, typer.Option("--user", "-u", help="act as this workspace user")]


def _context(*, migrate: bool = False) -> ReviewContext:
    from cli.main import _settings
    from review.serve import context_from
    from workers.runtime import build_runtime
    from workers.service import prepare_home

    settings = _settings()
    if migrate:  # `serve` and `ensure-admin` may be the first commands on a new home
        prepare_home(settings)
    return context_from(build_runtime(settings))


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def _reporting() -> Iterator[None]:
    from review.errors import ReviewError

    try:
        yield
    except ReviewError as exc:
        _fail(str(exc), 1)


def serve(
    host: Annotated[str | None, typer.Option(help="address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="port")] = None,
) -> None:
    """Serve the review workspace (default http://127.0.0.1:8000/)."""
    from review.serve import serve as run_server

    ctx = _context(migrate=True)
    host, port = host or ctx.settings.host, port or ctx.settings.port
    typer.echo(f"dossier: review workspace on http://{host}:{port}/ (Ctrl-C to stop)")
    run_server(ctx, host, port)


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="user name")],
    role: Annotated[str, typer.Option(help="operator|reviewer|supervisor|auditor|admin")],
    channel: Annotated[list[str] | None, typer.Option(help="operator's channels")] = None,
    generate: Annotated[bool, typer.Option(help="generate the password, print it once")] = False,
) -> None:
    """Add a user; the password is asked (or generated and printed once)."""
    from review import accounts

    password = accounts.generate_password() if generate else typer.prompt(
        "password", hide_input=True, confirmation_prompt=True)
    ctx = _context(migrate=True)
    with _reporting(), ctx.sessions.begin() as session:
        accounts.add_user(session, name, role, password, actor="cli", channels=tuple(channel or ()))
    typer.echo(f"user {name} ({role}) added")
    if generate:
        typer.echo(f"password (shown once): {password}")


@users_app.command("ensure-admin")
def users_ensure_admin() -> None:
    """Create `admin` with a generated password when there is no admin yet."""
    from review import accounts

    ctx = _context(migrate=True)
    with ctx.sessions.begin() as session:
        created = accounts.ensure_admin(session)
        admins = [a.name for a in accounts.list_users(session) if a.role == "admin"]
    if created is None:
        typer.echo(f"admin account exists ({', '.join(admins)})")
        return
    name, password = created
    host, port = ctx.settings.host, ctx.settings.port
    typer.echo(f"created admin user {name!r}; password (shown once): {password}")
    typer.echo(f"sign in at http://{host}:{port}/login and add reviewers under Users")


@users_app.command("list")
def users_list() -> None:
    from review import accounts

    ctx = _context()
    with ctx.sessions.begin() as session:
        for a in accounts.list_users(session):
            typer.echo(f"{a.name}\t{a.role}\t{','.join(a.channels)}")


def _account(ctx: ReviewContext, name: str) -> Account:
    from review import accounts

    with ctx.sessions.begin() as session:
        user = accounts.by_name(session, name)
        if user is None or not user.active:
            _fail(f"no active user {name!r}", 2)
        return accounts.account_of(user)  # type: ignore[arg-type]


@review_app.command("list")
def review_list(
    reason: Annotated[str | None, typer.Option()] = None,
    channel: Annotated[str | None, typer.Option()] = None,
    status: Annotated[str, typer.Option(help="open|awaiting_second")] = "open",
    limit: Annotated[int, typer.Option()] = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Queued items, oldest first, with their reasons."""
    from review.queue import QueueFilter, list_items

    ctx = _context()
    with ctx.sessions.begin() as session:
        rows, total = list_items(session, QueueFilter(reason, channel, None, status),
                                 ctx.now(), ctx.settings.sla_hours, limit)
    for r in rows:
        if as_json:
            typer.echo(json.dumps({"item": r.item_id, "document": r.document_id, "age_hours":
                                   r.age_hours, "sla": r.sla, "reasons": list(r.reasons),
                                   "channel": r.channel, "holder": r.holder}))
        else:
            typer.echo(f"{r.item_id}  {r.age_hours:>6}h {r.sla:<4} {r.channel:<14} "
                       f"{','.join(r.reasons)}")
    if not as_json:
        typer.echo(f"{len(rows)} of {total} {status} item(s)")


def _act(user: str, work: Any) -> Any:
    ctx = _context()
    account = _account(ctx, user)
    with _reporting(), ctx.sessions.begin() as session:
        return work(ctx, session, account)


@review_app.command("show")
def review_show(item: str, user: UserOpt) -> None:
    """One item's fields (masked), confidences and issues; claims it."""
    from review.items import open_item

    view = _act(user, lambda ctx, s, a: open_item(s, ctx, item, a))
    typer.echo(f"item {view.item_id}  {view.status}  {view.channel}/{view.original_name}")
    for f in view.fields:
        mark = "!" if f.flagged else " "
        codes = ",".join(i.code for i in f.issues)
        typer.echo(f"{mark} {f.key:<17} {f.shown!s:<28} {f.confidence:>5.2f}  {codes}")
    if view.four_eyes:
        typer.echo(f"four-eyes: {', '.join(view.four_eyes)}")


def _claimed(ctx: ReviewContext, session: Any, account: Account, item: str) -> None:
    from review.leases import claim

    claim(session, item, account, ctx.now(), ctx.settings.lease_minutes)


@review_app.command("correct")
def review_correct(item: str, field: str, value: str, user: UserOpt) -> None:
    """Correct one field (re-validated at once)."""
    from review import decisions

    def work(ctx: ReviewContext, s: Any, a: Account) -> Any:
        _claimed(ctx, s, a, item)
        return decisions.correct(s, ctx, item, a, field, value)

    out = _act(user, work)
    typer.echo(f"{field} corrected; remaining reasons: {', '.join(out.reasons) or 'none'}")


@review_app.command("approve")
def review_approve(item: str, user: UserOpt) -> None:
    """Approve (archives, or waits for a supervisor's second approval)."""
    from review import decisions

    def work(ctx: ReviewContext, s: Any, a: Account) -> Any:
        _claimed(ctx, s, a, item)
        return decisions.approve(s, ctx, item, a)

    out = _act(user, work)
    typer.echo(f"item {item}: {out.status}" + (f" ({', '.join(out.four_eyes)})"
                                                 if out.status == "awaiting_second" else ""))


@review_app.command("reject")
def review_reject(item: str, user: UserOpt,
                  reason: Annotated[str, typer.Option(help="why it goes back")]) -> None:
    """Return the form to the branch with a reason (never rejects the customer)."""
    from review import decisions

    def work(ctx: ReviewContext, s: Any, a: Account) -> Any:
        _claimed(ctx, s, a, item)
        return decisions.return_to_branch(s, ctx, item, a, reason)

    _act(user, work)
    typer.echo(f"item {item} returned to the branch")


def register(app: typer.Typer, bench_app: typer.Typer) -> None:
    app.command()(serve)
    bench_app.command("review")(bench_review)
    app.add_typer(users_app, name="users")
    app.add_typer(review_app, name="review")


def bench_review(
    items: Annotated[int, typer.Option(help="queued items to create")] = 10_000,
    requests: Annotated[int, typer.Option(help="requests per page kind")] = 300,
    home: Annotated[str | None, typer.Option(help="work here (default: a temporary folder)")]
    = None,
    database_url: Annotated[str | None, typer.Option(help="default: SQLite under home")]
    = None,
) -> None:
    """p95 of the queue page and the item page with a full queue (target < 200 ms)."""
    import tempfile
    import time
    from pathlib import Path

    from config.settings import Settings
    from review.bench import measure, populate
    from review.serve import context_from
    from workers.runtime import build_runtime
    from workers.service import prepare_home

    root = Path(home or tempfile.mkdtemp(prefix="dossier-bench-review-"))
    settings = Settings(home=root, database_url=database_url)
    prepare_home(settings)
    rt = build_runtime(settings)
    ctx = context_from(rt)
    scan = rt.default_form.template.blank_path
    typer.echo(f"creating {items} review items under {root} ({settings.resolved_database_url})")
    start = time.perf_counter()
    populate(ctx, lambda p: rt.store.put(p, move=False), scan, items,
             lambda n: typer.echo(f"  {n}/{items}", err=True) if n % 2000 == 0 else None)
    typer.echo(f"created in {time.perf_counter() - start:.0f} s; measuring")
    for figures in measure(ctx, _free_port(), requests):
        typer.echo(figures.line(200))
    rt.close()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
