"""Presets: TOML files layered onto the settings dataclasses, by field name.

Layers, lowest first::

    built-in default (settings.py) < platform preset < series preset < typed flags

A preset file has one table per settings dataclass of :mod:`clipkit.settings`
(``[still]`` → ``StillSettings``, ``[gif]`` → ``GifSettings``, ``[series]`` →
``SeriesSettings``, …; the tables are discovered from that module, so a new
dataclass is a new table with no change here) and an optional top-level
``description``.  A series preset names the platform it builds on with
``[series] platform = "tumblr"``.  Platform presets ship inside the package
(``clipkit/builtin_presets/*.toml``); user presets are found by name in
``$CLIPKIT_PRESETS``, ``./presets``, ``~/.config/clipkit/presets``, or given
as a path.

Every resolved value records where it came from, for ``clipkit presets show``.
Unknown tables or keys, and values of the wrong type, are errors that name
the file, the key and the valid keys.
"""

from __future__ import annotations

import dataclasses
import enum
import os
import re
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass, replace
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

from . import settings as settings_module
from .errors import UsageError

__all__ = [
    "PresetError",
    "Resolved",
    "settings_sections",
    "builtin_presets",
    "find_preset",
    "load_preset_file",
    "resolve",
    "settings_for",
    "coerce",
    "convert_setting",
    "parse_overrides",
    "parse_size",
    "BUILTIN_DIR",
]

BUILTIN_DIR = Path(__file__).parent / "builtin_presets"
DEFAULT_ORIGIN = "built-in default"


class PresetError(UsageError):
    """A preset that cannot be used: missing, bad TOML, unknown key, wrong type."""


# ---------------------------------------------------------------- the tables


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def settings_sections() -> dict[str, type]:
    """Table name → settings dataclass, discovered from :mod:`clipkit.settings`
    (``GifSettings`` → ``gif``; a class may set ``PRESET_SECTION`` to choose)."""
    out: dict[str, type] = {}
    for name, obj in vars(settings_module).items():
        if (isinstance(obj, type) and is_dataclass(obj) and name.endswith("Settings")
                and obj.__module__ == settings_module.__name__):
            section = getattr(obj, "PRESET_SECTION", None) or _snake(name[: -len("Settings")])
            out[section] = obj
    return dict(sorted(out.items()))


def _section_for(name: str, sections: Mapping[str, type]) -> str | None:
    """The table a TOML name means: exact, or singular/plural (``captions`` ↔ ``caption``)."""
    if name in sections:
        return name
    for alt in (name[:-1] if name.endswith("s") else None, name + "s"):
        if alt and alt in sections:
            return alt
    return None


# ---------------------------------------------------------------- value types

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(i?)b?\s*$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """``"3MB"`` → 3_000_000, ``"500KB"``, ``"2MiB"``, ``"1200"`` (bytes)."""
    m = _SIZE.match(text)
    if not m:
        raise ValueError(f"not a size: {text!r}")
    number, unit, binary = m.groups()
    base = 1024 if binary else 1000
    power = {"": 0, "k": 1, "m": 2, "g": 3}[unit.lower()]
    return int(float(number) * base**power)


def _type_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in typing.get_args(tp))
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(tp))
    if origin in (tuple, list):
        return "a list"
    if tp is type(None):
        return '"none"'
    if tp is Fraction:
        return "a number (e.g. 0.5, \"1/2\", \"500ms\")"
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "one of " + ", ".join(repr(m.value) for m in tp)
    return {int: "an integer", float: "a number", bool: "true or false", str: "a string",
            Path: "a path (string)"}.get(tp, getattr(tp, "__name__", str(tp)))


