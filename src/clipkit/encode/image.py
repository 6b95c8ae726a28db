"""Still images (PNG, JPEG, WebP) written atomically with Pillow."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

from ..errors import UsageError
from ..atomic import atomic_path
from ..settings import DEFAULT_STILL

__all__ = ["IMAGE_FORMATS", "image_format_for", "write_image", "encode_image"]

IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}


def image_format_for(path: Path) -> str:
    fmt = IMAGE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(
            f"cannot write a still image as '{path.suffix or path.name}'",
            "end the output name with .png, .jpg or .webp",
        )
    return fmt


def _save(pil: Image.Image, out, fmt: str, quality: int) -> None:
    if fmt == "JPEG" and pil.mode not in ("RGB", "L"):
        pil = pil.convert("RGB")
    options: dict = {}
    if fmt == "JPEG":
        options = {"quality": quality, "optimize": True, "progressive": True}
    elif fmt == "WEBP":
        options = {"quality": quality, "method": 4}
    elif fmt == "PNG":
        options = {"optimize": False, "compress_level": 6}
    pil.save(out, format=fmt, **options)


def encode_image(image: np.ndarray | Image.Image, fmt: str, *, quality: int = DEFAULT_STILL.jpeg_quality) -> bytes:
    """An RGB image as ``fmt`` (``PNG``, ``JPEG``, ``WEBP``) bytes, with the same options as :func:`write_image`."""
    buf = io.BytesIO()
    _save(image if isinstance(image, Image.Image) else Image.fromarray(image), buf, fmt, quality)
    return buf.getvalue()


def write_image(image: np.ndarray | Image.Image, path: Path, *, quality: int = DEFAULT_STILL.jpeg_quality) -> Path:
    """Write an RGB image to ``path`` (format from the extension), atomically."""
    fmt = image_format_for(path)
    pil = image if isinstance(image, Image.Image) else Image.fromarray(image)
    with atomic_path(path) as tmp:
        _save(pil, tmp, fmt, quality)
    return path
