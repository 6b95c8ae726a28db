"""The one home of every default, with the range each value may take.

Each job has a frozen dataclass of its settings.  Values are layered:
built-in default (here) < platform preset < series preset < flags the user
typed (or keywords of the Python call).  Every layer goes through one door,
:func:`clipkit.settings_apply.apply`: the same conversion (``"3MB"``,
``"500ms"``, ``"true"``), the same range checks and the same "did you mean"
for a typo.  A field's name is its preset key, its ``--set TABLE.KEY`` and its
keyword in the API; its range sits beside it (``setting(..., min=, max=,
choices=)``), and a class's ``check()`` holds the rules that span fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any


#: Choices named by other modules too (the encoder, the strip layout): declared here, once.
GIF_DITHERS = ("none", "ordered", "diffusion", "gradient")
GIF_SIBLINGS = ("mp4", "webp")
BBCODE_DIALECTS = ("generic", "xenforo", "phpbb")
CLIP_FORMATS = ("mp4", "webm", "m4a")
X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow")
STRIP_LAYOUTS = ("grid", "row", "column")
#: The snippet formats (``embed/snippet.py`` renders each; ``none`` prints nothing).
EMBED_FORMATS = ("html", "wordpress", "wordpress-classic", "blogger", "ghost", "hugo", "markdown", "bbcode",
                 "bbcode-xenforo", "bbcode-phpbb", "video", "picture")


def _embed_format(value: Any) -> str | None:
    """A ``valid=`` check of ``[embed] format`` (any case, as ``--embed`` takes it): a typo was taken and
    failed only after the file was made, without the name meant."""
    name = str(value).strip().lower()
    if name == "none" or name in EMBED_FORMATS:
        return None
    from .settings_apply import close_match

    close = close_match(name, EMBED_FORMATS)
    return "is not an embed format" + (f" (did you mean {close!r}?)" if close else "")

STRIP_LABEL_POSITIONS = ("top-left", "top-right", "bottom-left", "bottom-right")


def _crop(value: Any) -> str | None:
    """A ``valid=`` check of a crop's form (``auto`` or ``W:H[:X:Y]``): a preset's ``crop = "abc"`` was taken and
    refused only at decoding, as a ``--crop`` the user never typed.  Its size against the picture (too small,
    too big) is checked then, by render.crop.parse_crop, which knows the picture."""
    from .render.crop import CROP_RE

    text = str(value).strip()
    return None if text == "auto" or CROP_RE.match(text) else "is not W:H:X:Y, W:H (centred) or auto"


def _crop_in_pixels(value: Any) -> str | None:
    """A ``file_valid=`` check of a crop written in a preset or job file: a side under MIN_CROP (``4:3``, ``16:9``) is
    a shape read as pixels, refused when the file is read (a typed ``--crop`` is refused at decoding, where the
    picture gives the example its own size)."""
    from .render.crop import CROP_RE, MIN_CROP

    m = CROP_RE.match(str(value))
    if not m or min(int(m.group(1)), int(m.group(2))) >= MIN_CROP:
        return None
    w, h = int(m.group(1)), int(m.group(2))
    example = f"{round(360 * w / h) // 2 * 2}:360" if h else "640:360"
    return (f"keeps only {w}×{h} pixels (a crop is in pixels, not an aspect ratio: a {w}:{h} picture 360 px high "
            f"is {example})")


def _colour(value: Any) -> str | None:
    """A ``valid=`` check of a colour (``#rrggbb``, ``#rgb`` or a name): a preset's ``background = "blakc"`` was
    taken and refused only when a strip was drawn, without the preset's name or the colour meant."""
    from PIL import ImageColor

    text = str(value).strip()
    if len(text) in (3, 6) and all(ch in "0123456789abcdefABCDEF" for ch in text):
        text = "#" + text
    try:
        ImageColor.getrgb(text)
        return None
    except ValueError:
        from .settings_apply import close_match

        close = close_match(text.lower(), ImageColor.colormap)
        return "is not a colour" + (f" (did you mean {close!r}?)" if close else "")


_COLOUR_HINT = "use #rrggbb (e.g. #101010) or a name such as black or white"


def _base_url(value: Any) -> str | None:
    """A ``valid=`` check of ``[embed] base_url``: a preset's "https://x/?a=1" or "javascript:" was refused only
    when a snippet was printed, after the file was made (``--base-url`` is checked before any work)."""
    from .embed.urls import base_url_problem

    problem = base_url_problem(str(value))
    return problem[0] if problem else None


def _language(value: Any) -> str | None:
    """A ``valid=`` check of a language: an ISO 639 code (``en``, ``jpn``, ``pt-BR``); a name such as "japanese"
    matched no track, and the default track was taken without a word."""
    from .language import is_language_code

    return None if is_language_code(str(value)) else "is not a language code"


def _subs(value: Any) -> str | None:
    """A ``valid=`` check of ``[caption] subs``' track and language forms: a preset's "track:one" or "lang:" failed
    at every command as "--subs track:one: the track must be a number", a flag never typed."""
    low = str(value).strip().lower()
    if low.startswith("track:") and not low[6:].strip().isdigit():
        return "is not track:N (N a track number, as `clipkit info` lists them)"
    if low.startswith("lang:") and _language(low[5:]):
        return "is not lang:CODE (an ISO 639 code, e.g. lang:jpn)"
    return None


def _plays(loop: Any) -> bool:
    text = str(loop).strip().lower()
    return text in ("forever", "infinite", "once") or (text.isdigit() and int(text) <= 65536)


def _naming(*names: str, what: str = "a name template", numbers: tuple[str, ...] = ()):
    """A ``valid=`` check of an output-name template that fills in ``names`` (text, but ``numbers``: whole
    numbers, so ``{ep:02d}`` is right there): a misspelt ``{stme}``, a ``{start:02d}`` or an unclosed ``{`` is
    said when the setting is given, not as a KeyError after the frames were decoded (``what`` the template is,
    for that message)."""
    names = names + numbers
    def problem(template: Any) -> str | None:
        import string

        try:
            for _, field_name, _, _ in string.Formatter().parse(str(template)):
                if field_name is not None and field_name not in names:
                    from .settings_apply import close_match

                    close = close_match(field_name, names) if field_name else None
                    return f"has an unknown placeholder {{{field_name}}}" + (f" (did you mean {{{close}}}?)" if close else "")
            str(template).format(**{n: 7 if n in numbers else "x" for n in names})
        except (ValueError, KeyError, IndexError, AttributeError) as exc:
            return f"is not {what} ({exc})"
        return None
    return problem


#: Strip tiles when neither a count nor a shape is given, per layout.
STRIP_DEFAULT_COUNT = {"grid": 16, "row": 5, "column": 5}


def setting(default: Any, *, min: Any = None, max: Any = None, above: Any = None, choices: tuple | None = None,
            size: bool = False, valid: Any = None, file_valid: Any = None, hint: str | None = None,
            over: str | None = None, same_output: bool = False) -> Any:
    """A settings field with its allowed values: ``min``/``max`` inclusive, ``above`` exclusive,
    ``choices`` (for a tuple: of each item), ``size`` (bytes, written ``"3MB"``), ``valid(value)``
    (what is wrong with it, or None), ``file_valid(value)`` (the same, checked only for a value read from a
    preset or job file: a typed value is checked where it is used, which can say more), and the ``hint`` an error
    about it gives (``over``: the hint for a value above ``max`` only — why that is the limit); ``same_output``: the field changes how, not what, is made (left out of a batch's "up to date?"
    fingerprint)."""
    meta = {"min": min, "max": max, "above": above, "choices": choices, "size": size or None, "valid": valid,
            "file_valid": file_valid, "hint": hint, "over": over, "same_output": same_output or None}
    return field(default=default, metadata={k: v for k, v in meta.items() if v is not None})


__all__ = ["setting", "keywords_checked_init", "EmbedOptions", "STRIP_DEFAULT_COUNT", "GIF_DITHERS", "GIF_SIBLINGS", "BBCODE_DIALECTS", "CLIP_FORMATS", "X264_PRESETS", "STRIP_LAYOUTS", "EMBED_FORMATS", "STRIP_LABEL_POSITIONS", "still_captions", "StillSettings", "DEFAULT_STILL", "SeriesSettings", "DEFAULT_SERIES", "EmbedSettings", "DEFAULT_EMBED", "CaptionSettings", "DEFAULT_CAPTION", "GifSettings", "DEFAULT_GIF", "ScenesSettings", "DEFAULT_SCENES", "StripSettings", "DEFAULT_STRIP", "ClipSettings", "DEFAULT_CLIP"]


@dataclass(frozen=True)
class StillSettings:
    """``clipkit still``: one frame to an image file."""

    width: int | None = setting(None, min=16, max=8192)  # None: the display size of the video
    best: bool = False  # pick the sharpest usable frame near the time
    best_window: Fraction = setting(Fraction(1, 2), above=0, max=30)  # seconds either side searched by ``best``
    jpeg_quality: int = setting(90, min=1, max=100)
    webp_quality: int = setting(90, min=0, max=100)
    format: str = setting("png", choices=("png", "jpg", "jpeg", "webp"))  # used when the output name has no extension
    crop: str | None = setting(None, valid=_crop, file_valid=_crop_in_pixels, hint="a crop is W:H:X:Y in pixels, e.g. 640:272:0:44, or auto to remove black bars")  # None | "auto" (black bars found in frames around the time) | "W:H:X:Y" in display pixels (as gif)


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
    episode_pattern: str = setting("*e{ep:02d}.*", valid=_naming(what="an episode file pattern", numbers=("ep", "episode")),
                                   hint="{ep} is the episode number, e.g. *e{ep:02d}.* or show-s01e{ep:02d}.mkv")  # file name of episode N ({ep} formatted, then matched as a glob)
    output: str = "clipkit-out"  # folder a batch writes to
    naming: str = setting("{stem}_{tag}", valid=_naming("series", "stem", "kind", "tag", "name",
                                                        numbers=("ep", "episode", "index")),
                          hint="the placeholders are {series} {ep} {stem} {kind} {tag} {index}, e.g. {stem}_{tag}")  # batch output names: {series} {ep} {stem} {kind} {tag} {index}
    # (subtitle language, base URL and credit are [caption] subs_language, [embed] base_url and credit)


DEFAULT_SERIES = SeriesSettings()


@dataclass(frozen=True)
class EmbedSettings:
    """Embed snippets (``--embed``, ``clipkit embed``): format, URLs, credit, spoiler."""

    format: str = setting("html", valid=_embed_format, hint="use one of: " + ", ".join(EMBED_FORMATS) + ", none")  # html, wordpress, wordpress-classic, blogger, ghost, hugo, markdown, bbcode, video, picture, none
    base_url: str = setting("", valid=_base_url, hint="give the folder the files will be in: https://myblog.example/"
                                                      "uploads/2026/11/, a site path such as /uploads/, or a relative "
                                                      "folder")  # where the files will be once uploaded ("" = relative paths)
    credit: str = ""  # who to credit under each image, e.g. the broadcaster ("" = no credit line)
    credit_format: str = setting("Credit: {credit}", valid=_naming("credit", what="a credit line"),
                                 hint='{credit} is the credit, e.g. "Credit: {credit}" or "Screenshots: {credit}"')  # how the credit line reads
    spoiler: bool = False  # wrap snippets in the platform's spoiler form
    spoiler_label: str = "Spoiler"  # the text on the spoiler's summary / BBCode title
    bbcode_dialect: str = setting("generic", choices=BBCODE_DIALECTS)  # generic, xenforo, phpbb
    alt_max_chars: int = setting(125, min=1)  # screen readers cut long alt text
    video_controls: str = setting("auto", choices=("auto", "always", "never"))  # auto (controls when the loop is over 5 s: WCAG 2.2.2), always, never
    lazy: bool = True  # loading="lazy" decoding="async" on <img>


DEFAULT_EMBED = EmbedSettings()


@dataclass(frozen=True)
class CaptionSettings:
    """Burned-in captions (GIFs and stills): where the text comes from and how it looks."""

    subs: str = setting("auto", valid=_subs, hint="auto, off, a subtitle file, track:N or lang:xxx")  # auto | off | FILE | track:N | lang:xxx (still: only when asked)
    subs_language: str | None = setting(None, valid=_language, hint="give an ISO 639 code, e.g. eng, jpn, ko, zh-TW")  # preferred track language for auto; None: the locale's
    caption_style: str = setting("classic", choices=("classic", "yellow", "boxed"))  # classic (white, black outline, shadow) | yellow | boxed
    font: str | None = None  # a font file or fontconfig family; None: an installed font covering the text
    caption_size: float = setting(0.05, min=0.005, max=0.5)  # text height as a fraction of the frame width (27 px at 540)
    caption_min_size: float = setting(0.035, min=0.005, max=0.5)  # long lines shrink down to this before they are cut
    caption_position: str = setting("bottom", choices=("bottom", "top"))  # bottom | top ({\an8} in a subtitle still puts a line on top)
    caption_margin: float = setting(0.05, min=0, max=0.44)  # safe margin, fraction of the frame width (sides) and height (top/bottom)
    caption_max_lines: int = setting(2, min=1)  # lines per event; longer text shrinks, then is cut (and a note says so)


DEFAULT_CAPTION = CaptionSettings()


def still_captions(caption: CaptionSettings | None, *, asked: bool) -> CaptionSettings:
    """The one home of the stills' rule: a still carries dialogue only when asked (``subs`` given
    to the call, the flag, the job, or a preset's ``[caption] subs``); otherwise ``subs`` is off."""
    caption = caption or DEFAULT_CAPTION
    return caption if asked else replace(caption, subs="off")


@dataclass(frozen=True)
class GifSettings:
    """``clipkit gif``: a time range to an optimised animated GIF (and MP4/WebP siblings)."""

    width: int | None = setting(540, min=16, max=4096)  # pixels (Tumblr/blog full width); None: the source's width
    height: int | None = setting(None, min=16, max=4096)  # pixels; with width too, the exact size (crop first to avoid stretching)
    fps: Fraction = setting(Fraction(20), above=0, max=50,  # (encode.gif.MAX_FPS)
                            over="browsers play delays under 2 cs as 10 cs; use 50 fps or less (20 is exact)")  # output frames per second; at most 50. 20 = exactly 5 cs per frame
    colors: int = setting(256, min=2, max=256, over="GIF frames hold at most 256 colours")  # palette size, 2–256 (one entry is the transparent "unchanged" colour)
    dither: str = setting("none", choices=GIF_DITHERS)  # none (smallest, best SSIM in bench/) | ordered (Bayer: stable, for few colours) | diffusion (Floyd–Steinberg) | gradient (pattern on flat areas only)
    quality: int = setting(90, min=1, max=100)  # 1–100, about gifski's -Q scale: lower leaves more small changes unwritten; below 80 also fewer colours (70 → 144, 50 → 45, 30 → 14; encode/gif/quality.py); 100 writes every change, error-diffused (encode/gif/diffuse.py)
    crop: str | None = setting(None, valid=_crop, file_valid=_crop_in_pixels, hint="a crop is W:H:X:Y in pixels, e.g. 640:272:0:44, or auto to remove black bars")  # None | "auto" (remove letterbox bars) | "W:H:X:Y" in display pixels
    speed: Fraction = setting(Fraction(1), min=Fraction(1, 16), max=16, hint="e.g. 0.5 for slow motion, 2 for twice as fast")  # playback speed (2 = twice as fast)
    loop: str = setting("forever", valid=lambda v: None if _plays(v) else "is not forever, once or a number of plays",
                        hint="e.g. forever, once, 3")  # forever | once | N (plays N times in all)
    bounce: bool = False  # play forward, then backward
    reverse: bool = False  # play backward
    max_size: int | None = setting(None, above=0, size=True)  # bytes; the GIF is made to fit (fewer colours, frames, pixels)
    max_tries: int = setting(8, min=1, max=20)  # encodes tried at most to fit max_size
    also: tuple[str, ...] = setting((), choices=GIF_SIBLINGS)  # sibling formats of the same clip: "mp4", "webp"
    mp4_crf: int = setting(23, min=0, max=51)  # H.264 quality of the MP4 sibling (lower is better)
    webp_quality: int = setting(75, min=0, max=100)  # quality of the animated WebP sibling
    per_scene_palette: bool = True  # a palette per shot when the clip crosses a cut
    naming: str = setting("{stem}_{start}_{end}", valid=_naming("stem", "start", "end"),
                          hint="the placeholders are {stem} {start} {end}, e.g. {stem}_{start}_{end}")  # default output name: {stem} {start} {end}
    frame_memory: int = setting(100_000_000, min=0, size=True, same_output=True)  # bytes of frames kept in memory; the rest go to a temporary file (TMPDIR), so memory does not grow with length



DEFAULT_GIF = GifSettings()


@dataclass(frozen=True)
class ScenesSettings:
    """``clipkit scenes``: where the shots change (cuts, fades, dissolves)."""

    threshold: float = setting(35.0, above=0, max=255, hint="default 35; lower finds more cuts")  # cut score a frame must reach (about 100 = unrelated shots); lower finds more cuts
    adaptive_ratio: float = setting(2.5, min=0)  # and this many times its neighbours' scores (fast motion raises them all)
    min_scene: Fraction = setting(Fraction(1, 2), min=0)  # seconds: a cut sooner than this after the last one is ignored
    flash_window: Fraction = setting(Fraction(1, 4), min=0)  # seconds: a change that reverts within this is a flash, not a cut
    fades: bool = True  # find fades to/from black, white or a flat colour
    dissolves: bool = True  # find dissolves (one shot blended into the next)
    dissolve_window: Fraction = setting(Fraction(3, 4), above=0)  # seconds either side of a dissolve's middle that are compared
    max_fade: Fraction = setting(Fraction(3), above=0)  # seconds: the longest fade ramp measured
    analysis_width: int = setting(128, min=16, max=1920)  # pixels: frames are shrunk to this inside ffmpeg before any analysis
    fast_decode: bool = True  # skip H.264 deblocking while decoding (faster; invisible at analysis size)
    fast: bool = True  # coarse pass on reference frames, then full-rate windows only around cuts and fades (exact, ~half the decoding); False decodes every frame
    one_pass_frames: int = setting(600, min=0)  # a range shorter than this many 640×360 frames (scaled by picture size) is decoded in one full-rate pass: one ffmpeg start instead of a coarse pass and its windows
    cache: bool = True  # reuse results for the same file and settings (~/.cache/clipkit/scenes)
    snap_window: Fraction = setting(Fraction(1, 2), min=0)  # seconds: how far --snap moves a GIF's start/end to a shot boundary
    thumbnail_width: int = setting(240, min=16, max=4096)  # pixels: thumbnails in the HTML report


DEFAULT_SCENES = ScenesSettings()


@dataclass(frozen=True)
class StripSettings:
    """``clipkit strip``: a thumbnail strip (row, column) or contact sheet (grid) of chosen frames."""

    layout: str = setting("grid", choices=STRIP_LAYOUTS)  # grid | row | column
    count: int | None = setting(None, min=1)  # tiles; None: cols × rows, or STRIP_DEFAULT_COUNT
    cols: int | None = setting(None, min=1)  # tiles across (grid); None: from count
    rows: int | None = setting(None, min=1)  # tiles down (grid); None: from count
    width: int = setting(1000, min=16, max=20000)  # pixels: the whole image (a wide blog column); tiles are sized to fit
    crop: str | None = setting(None, valid=_crop, file_valid=_crop_in_pixels, hint="a crop is W:H:X:Y in pixels, e.g. 640:272:0:44, or auto to remove black bars")  # None | "auto" (black bars found in four frames of the span) | "W:H:X:Y" in display pixels (as gif)
    gap: int = setting(6, min=0)  # pixels between tiles
    margin: int | None = setting(None, min=0)  # pixels around the tiles; None: the gap
    background: str = setting("#101010", valid=_colour, hint=_COLOUR_HINT)  # colour behind and between the tiles (any CSS-style name or #rrggbb)
    radius: int = setting(0, min=0)  # pixels: rounded tile corners (0 = square)
    border: int = setting(0, min=0)  # pixels: a frame line around each tile (0 = none)
    border_color: str = setting("#ffffff", valid=_colour, hint=_COLOUR_HINT)
    labels: bool = True  # the frame's time on each tile
    label_position: str = setting("bottom-right", choices=STRIP_LABEL_POSITIONS)  # top-left | top-right | bottom-left | bottom-right
    label_format: str = setting("auto", choices=("auto", "precise", "none"))  # auto (12:30, 1:02:03) | precise (12:30.458) | none
    label_size: int | None = setting(None, min=4)  # pixels; None: about a tenth of the tile height (of ¾ its width on tall tiles)
    header: bool = False  # a header with the title and the file's facts
    title: str | None = None  # header title; None: the file's title tag, else its name
    font: str | None = None  # font file or family for labels and header; None: an installed one that covers the text
    skip_start: float = setting(7.0, min=0, max=99)  # percent of the episode skipped at the start (opening titles)
    skip_end: float = setting(7.0, min=0, max=99)  # percent skipped at the end (credits); both ignored for an explicit range
    window: Fraction = setting(Fraction(1, 2), above=0)  # seconds either side of each slot searched for the best frame
    max_size: int | None = setting(None, above=0, size=True)  # bytes; JPEG/WebP quality is lowered to fit
    quality: int = setting(88, min=1, max=100)  # JPEG/WebP quality (the highest tried when max_size is set)
    min_quality: int | None = setting(None, min=1, max=100)  # the lowest quality tried to fit max_size; None: 30, or quality if lower
    workers: int = setting(2, min=1, max=64)  # ffmpeg decoders run at once (one per slot)
    format: str = setting("png", choices=("png", "jpg", "jpeg", "webp"))  # used when the output name has no extension

    def check(self) -> str | None:
        if self.min_quality is not None and self.min_quality > self.quality:
            return f"min_quality {self.min_quality} is above quality {self.quality}: use 1 ≤ min_quality ≤ quality ≤ 100"
        return None


DEFAULT_STRIP = StripSettings()
#: The lowest JPEG/WebP quality a strip's max_size fit tries when min_quality is not set (or quality, if lower).
STRIP_MIN_QUALITY = 30


@dataclass(frozen=True)
class ClipSettings:
    """``clipkit clip``: a time range to a video file with its sound (or the sound alone).

    The ``limit_*`` fields are a platform's rules (set by its preset): a clip
    that breaks one is refused before encoding, with what to change.
    """

    format: str = setting("mp4", choices=CLIP_FORMATS)  # mp4 (H.264 + AAC) | webm (VP9 + Opus) | m4a (sound only, AAC)
    width: int | None = setting(None, min=16, max=7680)  # pixels; None: the source's display width (or what height implies)
    height: int | None = setting(None, min=16, max=4320)  # pixels; with width too, the exact size
    fps: Fraction | None = setting(None, above=0, max=240, hint="leave it out to keep the source's frames")  # output frame rate; None: the source's own frames and timestamps
    crop: str | None = setting(None, valid=_crop, file_valid=_crop_in_pixels, hint="a crop is W:H:X:Y in pixels, e.g. 640:272:0:44, or auto to remove black bars")  # None | "auto" | "W:H:X:Y" in display pixels (as gif)
    audio: str = setting("on", choices=("on", "off"))  # on | off (no sound track)
    audio_track: int | None = setting(None, min=0)  # the N-th sound stream (from 0, as `clipkit info` lists them); None: the first
    crf: int = setting(20, min=0, max=51)  # H.264 quality (lower is better; 18 looks lossless); VP9 uses crf + 12
    preset: str = setting("veryfast", choices=X264_PRESETS,
                          hint="use one of: " + ", ".join(X264_PRESETS) + " (x264's speed; a platform or series "
                               "preset is --preset NAME, in Python settings=clipkit.resolve_presets(NAME)['clip'])")  # x264 speed preset: bench/bench_clip.py measured veryfast as the speed/size balance
    audio_bitrate: int = setting(160_000, min=8_000, max=1_000_000)  # bits per second (AAC; Opus gets 3/4 of it)
    max_size: int | None = setting(None, above=0, size=True)  # bytes: two-pass bitrate chosen so the file fits, never over
    max_tries: int = setting(3, min=1, max=10)  # encodes tried at most to fit max_size
    copy: bool = False  # smart cut: copy the video stream, re-encode only START → next keyframe
    copy_fallback: str = setting("ask", choices=("ask", "encode", "snap"))  # when the codec cannot be matched: ask (error, say the options) | encode | snap
    fade_ms: int = setting(5, min=0, max=1000)  # audio fade in/out at the cut points (no click)
    soft_subs: bool = False  # the dialogue as a selectable subtitle track (mov_text / WebVTT)
    poster: bool = True  # a JPEG poster (the clip's best frame) beside the clip, for embeds
    limit_platform: str | None = setting(None, same_output=True)  # whose limits the limit_* are ("Discord"), named in their errors
    limit_formats: tuple[str, ...] = setting((), choices=CLIP_FORMATS)  # formats the platform accepts (empty: any)
    limit_duration: Fraction | None = setting(None, above=0)  # seconds, longest clip the platform takes
    limit_min_duration: Fraction | None = setting(None, min=0)  # seconds, shortest
    limit_size: int | None = setting(None, above=0, size=True)  # bytes, largest file
    limit_width: int | None = setting(None, min=16)  # pixels
    limit_height: int | None = setting(None, min=16)  # pixels
    limit_fps: Fraction | None = setting(None, above=0)  # frames per second
    naming: str = setting("{stem}_{start}_{end}", valid=_naming("stem", "start", "end"),
                          hint="the placeholders are {stem} {start} {end}, e.g. {stem}_{start}_{end}")  # default output name: {stem} {start} {end}


    def check(self) -> str | None:
        if self.format == "m4a" and self.audio == "off":
            from .errors import option

            return (f"{option('format', 'm4a', flag='--audio-only')} with {option('audio', 'off')} leaves nothing to write: "
                    "drop one of them")
        return None


DEFAULT_CLIP = ClipSettings()


@dataclass(frozen=True)
class EmbedOptions:
    """What one snippet is asked for, beyond :class:`EmbedSettings` (``None``: not given — the
    settings, or what the manifest recorded, decide).  One value shared by the ``--embed`` flags of
    gif/still/strip, ``clipkit embed``, :func:`clipkit.snippet` and :func:`clipkit.embed`."""

    format: str | None = None  # html, wordpress, … (clipkit.EMBED_FORMATS) or none
    base_url: str | None = None  # where the files will be once uploaded
    alt: str | None = None  # alt text (default: the dialogue in the clip, trimmed)
    title: str | None = None  # visible caption under the image
    credit: str | None = None  # credit line, e.g. "Fuji TV"
    spoiler: bool | None = None  # wrap in the platform's spoiler form
    dialect: str | None = None  # BBCode spoiler form: generic, xenforo, phpbb

    #: The choices remembered in the manifest with the file (``clipkit embed --all`` reuses them).
    RECORDED = ("alt", "title", "credit", "spoiler")

    def recorded(self) -> dict:
        return {k: getattr(self, k) for k in self.RECORDED if getattr(self, k) is not None}


def keywords_checked_init(cls: type) -> None:
    """``cls(titel=…)`` is the UsageError with "did you mean" that every keyword of the API gives, not
    Python's ``TypeError: __init__() got an unexpected keyword argument`` (settings_apply.keywords_checked,
    bound at the first call: settings_apply imports this module)."""
    init = cls.__init__
    checked = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        nonlocal checked
        if checked is None:
            from .settings_apply import keywords_checked

            checked = keywords_checked(init, f"{cls.__name__}: ")
        checked(self, *args, **kwargs)

    __init__.__doc__, __init__.__wrapped__ = init.__doc__, init  # type: ignore[attr-defined]
    cls.__init__ = __init__  # type: ignore[method-assign]


keywords_checked_init(EmbedOptions)
