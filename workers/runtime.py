"""The composition root: concrete adapters built once from settings.

Everything a stage needs travels in one `Runtime`; nothing below `workers/`
reads settings or the environment itself.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import yaml
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from archive.crypto import BlindIndex, FieldCipher, FileCipher, Keyring
from archive.db import make_engine, make_sessions
from archive.records import Sealer
from archive.store import DirectoryStore
from config.errors import ConfigurationError, TransientFailure
from config.settings import Settings
from extractors import words
from extractors.engines import OcrEngines
from extractors.loader import LoadLimits
from extractors.ocr import OcrEngine, TesseractEngine, TesseractSettings
from extractors.rapid import RapidOcrEngine
from extractors.template import FormTemplate, load_template
from extractors.tessapi import TessApiSettings, TesseractApiEngine
from validators.policy import FormPolicy, load_policy
from workers.deadline import DeadlineOcr
from workers.metrics import metered


@dataclass(frozen=True)
class Form:
    """One configured form: how to read it and which rules apply."""

    template: FormTemplate
    policy: FormPolicy


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    store: DirectoryStore
    forms: dict[str, Form]
    ocr: OcrEngine
    limits: LoadLimits
    sealer: Sealer
    today: Callable[[], dt.date] = field(default=dt.date.today)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction; a database that cannot be reached raises
        `TransientFailure` (retried with backoff), never a driver error."""
        try:
            with self.sessions.begin() as session:
                yield session
        except (OperationalError, InterfaceError, PoolTimeout) as exc:
            raise DatabaseUnavailable(_short(exc)) from exc
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            raise DatabaseUnavailable(_short(exc)) from exc

    @property
    def default_form(self) -> Form:
        return self.forms[self.settings.default_form]

    def close(self) -> None:
        self.engine.dispose()


def build_runtime(settings: Settings, ocr: OcrEngine | None = None) -> Runtime:
    engine = make_engine(settings.resolved_database_url)
    keyring = Keyring.open_or_create(settings.resolved_key_file)
    return Runtime(
        settings=settings,
        engine=engine,
        sessions=make_sessions(
            engine, settings.audit_checkpoint_file, keyring.material.audit_key
        ),
        store=DirectoryStore(settings.store_dir, FileCipher(keyring)),
        sealer=Sealer(FieldCipher(keyring), BlindIndex(keyring)),
        forms=load_forms(settings.forms_dir),
        ocr=DeadlineOcr(metered(ocr or build_ocr(settings))),
        limits=LoadLimits(
            max_bytes=settings.limits.max_bytes,
            max_pixels=settings.limits.max_pixels,
            max_pages=settings.limits.max_pages,
        ),
    )


def build_ocr(settings: Settings) -> OcrEngine:
    """The OCR engines the field readers use (also built by each bench process)."""
    # Parallelism comes from worker processes: OpenCV's own thread pool
    # would only fight the other worker for the same cores.
    cv2.setNumThreads(1)
    # One Tesseract call never outlives the document's whole budget.
    timeout = min(settings.worker.ocr_timeout_seconds, settings.limits.seconds_per_document)
    tesseract: OcrEngine
    if settings.ocr_backend == "library":
        tesseract = TesseractApiEngine(TessApiSettings(timeout_s=timeout,
                                                       tessdata=settings.tessdata_dir))
    else:
        tesseract = TesseractEngine(TesseractSettings(cmd=settings.tesseract_cmd,
                                                      timeout_s=timeout))
    words.preload()
    # RapidOCR is the independent second reading the field readers vote with.
    return OcrEngines(primary=tesseract, second=RapidOcrEngine())


class DatabaseUnavailable(TransientFailure):
    code = "database_unavailable"


def _short(exc: Exception) -> str:
    first = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return "database unavailable: " + (first[0][:300] if first else type(exc).__name__)


def load_forms(forms_dir: Path) -> dict[str, Form]:
    """Every folder under `forms_dir` with a form.yaml is a form."""
    forms = {}
    for folder in sorted(p for p in forms_dir.iterdir() if (p / "form.yaml").is_file()):
        form_def = _read_yaml(folder / "form.yaml")
        rules = _read_yaml(folder / str(form_def.get("rules", "rules.yaml")))
        template = load_template(folder)
        forms[template.form_id] = Form(template, load_policy(form_def, rules))
    if not forms:
        raise ConfigurationError(f"no form definitions found under {forms_dir}")
    return forms


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigurationError(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigurationError(f"{path} must hold a mapping")
    return data
