"""``make_strip``: a thumbnail strip or contact sheet of well-chosen frames.

The job: check the settings, plan the layout and the slots
(:mod:`.strip_slots`), choose a frame per slot (:mod:`.strip_frames`, with
:mod:`clipkit.scenes.choice` saying what a good frame is), draw the sheet
(:mod:`clipkit.render.strip`) and encode it within the size budget
(:func:`clipkit.encode.image.encode_image`).  The tile's label is the chosen
frame's own time, never the slot's.
"""

from __future__ import annotations

import math
import os
from fractions import Fraction

from PIL import Image

from .find import Line, said_range
from ..artifact import Artifact, sha256_of
from ..atomic import atomic_write_bytes
from ..encode.image import encode_image, image_format_for
from ..errors import OutputError, UsageError, option
from ..media.hdr import hdr_kind
from ..media.probe import MediaInfo, probe
from ..progress import ProgressFn, report
from ..render import strip as layout_mod
from ..render.crop import CropBox, crop_filter
from ..render.strip import label_size, tile_label, tile_labels
from ..scenes.choice import alike
from ..settings import DEFAULT_STRIP, STRIP_MIN_QUALITY, EmbedOptions, StripSettings
from ..settings_apply import apply, expect
from ..timecode import TimeRange, format_time
from .from_frames import takes_frames
from .naming import output_path
from ..outputs import check_outputs, font_input
from .range_choice import choose_crop, decoded_frame_size
from .strip_frames import Tile, choose_tiles
from .captions import incomplete_note
from .strip_slots import Slot, parse_range_text, plan_slots, scene_slots
from .recording import recorded

__all__ = ["make_strip", "choose_tiles", "plan_slots", "Slot", "Tile", "tile_label", "parse_range_text"]


def _facts(info: MediaInfo) -> str:
    v = info.require_video()
    w, h = v.display_size
    kind = hdr_kind(v)  # an HDR source says so (its tiles are tone-mapped to SDR)
    bits = [f"{format_time(Fraction(math.floor(info.duration)))}", f"{w}×{h}"]
    if not info.label:  # frames: the codec and size are the temporary file's, nothing the user gave
        bits.append(v.codec + (f" {kind}" if kind else ""))
    if v.frame_rate:
        bits.append(f"{float(v.frame_rate):.3f}".rstrip("0").rstrip(".") + " fps")
    if not info.label:
        bits.append(f"{info.size_bytes / 1e6:.1f} MB" if info.size_bytes < 1e9 else f"{info.size_bytes / 1e9:.2f} GB")
    return f"{info.name}  ·  " + "  ·  ".join(bits)


def _encode(image: Image.Image, fmt: str, quality: int) -> bytes:
    return encode_image(image, fmt, quality=quality)


def _human(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} KB"


def _fit(image: Image.Image, fmt: str, s: StripSettings) -> tuple[bytes, str | None]:
    """The encoded image within ``max_size`` (highest quality that fits) and a note on the quality used."""
    if s.max_size is None:
        return _encode(image, fmt, s.quality), None
    if fmt == "PNG":
        data = _encode(image, fmt, 0)
        if len(data) > s.max_size:
            raise OutputError(f"the sheet is {_human(len(data))} as PNG, over the {_human(s.max_size)} budget",
                             f"write .jpg or .webp (their quality is lowered to fit), or make it narrower with {option('width')}")
        return data, None
    floor = min(STRIP_MIN_QUALITY, s.quality) if s.min_quality is None else s.min_quality  # --quality 20 is allowed
    lo, hi = floor, s.quality
    best = None
    while lo <= hi:
        q = (lo + hi) // 2
        data = _encode(image, fmt, q)
        if len(data) <= s.max_size:
            best, lo = (data, q), q + 1
        else:
            hi = q - 1
    if best is None:
        smallest = _encode(image, fmt, floor)
        raise OutputError(f"the sheet is {_human(len(smallest))} even at quality {floor}, over the {_human(s.max_size)} budget",
                         f"allow more with {option('max_size')}, or make it smaller with {option('width')} or fewer tiles")
    data, q = best
    return data, (f"quality {q} to fit {_human(s.max_size)}" if q < s.quality else None)


# ---------------------------------------------------------------- the job


