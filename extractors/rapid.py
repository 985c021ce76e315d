"""A second OCR engine behind the same port: RapidOCR's PP-OCRv4 recogniser.

Only the recogniser runs: the field readers already hand over one cleaned
line of ink, so text detection and angle classification would only cost
time. The ONNX model (and its alphabet, in the model's metadata) ships
inside the `rapidocr-onnxruntime` wheel; nothing is downloaded at run time.
The model is run here directly on ONNX Runtime: the wheel's own pipeline
would import its detector's geometry libraries and build the session with
settings that hold more memory (~20 MB a worker) for no gain in speed.
"""

from __future__ import annotations

import importlib.util
import logging
import math
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
MODEL = "models/ch_PP-OCRv4_rec_infer.onnx"  # inside the wheel's package folder


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
        self._session = _load_session(self._settings)
        self._input = self._session.get_inputs()[0].name
        # CTC classes: 0 is the blank, then the model's alphabet, then space.
        self._alphabet = ["", *_alphabet_of(self._session), " "]
        self._other_case = _other_case_classes(self._alphabet)

    def read_text(
        self, image: np.ndarray, *, lang: str, psm: int, whitelist: str | None
    ) -> OcrResult:
        try:
            chars, either_case = self._characters(_as_line(image))
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
        return OcrResult(text=text, confidence=confidence, words=tuple(chars),
                         either_case=either_case)

    def _characters(self, line: np.ndarray) -> tuple[list[tuple[str, float]], tuple[float, ...]]:
        """Greedy CTC decoding that keeps each character's probability, and
        its probability whichever its case."""
        batch = _model_input(line)[np.newaxis, :]
        probs = self._session.run(None, {self._input: batch})[0][0]  # (time steps, classes)
        steps = ctc_steps(probs)
        chars = [(self._alphabet[index], float(probs[step, index])) for index, step in steps]
        return chars, tuple(self._either_case(probs[step], index) for index, step in steps)

    def _either_case(self, step_probs: np.ndarray, index: int) -> float:
        other = self._other_case[index]
        return float(step_probs[index] + (step_probs[other] if other else 0.0))


def _other_case_classes(alphabet: list[str]) -> list[int]:
    """For each class, the class of the same letter in the other case (0,
    the blank, for anything else)."""
    index = {ch: i for i, ch in enumerate(alphabet) if ch}
    return [index.get(ch.swapcase(), 0) if len(ch) == 1 and ch.isascii() and ch.isalpha()
            else 0 for ch in alphabet]


def ctc_steps(probs: np.ndarray) -> list[tuple[int, int]]:
    """Greedy CTC decoding of a (time steps, classes) matrix: each
    character's class and its surest time step, whose probability is the
    character's.

    A character spans a run of time steps, and at the run's edge the model
    splits its belief between the character and the blank (0.55 `8`, 0.44
    blank, then 1.0 `8`): that is doubt about where the character starts,
    not about which it is. The first step alone (the wheel's own decoder
    reports it) was the weakest character of 8 of the 11 agreed but unsure
    Chinese fields on seed 7001's reviewed forms. Doubt between characters
    (媒 0.65 against 蝶 0.35 in a one-step run) shows at every step of the
    run and stays."""
    best = probs.argmax(axis=1).tolist()
    runs: list[tuple[int, int]] = []
    previous = 0
    for step, index in enumerate(best):
        if index != 0 and index == previous:  # the same run: keep its surest step
            if probs[step, index] > probs[runs[-1][1], index]:
                runs[-1] = (index, step)
        elif index != 0:  # 0 is the CTC blank
            runs.append((index, step))
        previous = index
    return runs


def _as_line(image: np.ndarray) -> np.ndarray:
    """Three-channel crop about the model's height: the recogniser resizes
    anyway, but a huge crop wastes time in its own resampling."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if gray.shape[0] > 2 * REC_HEIGHT:
        factor = 2 * REC_HEIGHT / gray.shape[0]
        gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)


def _model_input(line: np.ndarray) -> np.ndarray:
    """The line scaled to the model's height, values in [-1, 1], channels
    first, padded on the right to at least MIN_WIDTH_RATIO x the height.

    The model takes any width and its time grows with it. The wheel pads
    every line to at least 320 px, mostly padding for a field of a few
    characters; 192 px read the generated sets as well (narrower still
    read short Chinese names worse) at about 0.8 of the time.
    """
    ratio = line.shape[1] / line.shape[0]
    input_width = int(REC_HEIGHT * max(MIN_WIDTH_RATIO, ratio))
    width = min(math.ceil(REC_HEIGHT * ratio), input_width)
    scaled = cv2.resize(line, (width, REC_HEIGHT)).astype(np.float32)
    scaled = (scaled.transpose((2, 0, 1)) / 255 - 0.5) / 0.5
    padded = np.zeros((3, REC_HEIGHT, input_width), dtype=np.float32)
    padded[:, :, :width] = scaled
    return padded


def _package_folder() -> Path:
    """The wheel's folder, found without importing it (its __init__ loads
    the whole detection pipeline)."""
    spec = importlib.util.find_spec("rapidocr_onnxruntime")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigurationError(
            "rapidocr-onnxruntime is not installed; run `make venv` "
            "(it is installed with --no-deps beside opencv-python-headless)")
    return Path(next(iter(spec.submodule_search_locations)))


def _load_session(settings: RapidSettings) -> Any:
    import onnxruntime as ort

    model = _package_folder() / MODEL
    if not model.is_file():
        raise ConfigurationError(f"RapidOCR recogniser model missing: {model}")
    options = ort.SessionOptions()
    options.log_severity_level = 3
    options.intra_op_num_threads = settings.threads
    options.inter_op_num_threads = settings.threads
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Memory, not speed: no arena kept between calls, no second, pre-packed
    # copy of the weights, no buffers planned ahead for a width seen once
    # (measured: the same speed, ~13 MB less a worker).
    options.enable_cpu_mem_arena = False
    options.enable_mem_pattern = False
    options.add_session_config_entry("session.disable_prepacking", "1")
    return ort.InferenceSession(str(model), sess_options=options,
                                providers=["CPUExecutionProvider"])


def _alphabet_of(session: Any) -> list[str]:
    metadata = session.get_modelmeta().custom_metadata_map
    if "character" not in metadata:
        raise ConfigurationError("RapidOCR recogniser model carries no alphabet")
    return str(metadata["character"]).splitlines()
