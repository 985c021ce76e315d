"""Tesseract through its C++ API (tesserocr), models loaded once per thread.

The command-line adapter (`extractors.ocr.TesseractEngine`) starts a
`tesseract` process for every field, and each process spends most of its
time loading the language model again: a field costs ~0.4 s of which the
recognition itself is a small part. Here each worker thread keeps one
loaded engine per language string and only hands it new pixels, which
makes a scanned page several times faster with the same models and the
same answers format (`OcrResult`).

An engine instance is not thread-safe, so instances are per thread; the
workers run one thread per process by default, so that is one set of
models per process.
"""

from __future__ import annotations

import csv
import io
import logging
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from config.errors import ConfigurationError, TransientFailure
from extractors.ocr import OcrResult, result_from_data

log = logging.getLogger(__name__)

DEFAULT_TESSDATA = "/usr/share/tesseract-ocr/5/tessdata"


@dataclass(frozen=True)
class TessApiSettings:
    """The slice of settings the library adapter needs."""

    timeout_s: float = 20.0
    tessdata: str = DEFAULT_TESSDATA
    languages: tuple[str, ...] = ("eng", "chi_sim")


class TesseractApiEngine:
    """OcrEngine backed by libtesseract in this process (tesserocr)."""

    name = "tesseract"

    def __init__(self, settings: TessApiSettings | None = None) -> None:
        self._settings = settings or TessApiSettings()
        self._tesserocr = _import_tesserocr()
        self._local = threading.local()
        self._check_languages()

    def _check_languages(self) -> None:
        _, installed = self._tesserocr.get_languages(self._settings.tessdata)
        missing = [lang for lang in self._settings.languages if lang not in installed]
        if missing:
            raise ConfigurationError(
                f"tesseract language data missing in {self._settings.tessdata}: "
                f"{', '.join(missing)}")

    def read_text(
        self, image: np.ndarray, *, lang: str, psm: int, whitelist: str | None
    ) -> OcrResult:
        api = self._api(lang)
        api.SetPageSegMode(psm)
        # Set on every call, empty included: a whitelist left over from the
        # previous field would silently censor this one.
        api.SetVariable("tessedit_char_whitelist", whitelist or "")
        pixels = np.ascontiguousarray(image, dtype=np.uint8)
        # Raw bytes: SetImage would encode the array as a BMP first.
        depth = 1 if pixels.ndim == 2 else pixels.shape[2]
        api.SetImageBytes(pixels.tobytes(), pixels.shape[1], pixels.shape[0], depth,
                          pixels.shape[1] * depth)
        try:
            if not api.Recognize(timeout=int(self._settings.timeout_s * 1000)):
                raise TransientFailure(
                    f"tesseract timed out after {self._settings.timeout_s:g}s")
            tsv = api.GetTSVText(0)
        finally:
            api.Clear()
        return result_from_data(_parse_tsv(tsv))

    def _api(self, lang: str) -> Any:
        apis: dict[str, Any] = self._local.__dict__.setdefault("apis", {})
        if lang not in apis:
            apis[lang] = self._open(lang)
        return apis[lang]

    def _open(self, lang: str) -> Any:
        t = self._tesserocr
        try:
            api = t.PyTessBaseAPI(path=self._settings.tessdata, lang=lang,
                                  oem=t.OEM.LSTM_ONLY)
        except RuntimeError as e:
            raise ConfigurationError(f"tesseract could not load {lang!r}: {e}") from e
        # Zones are always dark ink on white (extractors.ink makes them so):
        # Tesseract's second pass over an inverted copy of every unsure line
        # could only cost time.
        api.SetVariable("tessedit_do_invert", "0")
        return api


_TSV_COLUMNS = ("level", "page_num", "block_num", "par_num", "line_num", "word_num",
                "left", "top", "width", "height", "conf", "text")


def _parse_tsv(tsv: str) -> dict[str, list[str]]:
    """The API's TSV (no header line) as the column dict `image_to_data` gives."""
    data: dict[str, list[str]] = {column: [] for column in _TSV_COLUMNS}
    for row in csv.reader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if len(row) < len(_TSV_COLUMNS):
            row = row + [""] * (len(_TSV_COLUMNS) - len(row))
        for column, value in zip(_TSV_COLUMNS, row, strict=False):
            data[column].append(value)
    return data


def _import_tesserocr() -> Any:
    try:
        import tesserocr
    except ImportError as e:
        raise ConfigurationError(
            "tesserocr is not installed; run `make venv` or set DOSSIER_OCR_BACKEND=command"
        ) from e
    return tesserocr