def coerce(value: Any, tp: Any, *, from_text: bool = False) -> Any:
    """``value`` (from TOML, or typed text when ``from_text``) as type ``tp``; ValueError if it is not one."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if type(None) in args and isinstance(value, str) and value.strip().lower() in ("none", "off", "null"):
            return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return coerce(value, arg, from_text=from_text)
            except (ValueError, TypeError) as exc:
                errors.append(str(exc))
        raise ValueError(f"expected {_type_name(tp)}")
    if origin is typing.Literal:
        allowed = typing.get_args(tp)
        if value in allowed:
            return value
        raise ValueError(f"expected {_type_name(tp)}")
    if origin in (tuple, list):
        if from_text and isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, (list, tuple)):
            raise ValueError("expected a list")
        args = typing.get_args(tp)
        if origin is tuple and args and (len(args) != 2 or args[1] is not Ellipsis):
            if len(value) != len(args):
                raise ValueError(f"expected a list of {len(args)}")
            items = [coerce(v, a, from_text=from_text) for v, a in zip(value, args)]
        else:
            item_type = args[0] if args else Any
            items = [coerce(v, item_type, from_text=from_text) for v in value]
        return tuple(items) if origin is tuple else items
    if tp is Any:
        return value
    if tp is bool:
        if isinstance(value, bool):
            return value
        if from_text and isinstance(value, str) and value.lower() in ("true", "yes", "on", "1", "false", "no", "off", "0"):
            return value.lower() in ("true", "yes", "on", "1")
        raise ValueError("expected true or false")
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            text = value.strip()
            if from_text and re.fullmatch(r"[+-]?\d+", text):
                return int(text)
            try:
                return parse_size(text)  # sizes: "3MB"
            except ValueError:
                pass
        raise ValueError("expected an integer")
    if tp is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
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
            except ValueError:
                from .timecode import parse_time  # "500ms", "1.5s"

                try:
                    return parse_time(value)
                except Exception:
                    raise ValueError(f"expected {_type_name(tp)}") from None
        raise ValueError(f"expected {_type_name(tp)}")
    if tp is str:
        if isinstance(value, str):
            return value
        raise ValueError("expected a string")
    if tp is Path:
        if isinstance(value, (str, Path)):
            return Path(value)
        raise ValueError("expected a path (string)")
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        for member in tp:
            if value == member.value or value == member.name:
                return member
        raise ValueError(f"expected {_type_name(tp)}")
    if isinstance(tp, type):
        if isinstance(value, tp):
            return value
        try:
            return tp(value)
        except Exception:
            raise ValueError(f"expected {_type_name(tp)}") from None
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(settings_module))


# ---------------------------------------------------------------- files


def _error_location(exc: tomllib.TOMLDecodeError) -> tuple[int | None, int | None, str]:
    text = str(exc)
    m = re.search(r"\(at line (\d+), column (\d+)\)", text)
    if not m:
        return None, None, text
    return int(m.group(1)), int(m.group(2)), text[: m.start()].strip()


def read_toml(path: Path, *, what: str = "preset") -> dict:
    """Parse a TOML file; a syntax error names the file, line and column."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PresetError(f"{what} file not found: {path}", "check the path") from None
    except UnicodeDecodeError:
        raise PresetError(f"{path} is not UTF-8 text", f"save the {what} as UTF-8 TOML") from None
    except OSError as exc:
        raise PresetError(f"cannot read {path}: {exc.strerror}", "check the path and its permissions") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, col, why = _error_location(exc)
        where = f"{path}:{line}:{col}" if line else str(path)
        raise PresetError(f"{where}: TOML syntax error: {why}",
                          f"fix line {line}, column {col} of the {what} (TOML: key = value, strings in quotes)"
                          if line else f"fix the {what}'s TOML") from None


@dataclass(frozen=True)
class PresetFile:
    """One preset file, checked against the settings dataclasses."""

    name: str
    path: Path
    kind: str  # "platform" (built-in) or "series" (a user's file)
    description: str
    values: dict[str, dict[str, Any]]  # table → {dotted key → coerced value}


def _check_table(table: Mapping, cls: type, path: Path, where: str, out: dict[str, Any], prefix: str = "") -> None:
    """Check the keys and types of TOML table ``[where]`` against ``cls``; store the values in
    ``out`` under dotted keys (``prefix`` for nested dataclass fields)."""
    hints = _hints(cls)
    names = [f.name for f in fields(cls)]
    defaults = cls()
    for key, value in table.items():
        if key not in names:
            close = _close_match(key, names)
            raise PresetError(
                f"{path}: unknown key {key!r} in [{where}]" + (f" (did you mean {close!r}?)" if close else ""),
                f"valid keys of [{where}]: " + ", ".join(names),
            )
        current = getattr(defaults, key)
        if is_dataclass(current) and isinstance(value, Mapping):
            _check_table(value, type(current), path, f"{where}.{key}", out, f"{prefix}{key}.")
            continue
        try:
            out[f"{prefix}{key}"] = coerce(value, hints[key])
        except (ValueError, TypeError) as exc:
            raise PresetError(
                f"{path}: [{where}] {key} = {value!r}: {exc}",
                f"fix the value in {path.name}; valid keys of [{where}]: " + ", ".join(names),
            ) from None


