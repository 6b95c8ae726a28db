"""What ``--quality`` (1–100) sets in the GIF engine: one size–quality curve, small to faithful.

Measured on real footage against gifski (bench/README.md, "the low and middle of
the curve"): below quality 80 the bytes go into the palette indices of every
rewritten pixel, and the tolerance of small changes buys almost nothing there
(the drift blocks of ``diff.py`` rewrite what moved), while fewer colours cut the
bytes of every frame.  So the top of the scale tolerates small changes
(``tolerance``) with the full palette, refined per frame; below it each 12 steps
halve the palette (70 → 144 colours, 50 → 45, 30 → 14) and frames share their
shot's palette (a per-frame table costs more bytes than it buys there); one
entry in eight goes to the colours that palette fits worst, so small saturated
objects keep their colour.  The shot's palette is fitted in XYB (the space
SSIMULACRA2 and the eye judge colour in), and a shot whose picture mostly
stays (a still camera) opens with a frame of its own full palette that the
later frames keep wherever it is closer to the source than what they would
write (bench/README.md, "the low end, session 24" and "session 32").
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DIFFUSE_CLAMP", "QualityLevel", "quality_level", "tolerance_for"]

#: Below this quality the palette shrinks and frames share their shot's palette.
FULL_PALETTE_FROM = 80
#: Quality steps that halve the palette below FULL_PALETTE_FROM.
HALVING_STEPS = 12
#: The fewest colours a quality asks for (captions' reserved colours come on top).
MIN_COLORS = 8
#: Below FULL_PALETTE_FROM, one palette entry in this many goes to the colours fitted worst (small
#: saturated objects): handheld tilt q50 329 → 316 KB, S2 27.6 → 31.7; bird 444 → 430 KB, −1.6 → −2.2.
#: (Below 32 colours: SMALL_OUTLIER_SHARE.)
OUTLIER_SHARE = 8
#: From this quality a moved pixel is rewritten only when the new frame's colour is closer to its source than
#: the one shown (an earlier palette's shade that fits better stays): bird q100 1452 → 1271 KB, S2 40.3 → 41.4.
KEEP_CLOSER_FROM = 90
#: From this quality the palettes are refined and searched in XYB (JPEG XL's perceptual space, dither.xyb_space)
#: instead of weighted RGB: fewer entries for near-black shades the eye barely tells apart, more for mid tones.
XYB_FROM = 90
#: From this quality the per-frame palettes are refined on what the screen shows badly (refine.SHOWN_ERROR): entries
#: go where the kept pixels do not already fit (bird q100 S2 42.7 → 43.8, pan 72.6 → 74.1, same bytes ±1 %).
CANVAS_FROM = 90
#: At this quality a frame that barely changed is refined as well (its palette then serves what is still shown
#: badly, and the kept pixels gather shades from several palettes): bird q100 1253 → 1286 KB, S2 43.8 → 44.3.
REFINE_STILL_FROM = 100
#: From this quality the space weighs luma over hue (dither.XYB_LUMA_WEIGHTS: more entries for a smooth area's
#: tones) and every refined palette that fits its frame better is taken (refine.ADOPT_MIN not applied: with
#: the chroma axes shrunk, the gains fall under it; the screen then gathers the shades of every frame's
#: palette): bird q100 S2 44.3 → 46.2, fire2 73.7 → 77.6, pan 73.8 → 77.0 for +7–8 % bytes (bench/README.md).
LUMA_FROM = 95
#: Below FULL_PALETTE_FROM, from this many colours (q ≥ 44): the shot's palette gets SHOT_STEPS k-means steps in
#: XYB (flat areas counting most) and is searched in XYB; moved pixels are rewritten only when closer (keep_closer);
#: a still shot opens with a full-palette key frame (engine.py).  Bird q50 431 KB, S2 −3.1 → 458 KB, 18.7 (gifski
#: -Q 50: 516 KB, 14.0); pan 1365, −5.8 → 1405, 4.6.
PERCEPTUAL_FROM = 32
SHOT_STEPS = 4
#: Below PERCEPTUAL_FROM (8–31 colours, q < 44) the shot's palette is fitted and searched in XYB too, with
#: keep-closer, SMALL_SHOT_STEPS k-means steps (cheap at so few colours), one entry in SMALL_OUTLIER_SHARE for
#: the colours fitted worst and a still shot's key frame (was: median cut in RGB, no outliers, no key frame).
#: Handheld tilt q30 185 KB, S2 8.1 → 145 KB, −0.5 (gifski -Q 50: 169 KB, −1.6), q40 261, 17.6 → 222, 18.1; with 4
#: steps its 14 entries, 4 of them outliers (`--quality 44 --colors 15`), 152 KB, −1.9; 8 steps 147 KB, −0.2.
#: The key frame, on a still shot only: bird q35 304 KB, −24.0 → 335, 3.9 (gifski -Q 30: 336 KB, 5.3); q43 355,
#: −13.7 → 384, 10.7 (-Q 40: 392, 8.8).  Session 24 found it cost more than it bought at 11–14 colours in RGB
#: (handheld tilt q25 136 KB, S2 −17.4 → 169, −7.0); in XYB with keep-closer the tilt gets none and its bytes
#: stay.  The generated sample at q25–30 is the exception: 594 KB, −13.0 → 648, −7.6 (bench/README.md, session 32).
SMALL_SHOT_STEPS = 8
SMALL_OUTLIER_SHARE = 5
#: At this quality each frame is error-diffused against the screen (diffuse.py) at DIFFUSE_LEVEL of the error,
#: clamped to DIFFUSE_CLAMP (one grey level: 3): fire2 q100 1846 KB, SSIM .9831, S2 76.3 -> 1988 KB, .9805, 77.9
#: (gifski -Q 100: 2421 KB, .9790, 77.7; bench/README.md, session 25).  Level 0.4: S2 77.7, not above gifski's;
#: 0.75 / 1.0: S2 78.1 / 77.8 but SSIM .9796 / .9783.  On the bird every level falls below gifski's point (0.5:
#: .9665, 47.4; undithered .9707, 45.9; gifski .9709, 49.4), and a level map that spares busy areas, or diffusing
#: only the chroma, is on the same line.
DIFFUSE_FROM = 100
DIFFUSE_LEVEL = 0.5
DIFFUSE_CLAMP = 6.0
#: ... and a pixel whose source did not move is redrawn where the frame's palette has a colour nearer its target
#: than the one shown by more than DIFFUSE_REFRESH (squared, in the space's units, where one grey level is 3 apart:
#: 18 is 1.4 levels), while each frame's palette weighs what the screen shows badly up to DIFFUSE_SHOWN_ERROR (40
#: apart, 13 levels) instead of refine.SHOWN_ERROR (7 levels): a still shot's screen keeps converging on the source
#: instead of keeping its first frame's colours.  Bird q100 (bench metric) 1560 KB, SSIM .9665, S2 47.4 -> 2003 KB,
#: .9721, 49.6 (gifski -Q 100: 2103 KB, .9709, 49.4); refreshed at 9 / 36: 2154 KB, S2 49.5 / 1861 KB, 49.0; with
#: the shown error at 400: 2012 KB, 49.2 (session 30).
DIFFUSE_REFRESH = 18.0
DIFFUSE_SHOWN_ERROR = 1600.0


@dataclass(frozen=True)
class QualityLevel:
    tolerance: float  # per-channel change (0–255) below which a shown pixel is left as it is
    colors: int  # the most palette entries this quality uses (the user's --colors may ask fewer)
    frame_palettes: bool  # each frame may get its own refined palette (refine.py)
    outliers: int = 0  # of ``colors``, entries kept for the colours the shot's palette fits worst (palette.with_outliers)
    keep_closer: bool = False  # a moved pixel is rewritten only when its new colour is closer to the source (diff.py)
    space: str = "rgb"  # the nearest-colour search's and palette refinement's space (dither.SPACES)
    canvas_weights: bool = False  # per-frame palettes weigh samples by how badly the screen shows them (refine.py)
    refine_still: bool = False  # a frame that barely changed is refined too (refine.REUSE_CHANGE not applied)
    adopt_any: bool = False  # a refined palette is taken whenever it fits better (refine.ADOPT_MIN not applied)
    shot_steps: int = 0  # k-means steps of each shot's palette in ``space`` (refine.fit_shot)
    key_frame: bool = False  # a still shot's first frame gets its own full palette (palette.still_share, engine.py)
    diffuse: float = 0.0  # share of the error diffused against the screen (diffuse.py; 0: the nearest colour)
    pattern_flat: float = 0.0  # areas flatter than this take dither.py's gradient pattern (0: none; grey.py)
    denoise: float = 0.0  # one-frame flicker within this (0–255) is taken out (denoise.py; 0: none; grey.py)
    refresh: float = -1.0  # with ``diffuse``: redraw an unmoved pixel when the palette is this much nearer (< 0: never)
    shown_error: float | None = None  # with ``diffuse``: the per-frame palettes' SHOWN_ERROR (refine.py; None: that)


def tolerance_for(quality: int) -> float:
    """The per-channel change (0–255) below which a pixel is left as shown, for a quality 1–100
    (90 → 7 levels, 70 → 21, 100 → every change is written)."""
    return max(0.0, (100 - quality) * 0.7)


def quality_level(quality: int, reserved: int = 0) -> QualityLevel:
    """The engine's parameters for ``quality`` (1–100); ``reserved``: palette entries kept for captions."""
    q = max(1, min(100, int(quality)))
    if q >= FULL_PALETTE_FROM:
        return QualityLevel(tolerance_for(q), 256, True, keep_closer=q >= KEEP_CLOSER_FROM,
                            space="xyb-luma" if q >= LUMA_FROM else "xyb" if q >= XYB_FROM else "rgb",
                            canvas_weights=q >= CANVAS_FROM, refine_still=q >= REFINE_STILL_FROM,
                            adopt_any=q >= LUMA_FROM, diffuse=DIFFUSE_LEVEL if q >= DIFFUSE_FROM else 0.0,
                            refresh=DIFFUSE_REFRESH if q >= DIFFUSE_FROM else -1.0,
                            shown_error=DIFFUSE_SHOWN_ERROR if q >= DIFFUSE_FROM else None)
    colors = round(256 * 2 ** ((q - FULL_PALETTE_FROM) / HALVING_STEPS))
    colors = max(MIN_COLORS, colors)
    large = colors >= PERCEPTUAL_FROM
    outliers = colors // OUTLIER_SHARE if large else max(1, round(colors / SMALL_OUTLIER_SHARE))
    return QualityLevel(tolerance_for(q), min(256, colors + reserved), False, outliers, keep_closer=True,
                        space="xyb", shot_steps=SHOT_STEPS if large else SMALL_SHOT_STEPS, key_frame=True)
