"""One way in for settings: every caller's overrides become a checked settings object here.

API keywords (``clipkit.gif(..., fps=15)``), CLI flags, ``--set gif.fps=15``,
job-file keys and preset tables all go through :func:`apply` (or its parts,
:func:`convert` and :func:`validate`), so they share

* one conversion per type: ``"3MB"`` (:func:`parse_size`, the one size
  parser), ``"500ms"``, ``"1/2"``, ``"true"``, ``"mp4,webp"``, ``"none"``;
* one range check, read from the field's metadata (``settings.setting``), and
  the class's own ``check()`` for rules that span fields;
* one "did you mean" for a typo'd key.

Errors are :class:`~clipkit.errors.UsageError` (exit 2 in the CLI) that name
where the value came from (``source``).
"""

from __future__ import annotations

import difflib
import os
import re
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import Field, fields, replace
from fractions import Fraction
from functools import cache
from typing import Any

from . import settings as settings_module
from .errors import UsageError

__all__ = ["parse_size", "coerce", "convert", "check_value", "validate", "apply", "apply_split", "close_match",
           "field_of", "type_name", "show_value", "range_text"]

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:([kmg])(i?)b?|b)?\s*$", re.IGNORECASE)


def parse_size(text: str | int) -> int:
    """``"3MB"`` → 3_000_000, ``"500KB"``, ``"1GB"``, ``"2.5M"``, ``"1200"`` (bytes; K/M/G are
    1000-based, ``KiB``/``MiB``/``GiB`` 1024-based).  The one size parser: gif, strip and presets."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    m = _SIZE.match(str(text))
    if not m or float(m.group(1)) <= 0:
        raise UsageError(f"{text!r} is not a file size", "write it like 3MB, 500KB, 1GB or 2000000 (bytes)")
    number, unit, binary = m.groups()
    power = {"": 0, "k": 1, "m": 2, "g": 3}[(unit or "").lower()]
    return int(float(number) * (1024 if binary else 1000) ** power)


def type_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(type_name(a) for a in typing.get_args(tp))
    if origin is tuple:
        return "a list"
    if tp is type(None):
        return '"none"'
    if tp is Fraction:
        return 'a number (e.g. 0.5, "1/2", "500ms")'
    return {int: "an integer", float: "a number", bool: "true or false", str: "a string"}.get(tp, getattr(tp, "__name__", str(tp)))


def coerce(value: Any, tp: Any, *, from_text: bool = False, size: bool = False) -> Any:
    """``value`` as type ``tp`` (one of the types settings use); ValueError if it is not one.

    ``from_text``: ``value`` was typed (CLI, ``--set``, CSV), so ``"480"`` is an integer and
    ``"yes"`` a boolean; TOML values must have their own type.  ``size``: an integer may be
    written ``"3MB"``.
    """
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if type(None) in args and (value is None or isinstance(value, str) and value.strip().lower() in ("none", "off", "null")):
            return None
        real = [a for a in args if a is not type(None)]
        if len(real) == 1:  # X | None: X's own error ("not a file size")
            return coerce(value, real[0], from_text=from_text, size=size)
        for arg in real:
            try:
                return coerce(value, arg, from_text=from_text, size=size)
            except (ValueError, TypeError, UsageError):
                pass
        raise ValueError(f"expected {type_name(tp)}")
    if origin is tuple:
        if isinstance(value, str):
            value = [v.strip().lower() for v in value.split(",") if v.strip()]
        if not isinstance(value, (list, tuple)):
            raise ValueError("expected a list")
        item = (typing.get_args(tp) or (str,))[0]
        return tuple(coerce(v, item, from_text=from_text) for v in value)
    if tp is bool:
        if isinstance(value, bool):
            return value
        if from_text and isinstance(value, str) and value.strip().lower() in _BOOLS:
            return _BOOLS[value.strip().lower()]
        raise ValueError("expected true or false")
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            if size:
                return parse_size(value)
            if from_text and re.fullmatch(r"\s*[+-]?\d+\s*", value):
                return int(value)
        raise ValueError("expected an integer")
    if tp is float:
        if isinstance(value, (int, float, Fraction)) and not isinstance(value, bool):
            return float(value)
        if from_text and isinstance(value, str):
            return float(value)
        raise ValueError("expected a number")
    if tp is Fraction:
        if isinstance(value, bool):
            raise ValueError("expected a number")
        if isinstance(value, (int, Fraction)):
            return Fraction(value)
        if isinstance(value, float):
            return Fraction(str(value))
        if isinstance(value, str):
            try:
                return Fraction(value.strip())
            except (ValueError, ZeroDivisionError):
                from .timecode import parse_time  # "500ms", "1.5s"

                try:
                    return Fraction(parse_time(value))
                except Exception:
                    raise ValueError("not a number") from None
        raise ValueError("not a number")  # the hint gives the forms
    if tp is str:
        if isinstance(value, str):
            return value
        if isinstance(value, os.PathLike):  # font=Path(...), subs=Path(...): a path is text to these settings
            return os.fspath(value)
        raise ValueError("expected a string")
    return value


_BOOLS = {"true": True, "yes": True, "on": True, "1": True, "false": False, "no": False, "off": False, "0": False}


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(settings_module))


@cache
def _fields(cls: type) -> dict[str, Field]:
    return {f.name: f for f in fields(cls)}


def field_of(cls: type, name: str) -> tuple[Any, Mapping]:
    """``(type, metadata)`` of field ``name`` of settings class ``cls``."""
    return _hints(cls)[name], _fields(cls)[name].metadata


def show_value(value: Any) -> str:
    """A value as a user writes it: ``20``, ``0.5``, ``none``, ``mp4,webp``."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return ",".join(map(show_value, value)) or "none"
    return str(value)


