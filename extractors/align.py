"""Register a scanned page onto the blank form.

Order of attempts, cheapest and most exact first: the four corner
registration squares (affine fit), then ORB features against the blank.
Each candidate orientation is warped and compared with the blank; the
best correlation wins, which is how upside-down pages are told apart from
upright ones (the corner squares alone are symmetric under 180 degrees).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from config.errors import RejectedInput
from extractors.ink import Zones
from extractors.template import FormTemplate

log = logging.getLogger(__name__)

# Scale of the thumbnails used for scoring and refinement. ECC's buffers
# grow with the thumbnail (~70 bytes a pixel): at 0.25 they were a worker's
# largest transient (+39 MB); at 0.18, +20 MB, with registration marks
# landing 0.26 px from their place on average (0.16 at 0.25; 0.64 at 0.125).
LOW = 0.18
MIN_SCORE = 0.35  # blank-vs-page correlation below which a fit is not this form
GOOD_SCORE = 0.6  # a fit this good needs no feature-matching fallback
MAX_MARK_RESIDUAL_PX = 12.0
CLOSE_CALL = 0.1  # coarse scores this near the best are refined too
# ECC stops when an iteration moves the fit by less than this (thumbnail
# pixels), or after this many: from a registration-mark fit it converges in
# a few; measured on 40 generated scans, 60 iterations at 1e-5 moved no
# page corner more than 0.21 px further than 20 at 1e-3, at 3× the cost.
ECC_ITERATIONS = 20
ECC_EPSILON = 1e-3


@dataclass(frozen=True)
class Registration:
    """Where a scan lies on the blank: `matrix` maps scan pixels to blank
    pixels (a turn of the page included)."""

    matrix: np.ndarray
    rotation: int
    method: str
    score: float

    def warp_page(self, scan: np.ndarray, template: FormTemplate) -> np.ndarray:
        """The whole scan warped onto the blank."""
        return cv2.warpAffine(scan, self.matrix, (template.width, template.height),
                              flags=cv2.INTER_LINEAR, borderValue=255)

    def warp_zones(self, scan: np.ndarray, template: FormTemplate) -> Zones:
        """Only what the field readers crop of that page: a third of its
        pixels, so a worker never holds the scan and the whole registered
        page at once (~9 MB each at 300 dpi)."""
        return template.blank_zones.warped(scan, self.matrix)


@dataclass(frozen=True)
class Alignment(Registration):
    """A registration with the whole page warped (what a reviewer is shown)."""

    page: np.ndarray


class Page:
    """The scan being registered, never turned or copied whole: a turned
    300-dpi page is another ~9 MB, made again by every OpenCV call that
    reads a turned view. Every fit maps the scan's own pixels onto the
    blank, so a half or quarter turn is part of the matrix, and the page
    is warped once, at the end.

    Its thumbnail is made once and reused by every score and by the
    refinement: downscaling the full page is the costly part of each.
    """

    def __init__(self, scan: np.ndarray) -> None:
        self.scan = scan
        self._thumbnail: tuple[float, np.ndarray] | None = None

    def thumbnail(self, matrix: np.ndarray) -> tuple[float, np.ndarray]:
        """The scan scaled by q, about the thumbnails' resolution once
        warped by `matrix` (the first fit sets q; later ones adapt to it)."""
        if self._thumbnail is None:
            q = min(1.0, LOW * float(np.sqrt(abs(np.linalg.det(matrix[:, :2])))))
            small = cv2.resize(self.scan, None, fx=q, fy=q, interpolation=cv2.INTER_AREA)
            self._thumbnail = (q, small)
        return self._thumbnail


Fit = tuple[float, int, np.ndarray, str]  # score, rotation, matrix (scan -> blank), method
Candidate = tuple[int, np.ndarray | None, str]  # rotation, matrix or None, method


def align_page(image: np.ndarray, template: FormTemplate) -> Alignment:
    """Register `image` and warp the whole of it onto `template`."""
    found = register(image, template)
    return Alignment(found.matrix, found.rotation, found.method, found.score,
                     page=found.warp_page(image, template))


def register(image: np.ndarray, template: FormTemplate) -> Registration:
    """Where `image` lies on `template`; RejectedInput(not_a_form) if nowhere."""
    page = Page(image)
    # Squares are found once, in the scan's pixels, and paired with the
    # marks of each candidate upright turn of the page.
    squares = _find_squares(image, template)
    marks: list[Candidate] = [(rotation, _fit_by_marks(squares, image.shape, rotation, template),
                               "marks") for rotation in _rotations(image)]
    best = _best_refined(page, marks, template)
    if best is None or best[0] < GOOD_SCORE:
        # A fresh thumbnail: the marks' (failed) fit may have sized the old one wrong.
        fresh = Page(image)
        matrix = _fit_by_features(image, template)
        features: list[Candidate] = [(_rotation_of(matrix), matrix, "features")]
        fallback = _best_refined(fresh, features, template)
        if fallback is not None:
            best = _better(best, fallback)
    if best is None or best[0] < MIN_SCORE:
        score = "none" if best is None else f"{best[0]:.2f}"
        raise RejectedInput(f"page does not match form {template.form_id} (score {score})",
                            code="not_a_form")
    score, rotation, matrix, method = best
    return Registration(matrix, rotation, method, score)


def _best_refined(page: Page, fits: list[Candidate], template: FormTemplate) -> Fit | None:
    """Score each coarse fit, then polish only those close to the best.

    The refinement (ECC) is the costly step of alignment; the wrong
    orientation of a page scores far below the right one already before
    it, so it is rarely worth refining. Close calls are refined both.
    """
    coarse = [(_similarity(page, matrix, template), rotation, matrix, method)
              for rotation, matrix, method in fits if matrix is not None]
    if not coarse:
        return None
    top = max(c[0] for c in coarse)
    best: Fit | None = None
    for fit in coarse:
        if fit[0] >= top - CLOSE_CALL:
            best = _better(best, _refined(page, fit, template))
    return best


def _better(best: Fit | None, new: Fit) -> Fit:
    log.debug("alignment %s rotation %d score %.3f", new[3], new[1], new[0])
    return new if best is None or new[0] > best[0] else best


def _rotations(image: np.ndarray) -> list[int]:
    """Candidate quarter turns (clockwise) that make the page upright, the
    second the first turned half a turn: landscape pages turn a quarter first."""
    return [90, 270] if image.shape[1] > image.shape[0] else [0, 180]


def _turn(rotation: int, shape: tuple[int, ...]) -> np.ndarray:
    """The 2x3 matrix taking scan pixels to the pixels of the scan turned
    clockwise by `rotation` degrees (as np.rot90 would turn the array)."""
    height, width = shape[:2]
    return np.array({
        0: [[1, 0, 0], [0, 1, 0]],
        90: [[0, -1, height - 1], [1, 0, 0]],
        180: [[-1, 0, width - 1], [0, -1, height - 1]],
        270: [[0, 1, 0], [-1, 0, width - 1]],
    }[rotation], dtype=np.float64)


def _rotation_of(matrix: np.ndarray | None) -> int:
    """The quarter turn nearest to the rotation in `matrix` (0 for none)."""
    if matrix is None:
        return 0
    angle = float(np.degrees(np.arctan2(matrix[1, 0], matrix[0, 0])))
    return int(round(angle / 90)) % 4 * 90


def _refined(page: Page, fit: Fit, template: FormTemplate) -> Fit:
    score, rotation, matrix, method = fit
    refined = _refine_ecc(page, matrix, template)
    if refined is not None:
        refined_score = _similarity(page, refined, template)
        if refined_score > score:
            matrix, score = refined, refined_score
    return score, rotation, matrix, method


# --- registration marks -------------------------------------------------

SQUARE_SEARCH_SCALE = 0.5  # half resolution is plenty to find 60-px squares


def _fit_by_marks(
    squares: np.ndarray, shape: tuple[int, ...], rotation: int, template: FormTemplate
) -> np.ndarray | None:
    """Affine from found corner squares (scan pixels) to their layout
    centres (>= 3 needed), pairing them as if the page were turned by
    `rotation`."""
    targets = template.mark_centres
    if len(targets) < 3:
        return None
    upright = _apply(_turn(rotation, shape), squares)
    upright_shape = shape[:2] if rotation in (0, 180) else shape[1::-1]
    scale = upright_shape[1] / template.width
    pairs = [(square, dst) for square, dst in zip(
        _assign(upright, squares, targets * scale, upright_shape), targets, strict=True)
        if square is not None]
    if len(pairs) < 3:
        return None
    src = np.array([p[0] for p in pairs], dtype=np.float32)
    dst = np.array([p[1] for p in pairs], dtype=np.float32)
    return _affine_if_plausible(src, dst)


def _find_squares(image: np.ndarray, template: FormTemplate) -> np.ndarray:
    """Centres (scan pixels) of solid dark squares about the registration
    mark's size. The page's width across is its shorter side, upright."""
    scale = min(image.shape[:2]) / template.width
    side = (template.registration_marks[0][2] - template.registration_marks[0][0]) * scale
    factor = SQUARE_SEARCH_SCALE
    small = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    _, binary = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    _, _, stats, centroids = cv2.connectedComponentsWithStats(binary, connectivity=8)
    x, y, w, h, area = (stats[1:, i].astype(np.float64) for i in range(5))
    expected = side * factor
    height, width = small.shape
    sized = ((0.6 * expected <= w) & (w <= 1.6 * expected)
             & (0.6 * expected <= h) & (h <= 1.6 * expected))
    # A square cut by the page edge would have its centre in the wrong place.
    inside = (x > 0) & (y > 0) & (x + w < width) & (y + h < height)
    solid = (area / (w * h) >= 0.8) & (0.75 * h <= w) & (w <= 1.33 * h)
    # Pixel centres: small pixel c covers scan pixels around (c + 0.5) / f - 0.5.
    keep = (centroids[1:][sized & inside & solid] + 0.5) / factor - 0.5
    return keep.astype(np.float32).reshape(-1, 2)


def _assign(
    found: np.ndarray, originals: np.ndarray, expected: np.ndarray, shape: tuple[int, ...]
) -> list[np.ndarray | None]:
    """For each expected mark, the original of the nearest `found` square
    within a corner-sized radius."""
    radius = 0.2 * min(shape[0], shape[1])
    out: list[np.ndarray | None] = []
    for point in expected:
        if len(found) == 0:
            out.append(None)
            continue
        dist = np.linalg.norm(found - point, axis=1)
        i = int(np.argmin(dist))
        out.append(originals[i] if dist[i] <= radius else None)
    return out


def _affine_if_plausible(src: np.ndarray, dst: np.ndarray) -> np.ndarray | None:
    matrix = _least_squares_affine(src, dst)
    residual = np.abs(_apply(matrix, src) - dst).max()
    if residual > MAX_MARK_RESIDUAL_PX and len(src) > 3:
        # One square is probably a stray blob: keep the best-fitting three.
        subsets = [np.delete(np.arange(len(src)), i) for i in range(len(src))]
        fits = [(_least_squares_affine(src[s], dst[s]), s) for s in subsets]
        matrix = min(fits, key=lambda f: np.abs(_apply(f[0], src[f[1]]) - dst[f[1]]).max())[0]
    return matrix if _is_plausible(matrix) else None


def _least_squares_affine(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    ones = np.ones((len(src), 1), dtype=np.float64)
    design = np.hstack([src.astype(np.float64), ones])
    solution, *_ = np.linalg.lstsq(design, dst.astype(np.float64), rcond=None)
    return solution.T.astype(np.float64)


def _apply(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    return points @ matrix[:, :2].T + matrix[:, 2]


def _is_plausible(matrix: np.ndarray) -> bool:
    """Scans are rotated a little and scaled uniformly; reject wild fits."""
    sx = float(np.hypot(matrix[0, 0], matrix[1, 0]))
    sy = float(np.hypot(matrix[0, 1], matrix[1, 1]))
    if not (0.2 < sx < 5 and 0.2 < sy < 5):
        return False
    return abs(sx / sy - 1) < 0.15 and np.linalg.det(matrix[:, :2]) > 0


# --- feature matching fallback -----------------------------------------


@lru_cache(maxsize=8)
def _blank_features(template: FormTemplate) -> tuple[tuple[cv2.KeyPoint, ...], np.ndarray]:
    small = cv2.resize(template.blank, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    keypoints, descriptors = cv2.ORB_create(nfeatures=6000).detectAndCompute(small, None)
    return tuple(keypoints), descriptors


def _fit_by_features(image: np.ndarray, template: FormTemplate) -> np.ndarray | None:
    """Similarity transform from ORB matches (rotation-invariant, so any
    turn of the page too)."""
    blank_kp, blank_desc = _blank_features(template)
    factor = 0.5 * template.width / min(image.shape[:2])
    small = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    keypoints, descriptors = cv2.ORB_create(nfeatures=6000).detectAndCompute(small, None)
    if descriptors is None or blank_desc is None or len(keypoints) < 20:
        return None
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(descriptors, blank_desc, k=2)
    good = [m[0] for m in pairs if len(m) == 2 and m[0].distance < 0.75 * m[1].distance]
    if len(good) < 20:
        return None
    src = np.float32([keypoints[m.queryIdx].pt for m in good]) / factor
    dst = np.float32([blank_kp[m.trainIdx].pt for m in good]) * 2
    matrix, inliers = cv2.estimateAffinePartial2D(src, dst, method=cv2.RANSAC,
                                                  ransacReprojThreshold=8.0)
    if matrix is None or inliers is None or int(inliers.sum()) < 15:
        return None
    return matrix.astype(np.float64)


# --- scoring and refinement --------------------------------------------


@lru_cache(maxsize=8)
def _blank_low(template: FormTemplate) -> np.ndarray:
    small = cv2.resize(template.blank, None, fx=LOW, fy=LOW, interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(small, (5, 5), 0).astype(np.float32)


def _scaling(factor: float) -> np.ndarray:
    """Pixels to the pixels of the image cv2.resize scales by `factor`
    (pixel centres: x -> f x + (f - 1) / 2). Dropping the half-pixel term
    shifts a thumbnail by ~1.5 page pixels, which cancels out only while
    page and blank face the same way."""
    shift = (factor - 1) / 2
    return np.array([[factor, 0.0, shift], [0.0, factor, shift]])


def _compose(outer: np.ndarray, inner: np.ndarray) -> np.ndarray:
    """The 2x3 affine doing `inner`, then `outer`."""
    return outer[:, :2] @ inner + np.hstack([np.zeros((2, 2)), outer[:, 2:]])


def _to_low(page: Page, matrix: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """The page's thumbnail, its scale and `matrix` adapted to both thumbnails."""
    q, small = page.thumbnail(matrix)
    unshrink = cv2.invertAffineTransform(_scaling(q))
    return q, small, _compose(_scaling(LOW), _compose(matrix, unshrink))