def _close_match(key: str, names: list[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(key, names, n=1, cutoff=0.7)
    return found[0] if found else None


def load_preset_file(path: str | os.PathLike, *, kind: str = "series", name: str | None = None) -> PresetFile:
    """Read and check one preset file (every key known, every value of its field's type)."""
    path = Path(path)
    data = read_toml(path)
    sections = settings_sections()
    values: dict[str, dict[str, Any]] = {}
    description = ""
    for key, value in data.items():
        if key == "description":
            if not isinstance(value, str):
                raise PresetError(f"{path}: description = {value!r}: expected a string", "put the description in quotes")
            description = value
            continue
        section = _section_for(key, sections) if isinstance(value, Mapping) else None
        if section is None:
            valid = ", ".join(f"[{s}]" for s in sections) + ", description"
            what = f"unknown table [{key}]" if isinstance(value, Mapping) else f"unknown top-level key {key!r}"
            raise PresetError(f"{path}: {what}", f"valid tables and keys: {valid}")
        table_values: dict[str, Any] = values.setdefault(section, {})
        _check_table(value, sections[section], path, key, table_values)
    return PresetFile(name=name or path.stem, path=path, kind=kind, description=description, values=values)


# ---------------------------------------------------------------- finding presets


def builtin_presets() -> dict[str, Path]:
    """The platform presets shipped inside the package: name → file."""
    return {p.stem: p for p in sorted(BUILTIN_DIR.glob("*.toml"))}


def search_dirs(extra: list[Path] | tuple[Path, ...] = ()) -> list[Path]:
    """Where user presets are looked up by name, in order."""
    dirs = [Path(d) for d in extra]
    env = os.environ.get("CLIPKIT_PRESETS", "")
    dirs += [Path(p) for p in env.split(os.pathsep) if p]
    dirs.append(Path("presets"))
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    dirs.append(config / "clipkit" / "presets")
    return dirs


_JOB_FILE = re.compile(r"^[ \t]*(\[\[[ \t]*job[ \t]*\]\]|preset[ \t]*=)", re.MULTILINE)


def is_job_file(path: Path) -> bool:
    """A batch job file (``[[job]]`` tables or a ``preset =`` line) kept among the presets."""
    try:
        return bool(_JOB_FILE.search(path.read_text(encoding="utf-8-sig", errors="replace")))
    except OSError:
        return False


def user_presets(extra: list[Path] | tuple[Path, ...] = (), *, job_files: bool = False) -> dict[str, Path]:
    """User preset files found in :func:`search_dirs` (first one of a name wins);
    with ``job_files``, the batch job files found there instead."""
    found: dict[str, Path] = {}
    for folder in search_dirs(extra):
        if folder.is_dir():
            for p in sorted(folder.glob("*.toml")):
                if is_job_file(p) == job_files:
                    found.setdefault(p.stem, p)
    return found


def find_preset(name: str, *, extra_dirs: list[Path] | tuple[Path, ...] = ()) -> tuple[Path, str]:
    """Resolve a preset name or path to ``(file, kind)``; kind is "platform" or "series"."""
    as_path = Path(name).expanduser()
    if name.endswith(".toml") or os.sep in name or "/" in name:
        if as_path.is_file():
            if is_job_file(as_path):
                raise PresetError(f"{name} is a batch job file, not a preset", f"run it with: clipkit batch {name}")
            return as_path, "series"
        raise PresetError(f"preset file not found: {name}", "check the path, or give a preset name (clipkit presets list)")
    for folder in search_dirs(extra_dirs):
        candidate = folder / f"{name}.toml"
        if candidate.is_file() and not is_job_file(candidate):
            return candidate, "series"
    builtin = builtin_presets()
    if name in builtin:
        return builtin[name], "platform"
    known = sorted(set(builtin) | set(user_presets(extra_dirs)))
    raise PresetError(
        f"unknown preset {name!r}",
        f"known presets: {', '.join(known)} (clipkit presets list); or give the path of a .toml file",
    )


# ---------------------------------------------------------------- layering


@dataclass(frozen=True)
class Resolved:
    """Settings after layering, and where each value came from."""

    sections: Mapping[str, Any]  # table → settings dataclass instance
    origins: Mapping[str, str]  # "gif.width" → "platform preset tumblr (…/tumblr.toml)"
    layers: tuple[PresetFile, ...] = ()
    name: str | None = None  # the preset asked for
    typed: frozenset[str] = frozenset()  # keys set by flags (relative paths: from the current folder)

    def __getitem__(self, section: str) -> Any:
        return self.sections[section]

    def get(self, section: str, default: Any = None) -> Any:
        return self.sections.get(section, default)

    @property
    def series(self) -> settings_module.SeriesSettings:
        return self.sections["series"]

    def base_dir(self, key: str) -> Path:
        """The folder a relative path in ``key`` ("series.episodes") is relative to:
        the preset file that set it, else the current folder."""
        if key in self.typed:
            return Path(".")
        for layer in reversed(self.layers):
            section, _, rest = key.partition(".")
            if rest in layer.values.get(section, {}):
                return layer.path.parent
        return Path(".")

    def path_of(self, key: str) -> Path:
        """A folder setting ("series.episodes", "series.output") as a path, resolved against its preset."""
        section, _, rest = key.partition(".")
        value = Path(_get_dotted(self.sections[section], rest)).expanduser()
        return value if value.is_absolute() else self.base_dir(key) / value

    def rows(self) -> list[tuple[str, Any, str]]:
        """``(key, value, origin)`` for every setting, table by table."""
        out = []
        for section, obj in self.sections.items():
            for key, value in _flatten(obj):
                full = f"{section}.{key}"
                out.append((full, value, self.origins.get(full, DEFAULT_ORIGIN)))
        return out


def _flatten(obj: Any, prefix: str = "") -> list[tuple[str, Any]]:
    out = []
    for f in fields(obj):
        value = getattr(obj, f.name)
        if is_dataclass(value) and not isinstance(value, type):
            out += _flatten(value, f"{prefix}{f.name}.")
        else:
            out.append((f"{prefix}{f.name}", value))
    return out


def _get_dotted(obj: Any, key: str) -> Any:
    for part in key.split("."):
        obj = getattr(obj, part)
    return obj


def _set_dotted(obj: Any, key: str, value: Any) -> Any:
    head, _, rest = key.partition(".")
    if rest:
        return replace(obj, **{head: _set_dotted(getattr(obj, head), rest, value)})
    return replace(obj, **{head: value})


def _describe(layer: PresetFile) -> str:
    where = "built-in" if layer.path.parent == BUILTIN_DIR else str(layer.path)
    return f"{layer.kind} preset {layer.name} ({where})"


def parse_overrides(pairs: list[str] | tuple[str, ...], sections: Mapping[str, type] | None = None) -> dict[str, Any]:
    """``["gif.width=480", "series.credit=Fuji TV"]`` (typed on a command line) → ``{dotted key: value}``,
    checked and converted like preset values."""
    sections = sections or settings_sections()
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        key = key.strip()
        if not sep or "." not in key:
            raise PresetError(f"--set {pair!r}: expected TABLE.KEY=VALUE", "e.g. --set gif.width=480")
        table, _, rest = key.partition(".")
        section = _section_for(table, sections)
        if section is None:
            raise PresetError(f"--set {pair!r}: unknown table {table!r}", "valid tables: " + ", ".join(sections))
        out[f"{section}.{rest}"] = convert_setting(section, rest, text.strip(), sections, source=f"--set {pair!r}")
    return out


def convert_setting(section: str, key: str, value: Any, sections: Mapping[str, type], *, source: str) -> Any:
    """``value`` (TOML-typed, or text) as the type of field ``key`` of table ``section``;
    a :class:`PresetError` naming ``source`` and the valid keys if it is not one."""
    cls = sections[section]
    obj = cls()
    parts = key.split(".")
    for part in parts[:-1]:
        names = [f.name for f in fields(obj)]
        if part not in names or not is_dataclass(getattr(obj, part)):
            raise PresetError(f"{source}: unknown key {section}.{key}", "valid keys: " + ", ".join(names))
        obj = getattr(obj, part)
    names = [f.name for f in fields(obj)]
    if parts[-1] not in names:
        close = _close_match(parts[-1], names)
        raise PresetError(
            f"{source}: unknown key {section}.{key}" + (f" (did you mean {close!r}?)" if close else ""),
            "valid keys: " + ", ".join(names),
        )
    tp = _hints(type(obj))[parts[-1]]
    try:
        return coerce(value, tp, from_text=isinstance(value, str))
    except (ValueError, TypeError) as exc:
        raise PresetError(f"{source}: {section}.{key} = {value!r}: {exc}", f"give {_type_name(tp)}") from None


def resolve(
    preset: str | os.PathLike | None = None,
    *,
    platform: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    extra_dirs: list[Path] | tuple[Path, ...] = (),
    flag_origin: str = "command line",
) -> Resolved:
    """Layer built-in defaults < platform preset < series preset < ``overrides``.

    ``preset`` is a name (found in the preset folders, or a built-in platform
    name) or a path.  The platform is ``platform`` if given, else the series
    preset's ``[series] platform``.  ``overrides`` maps dotted keys
    (``"gif.width"``) to values (already typed, or text to convert).
    """
    sections = settings_sections()
    layers: list[PresetFile] = []
    series_layer = None
    if preset is not None:
        path, kind = find_preset(str(preset), extra_dirs=extra_dirs)
        layer = load_preset_file(path, kind=kind, name=Path(str(preset)).stem)
        if kind == "platform":
            if platform and platform != layer.name:
                raise PresetError(f"two platforms asked for: {layer.name} and {platform}", "give one")
            layers.append(layer)
        else:
            series_layer = layer
    platform_name = platform or (series_layer.values.get("series", {}).get("platform") if series_layer else None)
    if platform_name and not any(l.kind == "platform" for l in layers):
        builtin = builtin_presets()
        if platform_name not in builtin:
            where = f" (named in {series_layer.path})" if series_layer and not platform else ""
            raise PresetError(f"unknown platform preset {platform_name!r}{where}", "platforms: " + ", ".join(builtin))
        layers.insert(0, load_preset_file(builtin[platform_name], kind="platform", name=platform_name))
    if series_layer:
        layers.append(series_layer)

    objs: dict[str, Any] = {s: cls() for s, cls in sections.items()}
    origins: dict[str, str] = {}
    for layer in layers:
        for section, values in layer.values.items():
            for key, value in values.items():
                objs[section] = _set_dotted(objs[section], key, value)
                origins[f"{section}.{key}"] = _describe(layer)
    for key, value in (overrides or {}).items():
        table, _, rest = key.partition(".")
        section = _section_for(table, sections)
        if section is None or not rest:
            raise PresetError(f"unknown setting {key!r}", "valid tables: " + ", ".join(sections))
        value = convert_setting(section, rest, value, sections, source=flag_origin)
        objs[section] = _set_dotted(objs[section], rest, value)
        origins[f"{section}.{rest}"] = flag_origin
    typed = frozenset(k for k, o in origins.items() if o == flag_origin)
    return Resolved(sections=objs, origins=origins, layers=tuple(layers), name=str(preset) if preset else None,
                    typed=typed)


def settings_for(section: str, preset: str | os.PathLike | None = None, typed: Mapping[str, Any] | None = None,
                 *, platform: str | None = None) -> Any:
    """One table's settings after layering, for a single command's ``--preset``: the
    flags the user typed (``{"width": 480}``; ``None`` values = not typed) on top.

    ``settings_for("gif", "tumblr", {"fps": 15})`` → a ``GifSettings``.
    """
    overrides = {f"{section}.{k}": v for k, v in (typed or {}).items() if v is not None}
    return resolve(preset, platform=platform, overrides=overrides)[section]


def settings_fingerprint(obj: Any) -> str:
    """A stable text of a settings object (for "is this output up to date?")."""
    return repr(dataclasses.astuple(obj)) if is_dataclass(obj) else repr(obj)