def close_match(key: str, names: Iterable[str]) -> str | None:
    names = list(names)
    found = difflib.get_close_matches(key, names, n=1, cutoff=0.7)
    if found:
        return found[0]
    # two letters swapped in a short name ("gfi", "fsp") is under difflib's cutoff: the same letters
    return next((n for n in names if len(n) > 2 and sorted(n.lower()) == sorted(key.lower())), None)


def unknown_option(key: str, names: Sequence[str], source: str, error: type[UsageError],
                   cls: type | None = None) -> UsageError:
    close = close_match(key, names)
    if key in ("preset", "platform") and cls is not None and not source:
        # `--preset`/`--platform` of gif/still/strip are a settings object in Python (README, Python API)
        table = cls.__name__.removesuffix("Settings").lower()
        return error(f"unknown option {key!r}: in Python a {key} is passed as its settings",
                     f"settings=clipkit.resolve_presets({'NAME' if key == 'preset' else 'platform=NAME'})[{table!r}]"
                     + (", caption_settings=…['caption']" if "caption_style" in names else "")
                     + "; keywords typed beside it win, as flags do")
    return error(f"{source}unknown option {key!r}" + (f" (did you mean {close!r}?)" if close else ""),
                 "valid: " + ", ".join(names))


def expect(value: Any, cls: type, keyword: str) -> Any:
    """``value`` when it is None or a ``cls``; else the UsageError saying what ``keyword=`` takes (a
    string, a dict or another command's settings there failed as an AttributeError from deep inside,
    an ``embed=`` one only after the file was made)."""
    if isinstance(value, settings_module.EmbedOptions) and value.format is not None:
        problem = settings_module._embed_format(value.format)  # a snippet that cannot be printed: before the work
        if problem:
            raise UsageError(f"embed= format {value.format!r} {problem}",
                             "use one of: " + ", ".join(settings_module.EMBED_FORMATS) + ", none")
    if value is None or isinstance(value, cls):
        return value
    if cls.__name__ == "EmbedOptions":
        hint = "e.g. embed=clipkit.EmbedOptions(format='markdown', title='He knew.')"
    else:
        table = cls.__name__.removesuffix("Settings").lower()
        hint = f"e.g. {keyword}=clipkit.resolve_presets('tumblr')['{table}'], or its fields as keywords"
    given = f"the text {value!r}" if isinstance(value, str) else f"a {type(value).__name__}"
    article = "an" if cls.__name__[0] in "AEIOU" else "a"
    raise UsageError(f"{keyword}= takes {article} {cls.__name__}, not {given}", hint)


