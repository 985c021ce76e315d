"""Turn a file into an `Extraction`: the public face of the layer."""

from __future__ import annotations

from extractors.engines import OcrEngines
from extractors.loader import LoadLimits
from extractors.ocr import FakeOcrEngine, OcrEngine, OcrResult, TesseractEngine, TesseractSettings
from extractors.pipeline import extract
from extractors.rapid import RapidOcrEngine, RapidSettings
from extractors.template import FieldSpec, FormTemplate, load_template
from extractors.types import Extraction, FieldReading

__all__ = [
    "Extraction",
    "FakeOcrEngine",
    "FieldReading",
    "FieldSpec",
    "FormTemplate",
    "LoadLimits",
    "OcrEngine",
    "OcrEngines",
    "OcrResult",
    "RapidOcrEngine",
    "RapidSettings",
    "TesseractEngine",
    "TesseractSettings",
    "extract",
    "load_template",
]
