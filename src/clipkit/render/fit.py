"""The size a picture is fitted to: a width, a height, both, or neither (pure arithmetic, no imports)."""

from __future__ import annotations

__all__ = ["fit_size"]


def fit_size(display: tuple[int, int], width: int | None = None, height: int | None = None, *, even: bool = True) -> tuple[int, int]:
    """The output size for a frame shown at ``display`` size.

    Only ``width`` (or only ``height``) keeps the aspect ratio; both give that
    exact size; neither gives the display size.  ``even`` rounds to even sizes
    (H.264 needs them; harmless elsewhere).
    """
    dw, dh = display
    if width and height:
        w, h = width, height
    elif width:
        w, h = width, width * dh / dw
    elif height:
        w, h = height * dw / dh, height
    else:
        w, h = dw, dh
    if even:
        return max(2, int(round(w / 2)) * 2), max(2, int(round(h / 2)) * 2)
    return max(1, int(round(w))), max(1, int(round(h)))
