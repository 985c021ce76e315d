from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from reviewkit import add_users, make_context, make_runtime

from review.context import ReviewContext
from workers.runtime import Runtime


@pytest.fixture
def rt(tmp_path: Path, database_url: str) -> Iterator[Runtime]:
    runtime = make_runtime(tmp_path / "home", database_url)
    yield runtime
    runtime.close()


@pytest.fixture
def sqlite_rt(tmp_path: Path) -> Iterator[Runtime]:
    runtime = make_runtime(tmp_path / "home", f"sqlite:///{tmp_path / 'dossier.db'}")
    yield runtime
    runtime.close()


@pytest.fixture
def ctx(rt: Runtime) -> ReviewContext:
    context = make_context(rt)
    add_users(context, ("rev1", "reviewer"), ("rev2", "reviewer"), ("sup1", "supervisor"),
              ("sup2", "supervisor"), ("aud", "auditor"), ("adm", "admin"), ("op", "operator"))
    return context