@takes_frames()
def make_strip(
    source: str | os.PathLike | MediaInfo,
    output: str | os.PathLike | None = None,
    *,
    settings: StripSettings | None = None,
    progress: ProgressFn | None = None,
    at: str | list | tuple | None = None,
    range_: str | tuple | None = None,
    per_scene: bool = False,
    record: bool = True,
    embed: EmbedOptions | None = None,
    line: "str | Line | None" = None,
    overwrite: bool = False,
    **overrides,
) -> Artifact:
    """Write a strip / contact sheet of the best frames of ``source``; return what was made.

    ``output`` is a file (``.png``, ``.jpg``, ``.webp``) or a folder; by
    default ``<video stem>_strip.png`` here.  Frames come evenly from the
    episode (opening and credits skipped), from ``range_`` (``"12:00-18:00"``
    or a pair), one per shot (``per_scene``), or exactly at ``at``
    (``"12:30,14:02"`` or a list).  ``overrides`` are
    :class:`~clipkit.settings.StripSettings` fields (``layout``, ``count``,
    ``cols``, ``rows``, ``width``, ``header``, ``max_size``, …).  The file is
    recorded in its folder's manifest (``record``).  ``line`` (text
    or a :class:`~clipkit.pipeline.find.Line`) makes the range that stretch
    of dialogue, as for ``make_gif``.
    """
    expect(embed, EmbedOptions, "embed")
    s = apply(expect(settings, StripSettings, "settings") or DEFAULT_STRIP, overrides)
    if sum(x is not None and x is not False for x in (at, per_scene or None)) > 1:
        raise UsageError(f"{option('at')} and {option('per_scene', True)} choose frames in different ways", "give only one of them")
    if at is not None and range_ is not None:
        raise UsageError(f"{option('at')} gives exact moments, so {option('range_', flag='--range')} does not apply", "give only one of them")
    info = source if isinstance(source, MediaInfo) else probe(source)
    said = said_range(info, range_, None, what="a strip", scene=at, line=line)
    if said is not None:
        range_ = (said.start, said.end)
    video = info.require_video()
    path = output_path(output, info.path, "strip", s.format)
    fmt = image_format_for(path)  # an unknown extension fails before any decoding
    check_outputs([path], [info.path, font_input(s.font)], overwrite=overwrite)
    background = layout_mod.parse_color(s.background)
    border_color = layout_mod.parse_color(s.border_color)

    # The shape first (bad counts fail fast), then the slots.
    n_at = None
    if at is not None:
        n_at = len([a for a in (at.split(",") if isinstance(at, str) else at) if not (isinstance(a, str) and not a.strip())])
        if s.count is not None and s.count != n_at:
            raise UsageError(f"{option('count', s.count)} but {n_at} times given with {option('at')}", f"leave out {option('count')} with {option('at')}")
    count, cols, rows = layout_mod.grid_shape(s.layout, n_at or s.count, s.cols, s.rows)

    # Fonts before decoding: a title no installed font covers fails now, naming a font to install.
    from ..render.captions.line import TextLine
    from ..render.fonts import find_font, load_font

    header = None
    margin = s.gap if s.margin is None else s.margin
    if s.header or s.title is not None:  # a title asks for the header
        title = s.title if s.title is not None else (info.title or info.path.stem)
        facts = _facts(info)
        title_size = max(14, round(s.width / 36))
        facts_size = max(11, round(title_size * 0.62))
        # each line in the faces that have its characters (a Japanese title, an Arabic file name), as a caption
        header = layout_mod.Header(title=TextLine(title, title_size, font=s.font, bold=s.font is None),
                                   facts=TextLine(facts, facts_size, font=s.font) if facts else None)
    if per_scene:
        grid = s.layout == "grid"
        cap = s.count or (s.cols * s.rows if grid and s.cols and s.rows else None)  # --cols 4 --rows 2: the 8 longest
        slots, shots = scene_slots(info, cap, range_, None)
        if not slots:
            raise UsageError("no shots were found", f"try without {option('per_scene', True)}")
        # The shots found set the count: --cols fixes the columns (the rows follow), else --rows the rows.
        count, cols, rows = layout_mod.grid_shape(s.layout, len(slots), s.cols if grid else None,
                                                  s.rows if grid and not s.cols else None)
        where = (f"one frame per shot ({len(slots)} shot{'s' if len(slots) != 1 else ''})" if len(slots) == shots
                 else f"one frame per shot (the {len(slots)} longest of {shots} shots)")
    else:
        slots, where = plan_slots(info, count, s, range_=range_, at=at)
    crop_notes: list[str] = []
    box = _crop_box(info, s, slots, crop_notes)
    pre = [crop_filter(box, video.display_size, decoded_frame_size(info))] if box is not None else []
    aspect = Fraction(box.width, box.height) if box is not None else video.display_aspect
    plan = layout_mod.plan_layout(count, cols, rows, width=s.width, aspect=aspect, gap=s.gap, margin=s.margin,
                                  header_height=layout_mod.header_height(header, margin))

    label_font = None
    if s.labels and s.label_format != "none":  # sized on the final plan (--per-scene changes it)
        label_font = load_font(find_font("0123456789:.", font=s.font), s.label_size or label_size(plan))

    tiles = choose_tiles(info, slots, (plan.tile_width, plan.tile_height), window=s.window,
                         workers=s.workers, progress=progress, pre=pre)
    labels = tile_labels([t.time for t in tiles], s.label_format) if label_font is not None else None
    image = layout_mod.render_strip(
        [t.image for t in tiles], plan, background=background, radius=s.radius, border=s.border,
        border_color=border_color, labels=labels, label_font=label_font, label_position=s.label_position,
        header=header, margin=margin,
    )
    data, quality_note = _fit(image, fmt, s)
    report(progress, len(slots), len(slots))  # one last chance to stop before writing
    atomic_write_bytes(path, data)

    # times as clipkit prints them elsewhere (rounded, like the alt text): typed back, each is on its tile's frame
    notes = [f"{count} tile{'s' if count != 1 else ''} from {where}: " + _listed([format_time(t.time) for t in tiles])]
    notes.extend(crop_notes)
    if header is not None:  # a --font without some of the title's (or file name's) characters: drawn from others
        notes.extend(dict.fromkeys([*header.title.notes("the title"), *(header.facts.notes("the file's name") if header.facts else [])]))
    if info.incomplete:
        notes.append(incomplete_note(info))
    moved = [t for t in tiles if not t.slot.exact and not t.clean]
    if moved:
        notes.append("no clean frame (all black, blank or in a transition) near " +
                     _listed([format_time(t.slot.target, 1) for t in moved]) + "; used the best there was")
    unusable = [t for t in tiles if t.slot.exact and not t.clean]
    if unusable:
        notes.append("these exact moments are black or blank: " + _listed([format_time(t.time) for t in unusable]))
    same = alike([t.image for t in tiles])
    if same:
        notes.append("tiles " + _listed([f"{k} and {k + 1}" for k in same]) +
                     " look alike (a still shot: no different frame near them)")
    if quality_note:
        notes.append(quality_note)
    if plan.tile_width > video.display_size[0]:
        notes.append(f"tiles ({plan.tile_width} px) are wider than the video ({video.display_size[0]} px): upscaled")
    return recorded(Artifact(
        path=path, kind="strip", width=image.width, height=image.height, bytes=len(data), source=info.path,
        start=min(t.time for t in tiles), end=max(t.time for t in tiles), frame_count=len(tiles),
        sha256=sha256_of(path), notes=tuple(notes),
    ), record, embed)



def _crop_box(info: MediaInfo, s: StripSettings, slots: list[Slot], notes: list[str]) -> CropBox | None:
    """The crop ``s.crop`` asks for: typed, or ``auto``: black bars found in four frames spread over the slots'
    span (gif's --crop auto on that span)."""
    if not s.crop or not slots:
        return None
    span = TimeRange(min(sl.lo for sl in slots), max(max(sl.hi for sl in slots), min(sl.lo for sl in slots) + Fraction(1, 1000)))
    return choose_crop(info, s, span, notes)


#: The most items a note lists (a 6×8 sheet's times); beyond, "… and N more" (1000 tiles made a note of 12 000 characters).
NOTE_ITEMS = 48


def _listed(items: list[str], most: int = NOTE_ITEMS) -> str:
    """``items`` joined with commas, at most ``most`` of them, then how many more there are."""
    shown = ", ".join(items[:most])
    return shown + (f" … and {len(items) - most} more" if len(items) > most else "")
