"""``clipkit clip``."""

from __future__ import annotations

import click

from ..pipeline.clip import make_clip
from ..settings import DEFAULT_CAPTION, DEFAULT_CLIP, ClipSettings, ScenesSettings, X264_PRESETS
from .captions import caption_options, pop_caption_params
from .line_options import line_options
from .embed_options import EmbedOptions, emit_embed, embed_options
from .main import echo_notes, main, printable
from .params import MEDIA_FILE, OUTPUT, Choice, default_text, setting_option
from .preset_options import load_layers, preset_kwargs, preset_options
from .progress import ProgressBar
from .tv_options import tv_options


@main.command()
@click.argument("video", type=MEDIA_FILE)
@click.argument("start", required=False)
@click.argument("end", required=False)
@click.option("--scene", type=click.IntRange(1), help="Shot N of the episode (numbered as `clipkit scenes` lists them) instead of START END.")
@click.option("--snap", is_flag=True, help=f"Move START and END to the nearest cut within {default_text(ScenesSettings, 'snap_window')} s.")
@click.option("-o", "--output", type=OUTPUT, help="Clip file or folder (created if missing). Default: VIDEO-STEM_START_END.mp4 here.")
@click.option("--format", "format_", type=Choice(["mp4", "webm"]), help=f"mp4 (H.264 + AAC) or webm (VP9 + Opus). Default {DEFAULT_CLIP.format}.")
@setting_option("--audio", cls=ClipSettings, name="audio", metavar="on|off", help="off: no sound track. Default {default}.")
@setting_option("--audio-track", cls=ClipSettings, name="audio_track", metavar="N", help="The N-th sound stream (from 0, as `clipkit info` lists them). Default: the first.")
@click.option("--audio-only", type=Choice(["m4a"]), help="Only the sound, as AAC in .m4a.")
@setting_option("--width", cls=ClipSettings, name="width", metavar="PX", help="Width in pixels ({range}); the height keeps the aspect. Default: the source's.")
@setting_option("--height", cls=ClipSettings, name="height", metavar="PX", help="Height in pixels ({range}; with --width: exactly that size).")
@setting_option("--fps", cls=ClipSettings, name="fps", metavar="N", help="Frame rate, {range} (default: the source's own frames and timestamps).")
@setting_option("--crop", cls=ClipSettings, name="crop", metavar="W:H:X:Y|auto", help="W:H:X:Y in display pixels, W:H (centred), or auto (remove black bars).")
@setting_option("--crf", cls=ClipSettings, name="crf", metavar="0-51", help="H.264 quality {range}, lower is better (default {default}).")
@click.option("--encoder-preset", "encoder_preset", type=Choice(X264_PRESETS),
              help=f"x264 speed preset (default {DEFAULT_CLIP.preset}): faster presets make bigger files.")
@setting_option("--max-size", cls=ClipSettings, name="max_size", metavar="SIZE", help="Fit under this size (e.g. 10MB; 1000-based): two-pass encode at the bitrate that fits.")
@setting_option("--copy", cls=ClipSettings, name="copy", is_flag=True, help="Lossless smart cut: copy the video, re-encode only START → the next keyframe.")
@click.option("--copy-fallback", type=Choice(["encode", "snap"]),
              help="When --copy cannot match the source's codec: encode (a normal cut) or snap (copy from the keyframe before START).")
@click.option("--soft-subs", is_flag=True, help="Dialogue as a selectable subtitle track (mov_text / WebVTT) instead of burned in.")
@click.option("--no-poster", is_flag=True, help="No JPEG poster beside the clip.")
@click.option("--overwrite", is_flag=True, help="Replace existing files clipkit did not make (never an input).")
@caption_options(subs_default=DEFAULT_CAPTION.subs)
@embed_options
@preset_options
@tv_options
@line_options
def clip(video: str, start: str | None, end: str | None, output: str | None, embed: EmbedOptions, **opts) -> None:
    """Cut VIDEO from START to END (END may be +6) into a clip with its sound.

    \b
    Examples:
      clipkit clip ep07.mkv 12:30 12:36              # ep07_12-30_12-36.mp4: H.264 + AAC
      clipkit clip ep07.mkv 12:30 +6 --subs lang:jpn  # dialogue burned in
      clipkit clip ep07.mkv 12:30 +6 --soft-subs       # dialogue as a selectable track
      clipkit clip ep07.mkv 12:30 +6 --copy           # lossless smart cut
      clipkit clip ep07.mkv 12:30 +20 --max-size 10MB
      clipkit clip ep07.mkv 12:30 +6 --platform twitter
      clipkit clip ep07.mkv 12:30 +6 --format webm | --audio off | --audio-only m4a

    The first frame is the one on screen at START; the sound is cut at the
    same instants (with 5 ms fades) and stays in sync. The embed snippet goes
    to stdout; what was written goes to stderr.
    """
    layers = load_layers(opts.pop("preset"), opts.pop("platform"))
    layered, output = preset_kwargs(layers, "clip", output)
    caption_kwargs = pop_caption_params(opts)
    fmt = opts.pop("format_")
    encoder_preset = opts.pop("encoder_preset")  # ClipSettings.preset (not the series --preset)
    audio_only = opts.pop("audio_only")
    if audio_only and fmt:
        raise click.UsageError("give either --format or --audio-only, not both")
    overrides: dict = {k: v for k, v in opts.items() if v not in (None, False)}
    if overrides.pop("no_poster", False):
        overrides["poster"] = False
    if fmt or audio_only:
        overrides["format"] = audio_only or fmt
    if encoder_preset:
        overrides["preset"] = encoder_preset
    overrides.update(caption_kwargs)
    with ProgressBar("clip") as bar:
        art = make_clip(video, start, end, output, progress=bar, embed=embed, **layered, **overrides)
    echo_notes(art.notes)
    what = f"{art.width}×{art.height}, " if art.kind == "clip" else ""
    click.echo(f"wrote {printable(art.path)} ({what}{float(art.duration):.2f} s, {art.bytes / 1000:.0f} KB)", err=True)
    for sib in art.siblings:
        click.echo(f"wrote {printable(sib.path)} ({sib.kind}, {sib.bytes / 1000:.0f} KB)", err=True)
    emit_embed(art, embed, settings=layers["embed"] if layers else None)
