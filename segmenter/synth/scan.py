"""Scanned versions of the generated pages (``segmenter synth --scans``), degraded reproducibly.

Each page of the edition PDF is rendered with PyMuPDF at ``dpi`` (grayscale) and then put
through the effects of a poor scan, every one a named parameter of :class:`Degradation`, with
its amount drawn from a generator seeded by (edition seed, page number): the same seed gives
the same bytes.  Effects, in the order a page meets them: bleed-through of the back page
(a mirrored faint copy of another page of the edition), skew (the canvas grows so that no
corner is cut), uneven lighting, a dark or torn margin along one edge, blur, noise, JPEG
artefacts.  The gold stays the PDF's (the article XML text is what eval compares).

Written as ``DIR/scans/page-NN.png`` (8-bit grayscale PNG).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from segmenter.errors import SegmenterError

#: rendering resolution: default and allowed range (dpi)
DEFAULT_DPI = 200
MIN_DPI, MAX_DPI = 150, 300
#: degradation levels accepted by ``--degrade``
LEVELS = ("none", "light", "heavy")
DEFAULT_LEVEL = "light"
#: the folder (inside the synth output) and file name pattern of the scans
SCANS_DIR = "scans"
#: the strongest skew any level may draw (degrees); the issue's test pages skew up to ±3°
MAX_SKEW_DEG = 3.0


@dataclass(frozen=True)
class Degradation:
    """How bad a scan is.  Lengths in px at 200 dpi (scaled to the rendering dpi)."""

    skew_deg: float         # skew drawn uniformly in ±skew_deg (≤ MAX_SKEW_DEG)
    bleed: float            # opacity of the mirrored back page (0 = none)
    lighting: float         # darkest share lost to the uneven lighting field (0 = even)
    margin_px: float        # width of the dark / torn band along one edge (0 = none)
    blur_px: float          # Gaussian blur sigma (0 = sharp)
    noise: float            # Gaussian grey-level noise sigma (0 = clean)
    jpeg_quality: int       # JPEG round trip at this quality (0 = none)


#: the three levels.  "light" is an ordinary archive scan; "heavy" the worst microfilm-grade
#: page the targets are measured on (every effect at once, still legible to a reader)
DEGRADATIONS: dict[str, Degradation] = {
    "none": Degradation(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0),
    "light": Degradation(1.0, 0.06, 0.15, 25.0, 0.5, 6.0, 80),
    "heavy": Degradation(MAX_SKEW_DEG, 0.15, 0.35, 60.0, 0.9, 14.0, 45),
}


@dataclass(frozen=True)
class ScanPage:
    """One degraded page: its image and the amounts drawn for it."""

    number: int             # 1-based page number
    image: np.ndarray       # 2-D uint8 grayscale
    skew_deg: float         # the skew applied (counter-clockwise positive, as cv2 rotates)
    margin_edge: str        # "left" | "right" | "top" | "bottom" | "" (no margin band)


def check_options(dpi: int, level: str) -> None:
    if not MIN_DPI <= dpi <= MAX_DPI:
        raise SegmenterError(f"--dpi must be {MIN_DPI}..{MAX_DPI}, got {dpi}")
    if level not in LEVELS:
        raise SegmenterError(f"--degrade must be one of {', '.join(LEVELS)}, got {level!r}")


def render_pages(pdf: bytes, dpi: int) -> list[np.ndarray]:
    """Every page of a PDF as a grayscale array at ``dpi``."""
    import pymupdf

    doc = pymupdf.open(stream=pdf, filetype="pdf")
    try:
        out = []
        for page in doc:
            pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)
            out.append(np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.stride)[:, :pix.width].copy())
        return out
    finally:
        doc.close()


def degrade(page: np.ndarray, back: np.ndarray | None, d: Degradation, seed: int, number: int,
            dpi: int = DEFAULT_DPI) -> ScanPage:
    """Apply ``d`` to one rendered page; ``back`` is the page that bleeds through (mirrored)."""
    import cv2

    rng = np.random.default_rng([seed & 0xFFFFFFFF, number])
    px = dpi / DEFAULT_DPI
    img = page.astype(np.float32)
    h, w = img.shape
    # bleed-through: the back page mirrored, faint, darkening only where it has ink
    if d.bleed > 0 and back is not None:
        b = cv2.resize(back, (w, h), interpolation=cv2.INTER_AREA)[:, ::-1].astype(np.float32)
        b = cv2.GaussianBlur(b, (0, 0), 1.5 * px)
        img = np.minimum(img, 255.0 - d.bleed * (255.0 - b))
    # skew, on a canvas grown so that nothing is cut off
    angle = float(rng.uniform(-d.skew_deg, d.skew_deg)) if d.skew_deg > 0 else 0.0
    if angle:
        a = math.radians(abs(angle))
        nw = int(math.ceil(w * math.cos(a) + h * math.sin(a)))
        nh = int(math.ceil(h * math.cos(a) + w * math.sin(a)))
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        m[0, 2] += (nw - w) / 2
        m[1, 2] += (nh - h) / 2
        img = cv2.warpAffine(img, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=255.0)
        h, w = nh, nw
    # uneven lighting: a smooth field, darkest at a random corner-ish point
    if d.lighting > 0:
        cx, cy = rng.uniform(-0.3, 1.3) * w, rng.uniform(-0.3, 1.3) * h
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        dist = np.sqrt(((xx - cx) / w) ** 2 + ((yy - cy) / h) ** 2)
        field = 1.0 - d.lighting * np.clip(1.0 - dist / 1.2, 0.0, 1.0)
        img = img * field
    # a dark or torn margin along one edge: scanner background behind a ragged paper edge
    edge = ""
    if d.margin_px > 0:
        edge = str(rng.choice(["left", "right", "top", "bottom"]))
        length = h if edge in ("left", "right") else w
        steps = rng.normal(0.0, 1.0, length).cumsum()
        steps -= steps.min()
        ragged = d.margin_px * px * (0.5 + 0.5 * steps / max(float(steps.max()), 1e-6))
        depth = np.ceil(ragged).astype(int)
        tone = float(rng.uniform(30, 80))
        idx = np.arange(max(int(depth.max()), 1))
        band = idx[None, :] < depth[:, None]           # (length, depth)
        if edge == "left":
            img[:, :band.shape[1]][band] = tone
        elif edge == "right":
            img[:, w - band.shape[1]:][band[:, ::-1]] = tone
        elif edge == "top":
            img[:band.shape[1], :][band.T] = tone
        else:
            img[h - band.shape[1]:, :][band.T[::-1, :]] = tone
    if d.blur_px > 0:
        img = cv2.GaussianBlur(img, (0, 0), d.blur_px * px)
    if d.noise > 0:
        img = img + rng.normal(0.0, d.noise, img.shape).astype(np.float32)
    out = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    if d.jpeg_quality > 0:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(d.jpeg_quality)])
        if ok:
            out = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    return ScanPage(number, out, angle, edge)


def encode_png(image: np.ndarray) -> bytes:
    import cv2

    ok, buf = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 6])
    if not ok:
        raise SegmenterError("cannot encode a scan as PNG")
    return buf.tobytes()


def scan_pages(pdf: bytes, seed: int, dpi: int = DEFAULT_DPI, level: str = DEFAULT_LEVEL) -> list[ScanPage]:
    """All pages of the edition PDF, rendered and degraded."""
    check_options(dpi, level)
    d = DEGRADATIONS[level]
    pages = render_pages(pdf, dpi)
    n = len(pages)
    return [degrade(p, pages[(i + 1) % n] if n > 1 else p, d, seed, i + 1, dpi) for i, p in enumerate(pages)]


def render_scans(pdf: bytes, seed: int, dpi: int = DEFAULT_DPI, level: str = DEFAULT_LEVEL) -> dict[str, bytes]:
    """``{"scans/page-NN.png": png bytes}`` for every page of the edition."""
    return {f"{SCANS_DIR}/page-{sp.number:02d}.png": encode_png(sp.image)
            for sp in scan_pages(pdf, seed, dpi, level)}
