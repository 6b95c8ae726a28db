"""Small real files for the embed tests, with known facts: an animated GIF and WebP
(Pillow), its MP4 sibling (the bundled ffmpeg), a still and a strip-like wide PNG.

Names carry spaces, an apostrophe, ``&``, ``#`` and non-ASCII so URL encoding is exercised.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from PIL import Image

from clipkit.artifact import Artifact, sha256_of
from media import ffmpeg

STEM = "ep07 it's & ä #1"
GIF_SIZE = (160, 90)
STILL_SIZE = (320, 180)
STRIP_SIZE = (600, 120)
FRAMES = 12  # 100 ms each: 1.2 s
COLOURS = [(220, 40, 40), (40, 200, 60), (40, 60, 220), (230, 210, 40)]


def _frames(size):
    out = []
    for k in range(FRAMES):
        im = Image.new("RGB", size, COLOURS[k % len(COLOURS)])
        # a moving white bar so frames differ in place, as in a real clip
        x = (k * size[0]) // FRAMES
        im.paste((255, 255, 255), (x, 0, x + size[0] // 8, size[1]))
        out.append(im)
    return out


def make_media(folder: Path, *, stem: str = STEM, mp4_seconds: float = 1.2) -> dict[str, Artifact]:
    """Write the files into ``folder``; return their Artifacts (facts from how they were made)."""
    folder.mkdir(parents=True, exist_ok=True)
    gif_path, webp_path, mp4_path = (folder / f"{stem}.{ext}" for ext in ("gif", "webp", "mp4"))
    frames = _frames(GIF_SIZE)
    frames[0].save(gif_path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    frames[0].save(webp_path, save_all=True, append_images=frames[1:], duration=100, loop=0, quality=80)
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={GIF_SIZE[0]}x{GIF_SIZE[1]}:rate=10:duration={mp4_seconds}",
           "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart", mp4_path)
    still_path = folder / f"{stem} still.png"
    Image.new("RGB", STILL_SIZE, (90, 120, 200)).save(still_path)
    strip_path = folder / f"{stem} strip.png"
    strip = Image.new("RGB", STRIP_SIZE, (20, 20, 20))
    for i in range(5):
        strip.paste(COLOURS[i % 4], (i * 120 + 4, 4, i * 120 + 116, 116))
    strip.save(strip_path)

    def art(path, kind, size, **kw):
        return Artifact(path=path, kind=kind, width=size[0], height=size[1], bytes=path.stat().st_size,
                        sha256=sha256_of(path), **kw)

    source = folder / "ep07.mkv"
    mp4 = art(mp4_path, "mp4", GIF_SIZE, duration=Fraction(str(mp4_seconds)))
    webp = art(webp_path, "webp", GIF_SIZE, duration=Fraction(6, 5), frame_count=FRAMES)
    gif = art(gif_path, "gif", GIF_SIZE, source=source, start=Fraction(750), end=Fraction(7512, 10),
              duration=Fraction(6, 5), frame_count=FRAMES, captions=("He knew.", "Of course he knew."),
              siblings=(mp4, webp))
    still = art(still_path, "still", STILL_SIZE, source=source, start=Fraction(751), end=Fraction(751))
    strip = art(strip_path, "strip", STRIP_SIZE, source=source)
    return {"gif": gif, "mp4": mp4, "webp": webp, "still": still, "strip": strip}
