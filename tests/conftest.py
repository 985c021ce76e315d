from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from services import fresh_database, postgres_server, redis_server

REPO = Path(__file__).resolve().parents[1]
SHARED_EXAMPLES = REPO.parent / "shared" / "forms" / "KYC-P01" / "examples"

# Tesseract's own threads slow a page down on small machines: processes
# give the parallelism.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="session")
def postgres_admin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with postgres_server(tmp_path_factory.mktemp("pg")) as dsn:
        yield dsn


@pytest.fixture
def postgres_url(postgres_admin: str) -> Iterator[str]:
    with fresh_database(postgres_admin) as dsn:
        yield dsn


@pytest.fixture
def shared_examples() -> Path:
    if not SHARED_EXAMPLES.is_dir():
        pytest.skip(f"shared examples not present at {SHARED_EXAMPLES}")
    return SHARED_EXAMPLES


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each archive test runs on the embedded SQLite and on real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'dossier.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def sealer(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Field encryption under a fresh key file of this test's own."""
    from archive.crypto import BlindIndex, FieldCipher, Keyring
    from archive.records import Sealer

    keyring = Keyring.open_or_create(tmp_path / "keys" / "test.keys")
    return Sealer(FieldCipher(keyring), BlindIndex(keyring))
