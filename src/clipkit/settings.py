"""The one home of every default.

Each job has a frozen dataclass of its settings.  Values are layered:
built-in default (here) < platform preset < series preset < flags the user
typed.  Presets (``presets.py``) map TOML keys onto these fields by name, so a
field's name is also its preset key; unknown keys are an error there.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

__all__ = ["StillSettings", "DEFAULT_STILL", "SeriesSettings", "DEFAULT_SERIES", "EmbedSettings", "DEFAULT_EMBED", "CaptionSettings", "DEFAULT_CAPTION", "GifSettings", "DEFAULT_GIF", "ScenesSettings", "DEFAULT_SCENES", "StripSettings", "DEFAULT_STRIP", "ClipSettings", "DEFAULT_CLIP"]


@dataclass(frozen=True)
class StillSettings:
    """``clipkit still``: one frame to an image file."""

    width: int | None = None  # None: the display size of the video
    best: bool = False  # pick the sharpest usable frame near the time
    best_window: Fraction = Fraction(1, 2)  # seconds either side searched by ``best``
    jpeg_quality: int = 90
    webp_quality: int = 90
    format: str = "png"  # used when the output name has no extension


DEFAULT_STILL = StillSettings()


@dataclass(frozen=True)
class SeriesSettings:
    """A series preset's own keys (the ``[series]`` table): where the episodes
    are, where a batch writes, how its files are named, what the post credits.

    Relative folders are relative to the preset file that set them.
    """

    title: str = ""  # shown at the top of a batch's post index
    platform: str = ""  # the built-in platform preset this series builds on (tumblr, wordpress, …)
    episodes: str = "."  # folder holding the episode files
    episode_pattern: str = "*e{ep:02d}.*"  # file name of episode N ({ep} formatted, then matched as a glob)
    output: str = "clipkit-out"  # folder a batch writes to
    naming: str = "{stem}_{tag}"  # batch output names: {series} {ep} {stem} {kind} {tag} {index}
    # (subtitle language, base URL and credit are [caption] subs_language, [embed] base_url and credit)


DEFAULT_SERIES = SeriesSettings()


@dataclass(frozen=True)
class EmbedSettings:
    """Embed snippets (``--embed``, ``clipkit embed``): format, URLs, credit, spoiler."""

    format: str = "html"  # html, wordpress, wordpress-classic, blogger, ghost, hugo, markdown, bbcode, video, picture, none
    base_url: str = ""  # where the files will be once uploaded ("" = relative paths)
    credit: str = ""  # who to credit under each image, e.g. the broadcaster ("" = no credit line)
    credit_format: str = "Credit: {credit}"  # how the credit line reads
    spoiler: bool = False  # wrap snippets in the platform's spoiler form
    spoiler_label: str = "Spoiler"  # the text on the spoiler's summary / BBCode title
    bbcode_dialect: str = "generic"  # generic, xenforo, phpbb
    alt_max_chars: int = 125  # screen readers cut long alt text
    video_controls: str = "auto"  # auto (controls when the loop is over 5 s: WCAG 2.2.2), always, never
    lazy: bool = True  # loading="lazy" decoding="async" on <img>


DEFAULT_EMBED = EmbedSettings()


@dataclass(frozen=True)
class CaptionSettings:
    """Burned-in captions (GIFs and stills): where the text comes from and how it looks."""

    subs: str = "auto"  # auto | off | FILE | track:N | lang:xxx (still: only when asked)
    subs_language: str | None = None  # preferred track language for auto; None: the locale's
    caption_style: str = "classic"  # classic (white, black outline, shadow) | yellow | boxed
    font: str | None = None  # a font file or fontconfig family; None: an installed font covering the text
    caption_size: float = 0.05  # text height as a fraction of the frame width (27 px at 540)
    caption_min_size: float = 0.035  # long lines shrink down to this before they are cut
    caption_position: str = "bottom"  # bottom | top ({\an8} in a subtitle still puts a line on top)
    caption_margin: float = 0.05  # safe margin, fraction of the frame width (sides) and height (top/bottom)
    caption_max_lines: int = 2  # lines per event; longer text shrinks, then is cut (and a note says so)


DEFAULT_CAPTION = CaptionSettings()


@dataclass(frozen=True)
class GifSettings:
    """``clipkit gif``: a time range to an optimised animated GIF (and MP4/WebP siblings)."""

    width: int | None = 540  # pixels (Tumblr/blog full width); None: the source's width
    height: int | None = None  # pixels; with width too, the exact size (crop first to avoid stretching)
    fps: Fraction = Fraction(20)  # output frames per second; at most 50. 20 = exactly 5 cs per frame
    colors: int = 256  # palette size, 2–256 (one entry is the transparent "unchanged" colour)
    dither: str = "none"  # none (smallest, best SSIM in bench/) | ordered (Bayer: stable, for few colours) | diffusion (Floyd–Steinberg)
    quality: int = 75  # 1–100: lower leaves more small changes unwritten (smaller); 100 writes every change
    crop: str | None = None  # None | "auto" (remove letterbox bars) | "W:H:X:Y" in display pixels
    speed: Fraction = Fraction(1)  # playback speed (2 = twice as fast)
    loop: str = "forever"  # forever | once | N (plays N times in all)
    bounce: bool = False  # play forward, then backward
    reverse: bool = False  # play backward
    max_size: int | None = None  # bytes; the GIF is made to fit (fewer colours, frames, pixels)
    max_tries: int = 6  # encodes tried at most to fit max_size
    also: tuple[str, ...] = ()  # sibling formats of the same clip: "mp4", "webp"
    mp4_crf: int = 23  # H.264 quality of the MP4 sibling (lower is better)
    webp_quality: int = 75  # quality of the animated WebP sibling
    per_scene_palette: bool = True  # a palette per shot when the clip crosses a cut
    naming: str = "{stem}_{start}_{end}"  # default output name: {stem} {start} {end}


DEFAULT_GIF = GifSettings()


@dataclass(frozen=True)
class ScenesSettings:
    """``clipkit scenes``: where the shots change (cuts, fades, dissolves)."""

    threshold: float = 35.0  # cut score a frame must reach (about 100 = unrelated shots); lower finds more cuts
    adaptive_ratio: float = 2.5  # and this many times its neighbours' scores (fast motion raises them all)
    min_scene: Fraction = Fraction(1, 2)  # seconds: a cut sooner than this after the last one is ignored
    flash_window: Fraction = Fraction(1, 4)  # seconds: a change that reverts within this is a flash, not a cut
    fades: bool = True  # find fades to/from black, white or a flat colour
    dissolves: bool = True  # find dissolves (one shot blended into the next)
    dissolve_window: Fraction = Fraction(3, 4)  # seconds either side of a dissolve's middle that are compared
    max_fade: Fraction = Fraction(3)  # seconds: the longest fade ramp measured
    analysis_width: int = 128  # pixels: frames are shrunk to this inside ffmpeg before any analysis
    fast_decode: bool = True  # skip H.264 deblocking while decoding (faster; invisible at analysis size)
    fast: bool = True  # coarse pass on reference frames, then full-rate windows only around cuts and fades (exact, ~half the decoding); False decodes every frame
    cache: bool = True  # reuse results for the same file and settings (~/.cache/clipkit/scenes)
    snap_window: Fraction = Fraction(1, 2)  # seconds: how far --snap moves a GIF's start/end to a shot boundary
    thumbnail_width: int = 240  # pixels: thumbnails in the HTML report


DEFAULT_SCENES = ScenesSettings()


@dataclass(frozen=True)
class StripSettings:
    """``clipkit strip``: a thumbnail strip (row, column) or contact sheet (grid) of chosen frames."""

    layout: str = "grid"  # grid | row | column
    count: int | None = None  # tiles; None: cols × rows, or 16 (grid) / 5 (row, column)
    cols: int | None = None  # tiles across (grid); None: from count
    rows: int | None = None  # tiles down (grid); None: from count
    width: int = 1000  # pixels: the whole image (a wide blog column); tiles are sized to fit
    gap: int = 6  # pixels between tiles
    margin: int | None = None  # pixels around the tiles; None: the gap
    background: str = "#101010"  # colour behind and between the tiles (any CSS-style name or #rrggbb)
    radius: int = 0  # pixels: rounded tile corners (0 = square)
    border: int = 0  # pixels: a frame line around each tile (0 = none)
    border_color: str = "#ffffff"
    labels: bool = True  # the frame's time on each tile
    label_position: str = "bottom-right"  # top-left | top-right | bottom-left | bottom-right
    label_format: str = "auto"  # auto (12:30, 1:02:03) | precise (12:30.458) | none
    label_size: int | None = None  # pixels; None: about a tenth of the tile height
    header: bool = False  # a header with the title and the file's facts
    title: str | None = None  # header title; None: the file's title tag, else its name
    font: str | None = None  # font file or family for labels and header; None: an installed one that covers the text
    skip_start: float = 7.0  # percent of the episode skipped at the start (opening titles)
    skip_end: float = 7.0  # percent skipped at the end (credits); both ignored for an explicit range
    window: Fraction = Fraction(1, 2)  # seconds either side of each slot searched for the best frame
    max_size: int | None = None  # bytes; JPEG/WebP quality is lowered to fit
    quality: int = 88  # JPEG/WebP quality (the highest tried when max_size is set)
    min_quality: int = 30  # the lowest quality tried to fit max_size
    workers: int = 2  # ffmpeg decoders run at once (one per slot)
    format: str = "png"  # used when the output name has no extension


DEFAULT_STRIP = StripSettings()


@dataclass(frozen=True)
class ClipSettings:
    """``clipkit clip``: a time range to a video file with its sound (or the sound alone).

    The ``limit_*`` fields are a platform's rules (set by its preset): a clip
    that breaks one is refused before encoding, with what to change.
    """

    format: str = "mp4"  # mp4 (H.264 + AAC) | webm (VP9 + Opus) | m4a (sound only, AAC)
    width: int | None = None  # pixels; None: the source's display width (or what height implies)
    height: int | None = None  # pixels; with width too, the exact size
    fps: Fraction | None = None  # output frame rate; None: the source's own frames and timestamps
    crop: str | None = None  # None | "auto" | "W:H:X:Y" in display pixels (as gif)
    audio: str = "on"  # on | off (no sound track)
    audio_track: int | None = None  # the N-th sound stream (from 0, as `clipkit info` lists them); None: the first
    crf: int = 20  # H.264 quality (lower is better; 18 looks lossless); VP9 uses crf + 12
    preset: str = "veryfast"  # x264 speed preset: bench/bench_clip.py measured veryfast as the speed/size balance
    audio_bitrate: int = 160_000  # bits per second (AAC; Opus gets 3/4 of it)
    max_size: int | None = None  # bytes: two-pass bitrate chosen so the file fits, never over
    max_tries: int = 3  # encodes tried at most to fit max_size
    copy: bool = False  # smart cut: copy the video stream, re-encode only START → next keyframe
    copy_fallback: str = "ask"  # when the codec cannot be matched: ask (error, say the options) | encode | snap
    fade_ms: int = 5  # audio fade in/out at the cut points (no click)
    soft_subs: bool = False  # the dialogue as a selectable subtitle track (mov_text / WebVTT)
    poster: bool = True  # a JPEG poster (the clip's best frame) beside the clip, for embeds
    limit_formats: tuple[str, ...] = ()  # formats the platform accepts (empty: any)
    limit_duration: Fraction | None = None  # seconds, longest clip the platform takes
    limit_min_duration: Fraction | None = None  # seconds, shortest
    limit_size: int | None = None  # bytes, largest file
    limit_width: int | None = None  # pixels
    limit_height: int | None = None  # pixels
    limit_fps: Fraction | None = None  # frames per second
    naming: str = "{stem}_{start}_{end}"  # default output name: {stem} {start} {end}


DEFAULT_CLIP = ClipSettings()
