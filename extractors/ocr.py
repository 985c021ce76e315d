"""The OCR port, its Tesseract adapter and an in-memory fake.

Every Tesseract call in dossier goes through `TesseractEngine.read_text`:
one place that applies the thread limit and timeout and translates
failures into the error tree.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pytesseract

from config.errors import ConfigurationError, TransientFailure

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OcrResult:
    """Text read from one image and how sure the engine is (0..1)."""

    text: str
    confidence: float
    words: tuple[tuple[str, float], ...] = ()
    # One per entry of `words`, from engines that can tell (RapidOCR): how
    # sure the engine is of the letter whichever its case, for text whose
    # case is no content (an e-mail address: G 0.49 and g 0.48 is a sure g).
    either_case: tuple[float, ...] = ()


class OcrEngine(Protocol):
    """Reads the text in one small image (a field zone).

    Implementations MUST be safe to call repeatedly, MUST return
    confidence in [0, 1] and an empty text when nothing is recognised, and
    MUST raise only dossier errors (TransientFailure, ConfigurationError).
    """

    def read_text(
        self, image: np.ndarray, *, lang: str, psm: int, whitelist: str | None
    ) -> OcrResult: ...


@dataclass(frozen=True)
class TesseractSettings:
    """The slice of settings the Tesseract adapter needs."""

    timeout_s: float = 20.0
    oem: int = 1
    cmd: str | None = None
    languages: tuple[str, ...] = ("eng", "chi_sim")


class TesseractEngine:
    """OcrEngine backed by the tesseract binary via pytesseract."""

    def __init__(self, settings: TesseractSettings | None = None) -> None:
        self._settings = settings or TesseractSettings()
        if self._settings.cmd:
            pytesseract.pytesseract.tesseract_cmd = self._settings.cmd
        # Tesseract's OpenMP threads fight each other when the worker runs
        # several documents at once; one thread per call is faster overall.
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
        self._check_installation()

    def _check_installation(self) -> None:
        try:
            pytesseract.get_tesseract_version()
            installed = set(pytesseract.get_languages(config=""))
        except pytesseract.TesseractNotFoundError as e:
            raise ConfigurationError("tesseract binary not found; install tesseract-ocr") from e
        missing = [lang for lang in self._settings.languages if lang not in installed]
        if missing:
            raise ConfigurationError(f"tesseract language data missing: {', '.join(missing)}")

    def read_text(
        self, image: np.ndarray, *, lang: str, psm: int, whitelist: str | None
    ) -> OcrResult:
        config = f"--oem {self._settings.oem} --psm {psm}"
        if whitelist:
            config += f" -c tessedit_char_whitelist={whitelist}"
        try:
            data = pytesseract.image_to_data(
                image,
                lang=lang,
                config=config,
                timeout=self._settings.timeout_s,
                output_type=pytesseract.Output.DICT,
            )
        except pytesseract.TesseractNotFoundError as e:
            raise ConfigurationError("tesseract binary not found") from e
        except pytesseract.TesseractError as e:
            raise TransientFailure(f"tesseract failed (status {e.status})") from e
        except RuntimeError as e:
            # pytesseract signals its timeout with a bare RuntimeError.
            raise TransientFailure(f"tesseract timed out after {self._settings.timeout_s}s") from e
        return result_from_data(data)


def result_from_data(data: Mapping[str, Sequence[object]]) -> OcrResult:
    words: list[tuple[str, float]] = []
    lines: dict[tuple[int, int, int], list[str]] = {}
    for i, text in enumerate(data["text"]):
        word = str(text).strip()
        conf = float(str(data["conf"][i]))
        if not word or conf < 0:
            continue
        words.append((word, max(0.0, min(1.0, conf / 100))))
        line_key = (int(str(data["block_num"][i])), int(str(data["par_num"][i])),
                    int(str(data["line_num"][i])))
        lines.setdefault(line_key, []).append(word)
    text = "\n".join(" ".join(ws) for ws in lines.values())
    # Mean, not min: chi_sim routinely gives the last character of a line a
    # near-zero score even when it is right.
    confidence = sum(c for _, c in words) / len(words) if words else 0.0
    return OcrResult(text=text, confidence=confidence, words=tuple(words))


Script = Callable[[np.ndarray, str, int, str | None], OcrResult | str]


@dataclass
class FakeOcrEngine:
    """In-memory OcrEngine for unit tests.

    Answers come from `replies`, consumed in call order (a string means
    confidence `default_confidence`), or from `script` when given. Every
    call is recorded so tests can assert on lang/psm/whitelist.
    """

    replies: list[OcrResult | str] = field(default_factory=list)
    script: Script | None = None
    default_confidence: float = 0.95
    calls: list[dict[str, object]] = field(default_factory=list)

    def read_text(
        self, image: np.ndarray, *, lang: str, psm: int, whitelist: str | None
    ) -> OcrResult:
        self.calls.append({"shape": image.shape, "lang": lang, "psm": psm, "whitelist": whitelist})
        if self.script is not None:
            reply: OcrResult | str = self.script(image, lang, psm, whitelist)
        elif self.replies:
            reply = self.replies.pop(0)
        else:
            reply = ""
        if isinstance(reply, OcrResult):
            return reply
        return OcrResult(text=reply, confidence=self.default_confidence if reply else 0.0)
