"""The extraction recipe: file in, Extraction out.

    load ─┬─ digital PDF ──▶ read the text layer
          └─ scan ─────────▶ align to the blank ──▶ read each field
"""

from __future__ import annotations

import logging
from pathlib import Path

from extractors.align import Registration, register
from extractors.digital import read_digital
from extractors.fields import read_field
from extractors.ink import Zones
from extractors.loader import LoadedDocument, LoadLimits, load_document
from extractors.ocr import OcrEngine
from extractors.template import FormTemplate
from extractors.types import Extraction, FieldReading

log = logging.getLogger(__name__)


def extract(
    source: Path | bytes, template: FormTemplate, engine: OcrEngine,
    limits: LoadLimits | None = None,
) -> Extraction:
    """Read every field of `template` from the document at `source` (a
    path, or the file's bytes: the workers never write a decrypted copy).

    Raises RejectedInput when the file is not a readable instance of the form;
    TransientFailure / ConfigurationError come from the OCR engine.
    """
    document = load_document(source, limits or LoadLimits())
    if document.kind == "digital":
        return _extract_digital(document, template)
    assert document.image is not None  # the loader guarantees an image for scans
    registration = register(document.image, template)
    page = registration.warp_zones(document.image, template)
    pages = document.pages
    # The scan is not looked at again once its zones are warped: dropped
    # here, it is not held (~9 MB at 300 dpi) while fields are read.
    del document
    return _extract_scan(registration, page, pages, template, engine)


def _extract_digital(document: LoadedDocument, template: FormTemplate) -> Extraction:
    fields, text = read_digital(document.data, template)
    notes: tuple[str, ...] = ()
    if template.markers and not any(marker in text for marker in template.markers):
        notes = ("form markers not found in text layer",)
    return Extraction(template.form_id, "digital", document.pages, fields, text=text, notes=notes)


def _extract_scan(
    registration: Registration, page: Zones, pages: int, template: FormTemplate,
    engine: OcrEngine,
) -> Extraction:
    log.debug("aligned by %s, rotation %d, score %.2f",
              registration.method, registration.rotation, registration.score)
    fields: dict[str, FieldReading] = {
        spec.key: read_field(page, template.blank_zones, spec, engine)
        for spec in template.fields
    }
    notes = (
        f"aligned by {registration.method}",
        f"rotation {registration.rotation}",
        f"alignment score {registration.score:.2f}",
    )
    return Extraction(template.form_id, "scan", pages, fields, notes=notes)
