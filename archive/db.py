"""Engine and session set-up for SQLite (embedded) and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from archive import checkpoint
from archive.audit import HEAD_KEY, KEY_INFO

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and write-locking
    transactions so that concurrent workers serialise instead of failing."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True, future=True)


def _sqlite_engine(url: str) -> Engine:
    path = url.removeprefix("sqlite:///")
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE takes the write lock up front: a read-then-write
        # transaction (the audit chain head) cannot interleave with another.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_sessions(
    engine: Engine, checkpoint_file: Path | None = None, audit_key: bytes | None = None
) -> sessionmaker[Session]:
    """Sessions; with `checkpoint_file`, every commit that appended audit
    entries moves the out-of-database head checkpoint forward; with
    `audit_key`, audit hashes are keyed (see `archive.audit`)."""
    info = {KEY_INFO: audit_key} if audit_key else {}
    factory = sessionmaker(engine, expire_on_commit=False, info=info)
    if checkpoint_file is not None:
        _checkpoint_on_commit(factory, checkpoint_file)
    return factory


def _checkpoint_on_commit(factory: sessionmaker[Session], path: Path) -> None:
    @event.listens_for(factory, "after_commit")
    def _after_commit(session: Session) -> None:
        head = session.info.pop(HEAD_KEY, None)
        if head is not None:
            checkpoint.advance(path, checkpoint.Checkpoint(*head))

    @event.listens_for(factory, "after_rollback")
    def _after_rollback(session: Session) -> None:
        session.info.pop(HEAD_KEY, None)


def alembic_config(url: str) -> Config:
    # Imported here: worker processes only read and write the schema, and
    # Alembic would add ~11 MB to each of them.
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "heads") -> None:
    """Bring the schema up to `revision` (`dossier db upgrade`). "heads":
    independent branches of migrations (one per feature) all apply."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)