def expect_path(value: Any, command: str) -> Any:
    """``value`` when it names a file (text or a path); else the UsageError saying so (frames or a moviepy
    clip given to ``clip``/``scenes``/``info``/``find`` failed as pathlib's TypeError)."""
    if isinstance(value, (str, os.PathLike)):
        return value
    frames = type(value).__name__ == "Frames" or any(
        getattr(c, "__module__", "").split(".")[0] == "moviepy" for c in type(value).__mro__)
    raise UsageError(f"{command} takes the path of a video file, not a {type(value).__name__}",
                     "frames and moviepy clips are taken by gif, still and strip; for the others write them to a "
                     "file first" if frames else "give the video's path, e.g. 'ep07.mkv'")


def keywords_checked(function, source: str = ""):
    """An API function whose keywords are all named (``info``, ``find``, ``batch``, ``demo``, a dataclass's
    ``__init__``): a typo'd or unknown keyword is the :class:`UsageError` with "did you mean" that the
    settings' keywords give, not Python's ``TypeError: … got an unexpected keyword argument``."""
    import functools
    import inspect

    params = inspect.signature(function).parameters
    names = [n for n, p in params.items() if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD) and n != "self"]

    @functools.wraps(function)
    def checked(*args: Any, **kwargs: Any) -> Any:
        for key in kwargs:
            if key not in params:
                raise unknown_option(key, names, source, UsageError)
        return function(*args, **kwargs)

    return checked


def range_text(meta: Mapping) -> str:
    """The declared range in words: ``2–256``, ``above 0 and at most 50``, ``at least 1``."""
    def show(v: Any) -> str:
        return f"{v.numerator}/{v.denominator}" if isinstance(v, Fraction) and v.denominator != 1 else show_value(v)

    if "min" in meta and "max" in meta:
        return f"{show(meta['min'])}–{show(meta['max'])}"
    lo = f"above {show(meta['above'])}" if "above" in meta else (f"at least {show(meta['min'])}" if "min" in meta else "")
    hi = f"at most {show(meta['max'])}" if "max" in meta else ""
    return " and ".join(x for x in (lo, hi) if x)


def _rule_words(meta: Mapping) -> str:
    text = range_text(meta)
    return f"from {text.replace('–', ' to ')}" if "min" in meta and "max" in meta else text


def check_value(cls: type, name: str, value: Any, *, source: str = "", error: type[UsageError] = UsageError,
                label: str | None = None, from_file: bool = False) -> None:
    """Check one converted value against the range/choices declared beside its field
    (``label``: what the message calls it, e.g. the flag ``--fps``; default the field's name;
    ``from_file``: read from a preset or job file, so its ``file_valid`` check applies too)."""
    _, meta = field_of(cls, name)
    label = label or name
    if value is None:
        return
    problem = meta["valid"](value) if "valid" in meta else None
    if not problem and from_file and "file_valid" in meta:
        problem = meta["file_valid"](value)
    if problem:
        raise error(f"{source}{label} {show_value(value)} {problem}", meta.get("hint"))
    choices = meta.get("choices")
    if choices is not None:
        for item in value if isinstance(value, tuple) else (value,):
            if item not in choices:
                close = close_match(str(item), choices)
                raise error(f"{source}{label} {show_value(item)} is not one of {', '.join(choices)}"
                            + (f" (did you mean {close!r}?)" if close else ""),
                            meta.get("hint") or f"use one of: {', '.join(choices)}")
    if isinstance(value, (int, float, Fraction)) and not isinstance(value, bool):
        low = ("above" in meta and value <= meta["above"]) or ("min" in meta and value < meta["min"])
        if low or ("max" in meta and value > meta["max"]):  # (``over`` says why the top is the top: not for a low one)
            raise error(f"{source}{label} {show_value(value)} is out of range: it must be {_rule_words(meta)}",
                        (None if low else meta.get("over")) or meta.get("hint")
                        or f"give {label} {_rule_words(meta)}{_default_words(cls, name)}")


