"""The kinds of batch job: one registry entry each (what keys it takes, how it is named, how it runs).

A kind runs in a worker process (or on a Dask worker): :func:`run_kind` looks
the entry up by name and calls its pipeline function with plain, picklable
arguments.  Pipeline modules are imported lazily (in the worker, when a job of
that kind runs), so planning a batch does not pay for every pipeline.
"""

from __future__ import annotations

import functools

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..artifact import Artifact
from ..errors import UsageError
from ..timecode import parse_time, slug_time
from .naming import safe_name

__all__ = ["JobKind", "KINDS", "register", "run_kind", "COMMON_KEYS", "EMBED_KEYS"]

#: Keys every job may have, whatever its kind.
COMMON_KEYS = ("kind", "ep", "episode", "name")
#: Keys every job may have for its snippet (recorded in the manifest, so the post index and
#: ``clipkit embed --all`` use them): the fields of :class:`~clipkit.settings.EmbedOptions` of those names.
EMBED_KEYS = ("alt", "title", "credit", "spoiler")


@dataclass(frozen=True)
class JobKind:
    name: str
    sections: tuple[str, ...]  # settings tables it takes, its own first ([gif], then [caption])
    function: str  # "module:function" of the pipeline function, imported lazily
    keys: tuple[str, ...]  # job keys of its own (besides the common ones and settings fields)
    check: Callable[[dict], str | None]  # what is missing from the job's keys, or None
    tag: Callable[[dict], str]  # the default name tag from the job's keys
    ext: Callable[[dict], str]  # the default extension from the settings (table → settings)
    call: Callable[[Callable, Path, Path, dict, dict], Artifact]  # (function, source, output, params, settings)
    exts: tuple[str, ...] = ()  # extensions a job's name may carry

    @property
    def section(self) -> str:
        return self.sections[0]

    def load(self) -> Callable:
        module, _, name = self.function.partition(":")
        return getattr(importlib.import_module(module), name)

    def all_keys(self) -> tuple[str, ...]:
        return COMMON_KEYS + self.keys + EMBED_KEYS


KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    KINDS[kind.name] = kind
    return kind


def run_kind(kind_name: str, source: Path, output: Path, params: dict, settings: dict, *,
             overwrite: bool = False) -> Artifact:
    """Run one job (in whatever process this is); ``overwrite``: the batch already judged its existing files."""
    kind = KINDS[kind_name]
    fn = kind.load()
    if overwrite:
        fn = functools.partial(fn, overwrite=True)
    chosen = {k: params[k] for k in EMBED_KEYS if params.get(k) not in (None, "")}
    if chosen:
        from ..settings import EmbedOptions

        if "spoiler" in chosen:
            chosen["spoiler"] = _flag(chosen["spoiler"], "spoiler")
        fn = functools.partial(fn, embed=EmbedOptions(**{k: v if k == "spoiler" else str(v) for k, v in chosen.items()}))
    from ..errors import spelling

    with spelling("job"):  # errors name the job file's keys (match = 2, crop = "640:360"), not the CLI's flags
        return kind.call(fn, source, output, params, settings)


def _time_tag(text: Any) -> str:
    try:
        return slug_time(parse_time(str(text)))
    except Exception:  # a frame number needs the frame rate; the job itself will parse it properly
        return safe_name(str(text))


def _needs(*keys: str) -> Callable[[dict], str | None]:
    def check(p: dict) -> str | None:
        missing = [k for k in keys if p.get(k) in (None, "")]
        if missing:
            return ", ".join(missing)
        listed = next((k for k in keys if isinstance(p.get(k), (list, tuple))), None)
        if listed:  # at = ["1", "2"] read as one time: "\"['1', '2']\" is not a timestamp: a comma may only …"
            return f"one time as {listed}, not a list" + (
                ' (a strip takes at = ["…", "…"]: kind = "strip")' if listed == "at" else "")
        return None
    return check


#: Job keys choosing a range by its dialogue (``line = "always knew"``, ``from``/``to``) → ``Line`` fields.
LINE_KEYS = {"line": "text", "from": "line_from", "to": "line_to", "match": "match", "pad": "pad"}


