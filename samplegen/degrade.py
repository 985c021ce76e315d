"""Scanner and phone defects: skew, shift, scale, blur, noise, uneven light,
lower resolution, upside-down pages.

All randomness comes from the caller's `random.Random` (noise from a numpy
generator seeded by it), so a seed reproduces the same pixels.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

Array = np.ndarray


@dataclass(frozen=True)
class Scan:
    """A degraded page and the resolution it now has."""

    pixels: Array  # uint8, H×W (grey) or H×W×3 (RGB)
    dpi: int


def to_array(page: Image.Image, grey: bool) -> Array:
    return np.asarray(page.convert("L") if grey else page)


def frame_scale(w: int, h: int, angle: float, shift: tuple[float, float]) -> float:
    """Largest scale at which the four registration marks stay on the page.

    A skewed sheet on a scanner bed is still captured whole; cutting a mark
    off would make a scan no branch ever sends.
    """
    inset = 0.024 * w  # outer corner of a mark: 60 px of 2480
    cos, sin = np.cos(np.radians(angle)), np.sin(np.radians(angle))
    half_w, half_h = w / 2 - inset, h / 2 - inset
    reach_x = abs(half_w * cos) + abs(half_h * sin)
    reach_y = abs(half_w * sin) + abs(half_h * cos)
    room_x = w / 2 - 4 - abs(shift[0])
    room_y = h / 2 - 4 - abs(shift[1])
    return float(min(room_x / reach_x, room_y / reach_y))


def warp(
    pixels: Array, angle: float, scale: float, shift: tuple[float, float], size: tuple[int, int]
) -> Array:
    """Rotate/scale about the centre, shift, and resample to `size` (w, h);
    the scale is reduced when needed to keep the page's marks in frame."""
    h, w = pixels.shape[:2]
    scale = min(scale, frame_scale(w, h, angle, shift))
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    # Map the source centre onto the centre of the (possibly smaller) output.
    matrix[0, 2] += (size[0] - w) / 2 + shift[0]
    matrix[1, 2] += (size[1] - h) / 2 + shift[1]
    white = (255, 255, 255) if pixels.ndim == 3 else 255
    return cv2.warpAffine(
        pixels,
        matrix,
        size,
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=white,
    )


def blur(pixels: Array, sigma: float) -> Array:
    return cv2.GaussianBlur(pixels, (0, 0), sigma) if sigma > 0 else pixels


def add_noise(pixels: Array, sigma: float, seed: int) -> Array:
    noise = np.random.default_rng(seed).normal(0.0, sigma, pixels.shape[:2]).astype(np.float32)
    if pixels.ndim == 3:
        noise = noise[:, :, None]
    return np.clip(pixels.astype(np.float32) + noise, 0, 255).astype(np.uint8)


def uneven_light(pixels: Array, rng: random.Random) -> Array:
    """Multiply by a linear gradient: one side of the page darker, as under a lamp."""
    h, w = pixels.shape[:2]
    darkest = rng.uniform(0.65, 0.85)
    angle = rng.uniform(0, 2 * np.pi)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    ramp = (xs / w - 0.5) * np.cos(angle) + (ys / h - 0.5) * np.sin(angle)
    ramp = (ramp - ramp.min()) / max(float(ramp.max() - ramp.min()), 1e-6)
    gain = 1.0 - (1.0 - darkest) * ramp
    if pixels.ndim == 3:
        gain = gain[:, :, None]
    return (pixels.astype(np.float32) * gain).astype(np.uint8)


def office(page: Image.Image, rng: random.Random) -> Scan:
    """A decent office scanner: 300 dpi, a little skew, shift, scale and blur."""
    pixels = to_array(page, grey=rng.random() < 0.5)
    h, w = pixels.shape[:2]
    shift = (rng.uniform(-30, 30), rng.uniform(-30, 30))
    pixels = warp(pixels, rng.uniform(-3, 3), rng.uniform(0.97, 1.03), shift, (w, h))
    return Scan(blur(pixels, rng.uniform(0.4, 1.0)), 300)


def rough(page: Image.Image, rng: random.Random, *, dpi: int = 200, shaded: bool = True) -> Scan:
    """A poor scan or phone capture: low resolution, strong skew, noise, and
    (`shaded`, phones and lids left open) uneven lighting."""
    pixels = to_array(page, grey=rng.random() < 0.6)
    h, w = pixels.shape[:2]
    factor = dpi / 300
    # Downsample first with area averaging: thin form lines survive it.
    small = cv2.resize(pixels, (round(w * factor), round(h * factor)), interpolation=cv2.INTER_AREA)
    sh, sw = small.shape[:2]
    shift = (rng.uniform(-25, 25), rng.uniform(-25, 25))
    pixels = warp(small, rng.uniform(-5, 5), rng.uniform(0.95, 1.04), shift, (sw, sh))
    pixels = blur(pixels, rng.uniform(0.5, 1.3))
    if shaded:
        pixels = uneven_light(pixels, rng)
    pixels = add_noise(pixels, rng.uniform(4, 12), rng.randrange(2**32))
    if rng.random() < 0.2:  # fed into the scanner the wrong way round
        pixels = np.ascontiguousarray(pixels[::-1, ::-1])
    return Scan(pixels, dpi)


def clean(page: Image.Image) -> Scan:
    return Scan(np.asarray(page), 300)