def _warp_low(page: Page, matrix: np.ndarray, template: FormTemplate) -> np.ndarray:
    _, small, low = _to_low(page, matrix)
    size = (_blank_low(template).shape[1], _blank_low(template).shape[0])
    warped = cv2.warpAffine(small, low, size, flags=cv2.INTER_LINEAR, borderValue=255)
    return cv2.GaussianBlur(warped, (5, 5), 0).astype(np.float32)


def _similarity(page: Page, matrix: np.ndarray, template: FormTemplate) -> float:
    """Normalised cross-correlation of the warped page with the blank."""
    a = _warp_low(page, matrix, template)
    b = _blank_low(template)
    a = a - a.mean()
    b = b - b.mean()
    denom = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / denom) if denom > 0 else 0.0


def _refine_ecc(page: Page, matrix: np.ndarray, template: FormTemplate) -> np.ndarray | None:
    """Polish a coarse fit by intensity alignment on thumbnails (ECC)."""
    q, small, low = _to_low(page, matrix)
    inverse = cv2.invertAffineTransform(low).astype(np.float32)
    criteria = (cv2.TERM_CRITERIA_COUNT | cv2.TERM_CRITERIA_EPS, ECC_ITERATIONS, ECC_EPSILON)
    try:
        _, warp = cv2.findTransformECC(_blank_low(template), small.astype(np.float32),
                                       inverse, cv2.MOTION_AFFINE, criteria, None, 5)
    except cv2.error:
        return None
    refined_low = cv2.invertAffineTransform(warp).astype(np.float64)
    unshrink = cv2.invertAffineTransform(_scaling(LOW))
    refined = _compose(unshrink, _compose(refined_low, _scaling(q)))
    return refined if _is_plausible(refined) else None
