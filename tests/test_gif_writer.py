"""The GIF writer: its LZW is clipkit's compiled loop on a thread of its own, or (no C compiler at install) a private
Pillow API (``Image.core.gif_encoder``, its C LZW encoder).  These tests decode what each writes, so a broken loop or
a Pillow release that changes that API fails here; the two write the same bytes."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from clipkit.encode.gif import kernels
from clipkit.encode.gif.writer import GifWriter, _lzw
from clipkit.errors import OutputError


def _palette(n: int) -> np.ndarray:
    k = np.arange(n)
    return np.stack([k * 255 // max(1, n - 1), (k * 37) % 256, 255 - k * 255 // max(1, n - 1)], axis=1).astype(np.uint8)


@pytest.fixture(params=["compiled", "pillow"])
def lzw_kind(request, monkeypatch):
    """Each test below runs with the compiled LZW (on the writer's thread) and with Pillow's (no C compiler)."""
    if request.param == "compiled" and not kernels.available():
        pytest.skip("clipkit's C loops were not built (no C compiler)")
    if request.param == "pillow":
        monkeypatch.setattr(kernels, "lib", None)
    return request.param


@pytest.mark.parametrize("colors", [2, 3, 4, 16, 100, 256])
def test_every_code_size_decodes_to_the_indices_written(colors, lzw_kind):
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
    monkeypatch.setattr(kernels, "lib", None)  # no compiled LZW: Pillow's
    monkeypatch.delattr(Image.core, "gif_encoder")
    w = GifWriter(io.BytesIO(), 4, 4, _palette(4))
    with pytest.raises(OutputError, match="changed its GIF encoder"):
        w.add(0, 0, np.zeros((4, 4), np.uint8), 4)


def test_frames_are_written_as_given_though_the_caller_reuses_its_array(lzw_kind):
    """The compiled LZW runs on the writer's thread after add() returns: it works on its own copy."""
    palette = _palette(16)
    buf = io.BytesIO()
    w = GifWriter(buf, 40, 30, palette, loop=0)
    frame = np.zeros((30, 40), np.uint8)
    want = []
    for i in range(12):
        frame[:] = (np.arange(30 * 40).reshape(30, 40) + i) % 16
        want.append(frame.copy())
        w.add(0, 0, frame, 4)
        frame[:] = 15 - frame  # changed at once, before the thread has surely read it
    w.close()
    buf.seek(0)
    with Image.open(buf) as im:
        assert im.n_frames == 12
        for i, f in enumerate(want):
            im.seek(i)
            assert np.array_equal(np.asarray(im.convert("RGB")), palette[f]), f"frame {i}"


@pytest.mark.skipif(not kernels.available(), reason="clipkit's C loops were not built (no C compiler)")
@pytest.mark.parametrize("bits", range(2, 9))
def test_the_compiled_lzw_writes_pillows_bytes(bits, monkeypatch):
    """At every code size, on noise, long runs (the 4096-code table fills and is cleared: a clear code mid-stream)
    and a gradient, the compiled loop writes byte for byte what Pillow's encoder writes."""
    rng = np.random.default_rng(bits)
    n = 1 << bits
    frames = [rng.integers(0, n, size=(304, 540), dtype=np.uint8),
              np.repeat(rng.integers(0, n, size=(304, 61), dtype=np.uint8), 9, axis=1)[:, :540],
              ((np.add.outer(np.arange(200), np.arange(300)) // 7) % n).astype(np.uint8),
              np.zeros((1, 1), np.uint8)]
    compiled = [_lzw(f, bits) for f in frames]
    monkeypatch.setattr(kernels, "lib", None)
    assert [_lzw(f, bits) for f in frames] == compiled