def _said(p: dict) -> dict:
    """The dialogue keys of a job as the pipeline functions take them (``line=Line(…)``)."""
    if not _has_line(p):
        return {}
    from .find import Line

    fields = {f: str(p[key]) for key, f in LINE_KEYS.items() if p.get(key) not in (None, "") and key != "match"}
    if p.get("match") not in (None, ""):
        try:
            fields["match"] = int(p["match"])
        except (TypeError, ValueError):
            raise UsageError(f"match = {p['match']!r} is not a number", "give which of the matching lines, from 1") from None
    return {"line": Line(**fields)}


def _has_line(p: dict) -> bool:
    return any(p.get(k) not in (None, "") for k in ("line", "from", "to"))


def _line_tag(p: dict) -> str:
    text = str(p.get("line") or p.get("from") or p.get("to"))
    return "line-" + safe_name(text)[:40]


def _captions(p: dict) -> dict:
    """The caption keys of a job as the pipeline functions take them."""
    out: dict = {}
    if p.get("caption") not in (None, ""):
        out["caption"] = tuple(map(str, p["caption"])) if isinstance(p["caption"], (list, tuple)) else str(p["caption"])
    if p.get("subs") not in (None, ""):
        out["subs"] = str(p["subs"])
    return out


# ---------------------------------------------------------------- still

def _still_captions(p: dict, caption_settings: Any) -> Any:
    """Stills carry dialogue only when the job asks (subs = …), as with ``clipkit still``."""
    from ..settings import still_captions

    return still_captions(caption_settings, asked=p.get("subs") not in (None, ""))


register(JobKind(
    name="still",
    sections=("still", "caption"),
    function="clipkit.pipeline.still:still",
    keys=("at", "caption", "subs", *LINE_KEYS),
    check=lambda p: None if _has_line(p) else _needs("at")(p),
    tag=lambda p: _line_tag(p) if _has_line(p) else _time_tag(p["at"]),
    ext=lambda s: str(s["still"].format or "png"),
    call=lambda fn, source, output, p, s: fn(source, None if p.get("at") in (None, "") else str(p["at"]), output,
                                             settings=s["still"], caption_settings=_still_captions(p, s["caption"]),
                                             **_captions(p), **_said(p)),
    exts=(".png", ".jpg", ".jpeg", ".webp"),
))


# ---------------------------------------------------------------- gif

def _range_tag(p: dict) -> str:
    if _has_line(p):
        return _line_tag(p)
    if p.get("scene") not in (None, ""):
        return f"scene{safe_name(str(p['scene']))}"
    start = _time_tag(p["start"])
    end_text = str(p["end"]).strip()
    if end_text.startswith("+"):
        try:
            end = slug_time(parse_time(str(p["start"])) + parse_time(end_text[1:]))
        except Exception:
            end = safe_name(end_text)
    else:
        end = _time_tag(end_text)
    return f"{start}_{end}"


def _scene_number(p: dict) -> int:
    try:
        return int(p["scene"])
    except ValueError:
        raise UsageError(f"scene = {p['scene']!r} is not a shot number", "give a whole number from 1") from None


def _range_check(p: dict) -> str | None:
    if _has_line(p):
        if any(p.get(k) not in (None, "") for k in ("start", "end", "scene")):
            return "either a line (line, or from and to) or start/end or scene, not both"
        return None
    if p.get("scene") not in (None, ""):
        if p.get("start") not in (None, "") or p.get("end") not in (None, ""):
            return "either scene or start and end, not both"
        return None
    return _needs("start", "end")(p) or _typed_range(p)


def _typed_range(p: dict) -> None:
    """A job's typed start and end that are backwards or not times fail the job as the file is read (its
    TimecodeError), so ``--dry-run`` / ``--explain`` do not say "would make" of a job that can only fail.  The
    file's duration and frame rate are the job's to check (a frame number, f1500, needs the rate)."""
    from ..errors import TimecodeError
    from ..timecode import parse_range

    try:
        parse_range(str(p["start"]), str(p["end"]))
    except TimecodeError as exc:
        if "frame rate" not in str(exc):
            raise


