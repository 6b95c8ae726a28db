"""The GIF writer leans on a private Pillow API (``Image.core.gif_encoder``, its C LZW encoder):
these tests decode what it writes, so a Pillow release that changes that API fails here."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from clipkit.encode.gif.writer import GifWriter
from clipkit.errors import OutputError


def _palette(n: int) -> np.ndarray:
    k = np.arange(n)
    return np.stack([k * 255 // max(1, n - 1), (k * 37) % 256, 255 - k * 255 // max(1, n - 1)], axis=1).astype(np.uint8)


@pytest.mark.parametrize("colors", [2, 3, 4, 16, 100, 256])
def test_every_code_size_decodes_to_the_indices_written(colors):
    rng = np.random.default_rng(colors)
    frames = [rng.integers(0, colors, size=(37, 53), dtype=np.uint8),
              np.zeros((37, 53), np.uint8),  # long runs: the dictionary resets
              (np.arange(37 * 53) % colors).astype(np.uint8).reshape(37, 53)]
    buf = io.BytesIO()
    palette = _palette(colors)
    w = GifWriter(buf, 53, 37, palette, loop=0)
    for f in frames:
        w.add(0, 0, f, 4)
    w.close()
    buf.seek(0)
    with Image.open(buf) as im:
        assert im.n_frames == len(frames)
        for i, want in enumerate(frames):
            im.seek(i)
            assert np.array_equal(np.asarray(im.convert("RGB")), palette[want]), f"frame {i}"


def test_a_changed_pillow_encoder_is_one_clear_error(monkeypatch):
    monkeypatch.delattr(Image.core, "gif_encoder")
    w = GifWriter(io.BytesIO(), 4, 4, _palette(4))
    with pytest.raises(OutputError, match="changed its GIF encoder"):
        w.add(0, 0, np.zeros((4, 4), np.uint8), 4)