def _default_words(cls: type, name: str) -> str:
    """" (default 20)" for a range hint; nothing for a field whose default is None (the source's own, …)."""
    default = _default(cls, name)
    return "" if default is None else f" (default {show_value(default)})"


def _default(cls: type, name: str) -> Any:
    return getattr(cls(), name)


def convert(cls: type, name: str, value: Any, *, source: str = "", from_text: bool | None = None,
            error: type[UsageError] = UsageError, label: str | None = None, from_file: bool = False) -> Any:
    """``value`` (typed text, TOML or Python) converted to field ``name`` of ``cls`` and range-checked
    (``from_file``: read from a preset or job file, see :func:`check_value`)."""
    if name not in _fields(cls):
        raise unknown_option(name, list(_fields(cls)), source, error, cls)
    tp, meta = field_of(cls, name)
    try:
        out = coerce(value, tp, from_text=isinstance(value, str) if from_text is None else from_text,
                     size=bool(meta.get("size")))
    except (ValueError, TypeError) as exc:
        # a flag as typed (--fps abc), a key as written in a file or Python (fps = 'abc')
        raise error(f"{source}{_as_given(label or name, value)}: {exc}", f"give {type_name(tp)}") from None
    except UsageError as exc:
        raise error(f"{source}{_as_given(label or name, value)}: {exc.message}", exc.hint) from None
    check_value(cls, name, out, source=source, error=error, label=label, from_file=from_file)
    return out


def _as_given(label: str, value: Any) -> str:
    """``--fps abc`` for a flag (what was typed), ``fps = 'abc'`` for a key or keyword."""
    return f"{label} {value}" if label.startswith("-") else f"{label} = {value!r}"


def validate(obj: Any, *, source: str = "", error: type[UsageError] = UsageError) -> Any:
    """Check every field of ``obj`` against its declared range, then the class's ``check()``."""
    cls = type(obj)
    for name in _fields(cls):
        check_value(cls, name, getattr(obj, name), source=source, error=error)
    problem = obj.check() if hasattr(obj, "check") else None
    if problem:
        what, _, hint = problem.partition(": ")
        raise error(f"{source}{what}", hint or None)
    return obj


def apply(base: Any, overrides: Mapping[str, Any] | None = None, *, source: str = "",
          error: type[UsageError] = UsageError) -> Any:
    """``base`` (a settings object, or its class for the defaults) with ``overrides`` (field name →
    value) converted, range-checked and the result validated.  Unknown names: "did you mean"."""
    obj = base() if isinstance(base, type) else base
    cls = type(obj)
    changes = {k: convert(cls, k, v, source=source, error=error) for k, v in (overrides or {}).items()}
    return validate(replace(obj, **changes) if changes else obj, source=source, error=error)


def apply_split(overrides: Mapping[str, Any], bases: Sequence[Any], *, known: Iterable[str] = (), source: str = "",
                error: type[UsageError] = UsageError) -> list[Any]:
    """Like :func:`apply` for a call whose keywords set several settings objects (``make_gif``:
    GifSettings and CaptionSettings): each key goes to the first object that has the field.
    ``known`` are the call's other parameter names (suggested for a typo too)."""
    objs = [b() if isinstance(b, type) else b for b in bases]
    parts: list[dict] = [{} for _ in objs]
    for key, value in overrides.items():
        for i, obj in enumerate(objs):
            if key in _fields(type(obj)):
                parts[i][key] = value
                break
        else:
            names = list(dict.fromkeys([*known, *(n for o in objs for n in _fields(type(o)))]))
            raise unknown_option(key, names, source, error, type(objs[0]))
    return [apply(obj, part, source=source, error=error) for obj, part in zip(objs, parts)]