def _run_gif(fn: Callable, source: Path, output: Path, p: dict, s: dict) -> Artifact:
    if _has_line(p):
        return fn(source, None, None, output, settings=s["gif"], caption_settings=s["caption"], **_captions(p), **_said(p))
    if p.get("scene") not in (None, ""):
        from .scenes import scene_range  # only scene jobs need the detector

        rng = scene_range(source, _scene_number(p))
        start, end = rng.start, rng.end
    else:
        start, end = str(p["start"]), str(p["end"])
    return fn(source, start, end, output, settings=s["gif"], caption_settings=s["caption"], **_captions(p))


def _range_kind(name: str, function: str, ext: Callable[[dict], str], call, exts: tuple[str, ...]) -> JobKind:
    """A kind over a time range or a shot (``gif``, ``clip``): the same keys, check and name tag."""
    return JobKind(name=name, sections=(name, "caption"), function=function,
                   keys=("start", "end", "scene", "caption", "subs", *LINE_KEYS), check=_range_check, tag=_range_tag,
                   ext=ext, call=call, exts=exts)


register(_range_kind("gif", "clipkit.pipeline.gif:make_gif", lambda s: "gif", _run_gif, (".gif",)))


# ---------------------------------------------------------------- strip

def _strip_tag(p: dict) -> str:
    if _has_line(p):
        return "strip_" + _line_tag(p)
    if p.get("range") not in (None, ""):
        return "strip_" + safe_name(str(p["range"]).replace(":", "-"))
    return "strip-scenes" if _flag_or_no(p.get("per_scene")) else "strip"


def _flag(value: Any, key: str = "") -> bool:
    """A job's yes/no key (``spoiler``, ``per_scene``) read as settings read theirs: true/false, yes/no, on/off,
    1/0.  Anything else is the job's error, never a silent "no" (``spoiler = "ture"`` posted the spoiler open)."""
    from ..settings_apply import coerce

    if value in (None, ""):
        return False
    try:
        return coerce(value, bool, from_text=True)
    except ValueError:
        raise UsageError(f"{key or 'a yes/no key'} = {value!r} is not true or false",
                         "write true or false (yes/no, on/off, 1/0 also work)") from None


def _flag_or_no(value: Any) -> bool:
    """:func:`_flag` for a file name's tag, chosen before the job runs (the job itself reports a bad value)."""
    try:
        return _flag(value)
    except UsageError:
        return False


def _run_strip(fn: Callable, source: Path, output: Path, p: dict, s: dict) -> Artifact:
    kw: dict = {}
    if p.get("at") not in (None, ""):
        kw["at"] = [str(a) for a in p["at"]] if isinstance(p["at"], (list, tuple)) else str(p["at"])
    if p.get("range") not in (None, ""):
        kw["range_"] = str(p["range"])
    if _flag(p.get("per_scene"), "per_scene"):
        kw["per_scene"] = True
    return fn(source, output, settings=s["strip"], **kw, **_said(p))


register(JobKind(
    name="strip",
    sections=("strip",),
    function="clipkit.pipeline.strip:make_strip",
    keys=("at", "range", "per_scene", *LINE_KEYS),
    check=lambda p: None,
    tag=_strip_tag,
    ext=lambda s: str(s["strip"].format or "png"),
    call=_run_strip,
    exts=(".png", ".jpg", ".jpeg", ".webp"),
))


# ---------------------------------------------------------------- clip

def _run_clip(fn: Callable, source: Path, output: Path, p: dict, s: dict) -> Artifact:
    kw = {**_captions(p), **_said(p)}
    if _has_line(p):
        return fn(source, None, None, output, settings=s["clip"], caption_settings=s["caption"], **kw)
    if p.get("scene") not in (None, ""):
        kw["scene"] = _scene_number(p)
        return fn(source, None, None, output, settings=s["clip"], caption_settings=s["caption"], **kw)
    return fn(source, str(p["start"]), str(p["end"]), output, settings=s["clip"], caption_settings=s["caption"], **kw)


register(_range_kind("clip", "clipkit.pipeline.clip:make_clip", lambda s: str(s["clip"].format or "mp4"), _run_clip,
                     (".mp4", ".webm", ".m4a")))
