"""Two independent OCR engines handed to the field readers as one.

`OcrEngines` is itself an `OcrEngine` (it answers with the primary), so
callers that know of one engine only, and the unit tests' fake, keep
working; readers that can use a second opinion ask for `second`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from extractors.ocr import OcrEngine, OcrResult


@dataclass(frozen=True)
class OcrEngines:
    """The primary engine (Tesseract) and an optional independent second one."""

    primary: OcrEngine
    second: OcrEngine | None = None
    primary_name: str = "tesseract"
    second_name: str = "rapidocr"

    def read_text(
        self, image: np.ndarray, *, lang: str, psm: int, whitelist: str | None
    ) -> OcrResult:
        return self.primary.read_text(image, lang=lang, psm=psm, whitelist=whitelist)


def as_engines(engine: OcrEngine) -> OcrEngines:
    """Any engine as a bundle; a lone engine has no second opinion.

    A wrapper around a bundle (e.g. the workers' per-document deadline
    guard, which exposes what it wraps as `inner`) stays the primary, so
    its checks still apply, and the bundle's second engine is used beside it.
    """
    if isinstance(engine, OcrEngines):
        return engine
    bundle = _wrapped_bundle(engine)
    if bundle is not None:
        return OcrEngines(engine, bundle.second, bundle.primary_name, bundle.second_name)
    return OcrEngines(primary=engine, primary_name=str(getattr(engine, "name", "tesseract")))


def _wrapped_bundle(engine: object) -> OcrEngines | None:
    for _ in range(4):  # wrappers of wrappers, but never an endless chain
        engine = getattr(engine, "inner", None)
        if engine is None:
            return None
        if isinstance(engine, OcrEngines):
            return engine
    return None
