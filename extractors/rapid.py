"""A second OCR engine behind the same port: RapidOCR's PP-OCRv4 recogniser.

Only the recogniser runs: the field readers already hand over one cleaned
line of ink, so text detection and angle classification would only cost
time. The ONNX model ships inside the `rapidocr-onnxruntime` wheel; nothing
is downloaded at run time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from config.errors import ConfigurationError, TransientFailure
from extractors.ocr import OcrResult

log = logging.getLogger(__name__)

REC_HEIGHT = 48  # the model's input height; taller crops are scaled down to it
MIN_WIDTH_RATIO = 4.0  # narrowest input, width over height (192 px at the model's height)


@dataclass(frozen=True)
class RapidSettings:
    """The slice of settings the RapidOCR adapter needs."""

    # One thread: parallelism comes from worker processes, as for Tesseract.
    threads: int = 1


class RapidOcrEngine:
    """OcrEngine backed by RapidOCR's text recogniser (ONNX Runtime, CPU).

    `lang` and `psm` are Tesseract notions and are ignored; a whitelist
    cannot steer the model, so characters outside it are kept (the caller's
    type checks judge them) but lower the confidence.
    """

    name = "rapidocr"

    def __init__(self, settings: RapidSettings | None = None) -> None:
        self._settings = settings or RapidSettings()
        self._recognise = _load_recogniser(self._settings)

    def read_text(
        self, image: np.ndarray, *, lang: str, psm: int, whitelist: str | None
    ) -> OcrResult:
        try:
            chars = self._characters(_as_line(image))
        except Exception as e:  # ONNX Runtime raises its own types; none are ours
            raise TransientFailure(f"rapidocr recogniser failed: {e}") from e
        text = "".join(c for c, _ in chars).strip()
        if not text:
            return OcrResult(text="", confidence=0.0)
        confidence = sum(p for _, p in chars) / len(chars)
        if whitelist and any(c not in whitelist and not c.isspace() for c in text):
            confidence *= 0.5
        # `words` holds one entry per character: the weakest character is
        # a sharper signal than the mean the library reports.
        return OcrResult(text=text, confidence=confidence, words=tuple(chars))

    def _characters(self, line: np.ndarray) -> list[tuple[str, float]]:
        """Greedy CTC decoding that keeps each character's probability."""
        rec = self._recognise
        # The model takes any width and its time grows with it. The library
        # pads every line to at least 320 px, mostly padding for a field of
        # a few characters; 192 px read the generated sets as well (narrower
        # still read short Chinese names worse) at about 0.8 of the time.
        ratio = max(MIN_WIDTH_RATIO, line.shape[1] / line.shape[0])
        batch = rec.resize_norm_img(line, ratio)[np.newaxis, :].astype(np.float32)
        probs = rec.session(batch)[0][0]  # (time steps, classes)
        best, best_p = probs.argmax(axis=1), probs.max(axis=1)
        alphabet = rec.postprocess_op.character
        chars: list[tuple[str, float]] = []
        previous = -1
        for index, p in zip(best.tolist(), best_p.tolist(), strict=True):
            if index != previous and index != 0:  # 0 is the CTC blank
                chars.append((alphabet[index], float(p)))
            previous = index
        return chars


def _as_line(image: np.ndarray) -> np.ndarray:
    """Three-channel crop about the model's height: the recogniser resizes
    anyway, but a huge crop wastes time in its own resampling."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if gray.shape[0] > 2 * REC_HEIGHT:
        factor = 2 * REC_HEIGHT / gray.shape[0]
        gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)


def _load_recogniser(settings: RapidSettings) -> Any:
    try:
        import rapidocr_onnxruntime
        import yaml
        from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer
    except ImportError as e:
        raise ConfigurationError(
            "rapidocr-onnxruntime is not installed; run `make venv` "
            "(it is installed with --no-deps beside opencv-python-headless)"
        ) from e
    package = Path(rapidocr_onnxruntime.__file__).parent
    config = yaml.safe_load((package / "config.yaml").read_text(encoding="utf-8"))["Rec"]
    config["model_path"] = str(package / config["model_path"])
    config["intra_op_num_threads"] = settings.threads
    config["inter_op_num_threads"] = settings.threads
    model = Path(config["model_path"])
    if not model.is_file():
        raise ConfigurationError(f"RapidOCR recogniser model missing: {model}")
    return TextRecognizer(config)
