"""A form template: geometry from layout.json, field types from form.yaml,
and the blank page that scans are registered against.

A new form is a new config folder; nothing here is specific to KYC-P01.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import yaml

from config.errors import ConfigurationError
from extractors.ink import TICK_MARGIN_PX, Zones
from extractors.types import Box, FieldKind

_KINDS: frozenset[str] = frozenset({"text", "comb", "choice", "signature"})


@dataclass(frozen=True)
class FieldSpec:
    """One field of the form, in 300-dpi pixels of the blank page."""

    key: str
    kind: FieldKind
    type: str
    label: str = ""
    box: Box | None = None
    cells: tuple[Box, ...] = ()
    options: tuple[tuple[str, Box], ...] = ()

    @property
    def zone(self) -> Box:
        """The smallest box holding the whole field (cells and options too)."""
        boxes = [b for b in (self.box, *self.cells, *(o[1] for o in self.options)) if b]
        return (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )


@dataclass(frozen=True)
class FormTemplate:
    """Everything the readers need to know about one form."""

    form_id: str
    width: int
    height: int
    dpi: int
    registration_marks: tuple[Box, ...]
    fields: tuple[FieldSpec, ...]
    blank_path: Path
    markers: tuple[str, ...] = ()

    @property
    def blank(self) -> np.ndarray:
        """The whole blank page, grayscale uint8, read from disk at each use:
        a worker keeps only what it derives from it (the alignment's
        thumbnail and features, `blank_zones`)."""
        image = cv2.imread(str(self.blank_path), cv2.IMREAD_GRAYSCALE)
        if image is None:
            raise ConfigurationError(f"cannot read blank form image {self.blank_path}")
        if image.shape != (self.height, self.width):
            raise ConfigurationError(
                f"blank {self.blank_path} is {image.shape[1]}x{image.shape[0]}, "
                f"layout says {self.width}x{self.height}"
            )
        return image

    @cached_property
    def blank_zones(self) -> Zones:
        """The blank around every field's zone, all the field readers crop."""
        return Zones.cut(self.blank, (spec.zone for spec in self.fields), TICK_MARGIN_PX)

    def field(self, key: str) -> FieldSpec:
        for spec in self.fields:
            if spec.key == key:
                return spec
        raise KeyError(key)

    @property
    def mark_centres(self) -> np.ndarray:
        """Registration mark centres as an (n, 2) float32 array."""
        return np.array(
            [((b[0] + b[2]) / 2, (b[1] + b[3]) / 2) for b in self.registration_marks],
            dtype=np.float32,
        )


def load_template(folder: Path) -> FormTemplate:
    """Read form.yaml and the layout it names; fail at start if inconsistent."""
    form = _read_yaml(folder / "form.yaml")
    layout = _read_json(folder / str(form.get("layout", "layout.json")))
    types = form.get("fields", {}) or {}
    page = layout["page"]
    fields = tuple(
        _field_spec(key, raw, types.get(key, {}) or {}) for key, raw in layout["fields"].items()
    )
    return FormTemplate(
        form_id=str(layout.get("form") or form.get("form")),
        width=int(page["width"]),
        height=int(page["height"]),
        dpi=int(page.get("dpi", 300)),
        registration_marks=tuple(_box(b) for b in layout.get("registration_marks", [])),
        fields=fields,
        blank_path=folder / str(form.get("blank", "blank.png")),
        markers=tuple(str(m) for m in form.get("markers", []) or []),
    )


def _field_spec(key: str, raw: dict[str, Any], meta: dict[str, Any]) -> FieldSpec:
    kind = raw.get("kind")
    if kind not in _KINDS:
        raise ConfigurationError(f"field {key!r} has unknown kind {kind!r}")
    return FieldSpec(
        key=key,
        kind=kind,
        type=str(meta.get("type", kind)),
        label=str(meta.get("label", "")),
        box=_box(raw["box"]) if "box" in raw else None,
        cells=tuple(_box(c) for c in raw.get("cells", [])),
        options=tuple((str(code), _box(b)) for code, b in raw.get("options", {}).items()),
    )


def _box(values: list[int]) -> Box:
    x0, y0, x1, y1 = (int(v) for v in values)
    return (x0, y0, x1, y1)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        return dict(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    except (OSError, yaml.YAMLError) as e:
        raise ConfigurationError(f"cannot read form definition {path}: {e}") from e


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as e:
        raise ConfigurationError(f"cannot read layout {path}: {e}") from e
