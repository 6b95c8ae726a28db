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
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from . import settings as settings_module
from .errors import UsageError
from .settings_apply import apply, close_match, coerce, convert, parse_size  # coerce, parse_size: re-exported

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


def _check_table(table: Mapping, cls: type, path: Path, where: str, out: dict[str, Any]) -> None:
    """Check the keys and values of TOML table ``[where]`` against ``cls``; store them in ``out``."""
    names = [f.name for f in fields(cls)]
    for key, value in table.items():
        if key not in names:
            close = close_match(key, names)
            raise PresetError(
                f"{path}: unknown key {key!r} in [{where}]" + (f" (did you mean {close!r}?)" if close else ""),
                f"valid keys of [{where}]: " + ", ".join(names),
            )
        try:
            out[key] = convert(cls, key, value, from_text=False, error=PresetError, from_file=True)
        except PresetError as exc:
            raise PresetError(f"{path}: [{where}] {exc.message}",
                              f"fix the value in {path.name} ({exc.hint}); valid keys of [{where}]: " + ", ".join(names)) from None


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
            close = close_match(key, [*sections, "description"])
            what = f"unknown table [{key}]" if isinstance(value, Mapping) else f"unknown top-level key {key!r}"
            if close:
                what += f" (did you mean {f'[{close}]' if close in sections else repr(close)}?)"
            raise PresetError(f"{path}: {what}", f"valid tables and keys: {valid}")
        table_values: dict[str, Any] = values.setdefault(section, {})
        _check_table(value, sections[section], path, key, table_values)
    _beside(values, path.parent)
    return PresetFile(name=name or path.stem, path=path, kind=kind, description=description, values=values)


#: Settings that may name a file (``subs``: besides auto, off, track:N, lang:xxx; ``font``: or a family name).
FILE_KEYS = (("caption", "font"), ("caption", "subs"), ("strip", "font"))


def _beside(values: dict[str, dict[str, Any]], folder: Path) -> None:
    """A relative file a preset names that is there beside the preset is taken from there (a series folder's
    ``fonts/NotoSansJP.otf``), as ``[series] episodes`` is; anything else (a family name, a file the command's
    folder holds) is left as written."""
    for section, key in FILE_KEYS:
        value = values.get(section, {}).get(key)
        if (not isinstance(value, str) or not value or Path(value).expanduser().is_absolute()
                or value in ("auto", "off") or value.startswith(("track:", "lang:"))):
            continue
        there = folder / value
        if there.is_file():
            values[section][key] = str(there)


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


#: A job file has ``[[job]]`` tables or a top-level ``preset = …`` (before the first table: ``[clip] preset``
#: is x264's speed, a setting a series preset may hold).
_JOB_TABLE = re.compile(r"^[ \t]*\[\[[ \t]*job[ \t]*\]\]", re.MULTILINE)
_FIRST_TABLE = re.compile(r"^[ \t]*\[", re.MULTILINE)
_PRESET_KEY = re.compile(r"^[ \t]*preset[ \t]*=", re.MULTILINE)


def is_job_file(path: Path) -> bool:
    """A batch job file (``[[job]]`` tables or a ``preset =`` line) kept among the presets."""
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return False
    top = _FIRST_TABLE.split(text, maxsplit=1)[0]
    return bool(_JOB_TABLE.search(text) or _PRESET_KEY.search(top))


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
    close = close_match(name, known)
    raise PresetError(
        f"unknown preset {name!r}" + (f" (did you mean {close!r}?)" if close else ""),
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
        value = Path(getattr(self.sections[section], rest)).expanduser()
        return value if value.is_absolute() else self.base_dir(key) / value

    def rows(self) -> list[tuple[str, Any, str]]:
        """``(key, value, origin)`` for every setting, table by table."""
        out = []
        for section, obj in self.sections.items():
            for f in fields(obj):
                key, value = f.name, getattr(obj, f.name)
                full = f"{section}.{key}"
                out.append((full, value, self.origins.get(full, DEFAULT_ORIGIN)))
        return out


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
            close = close_match(table, sections)
            raise PresetError(f"--set {pair!r}: unknown table {table!r}" + (f" (did you mean {close!r}?)" if close else ""),
                              "valid tables: " + ", ".join(sections))
        out[f"{section}.{rest}"] = convert_setting(section, rest, text.strip(), sections, source=f"--set {pair!r}")
    return out


def convert_setting(section: str, key: str, value: Any, sections: Mapping[str, type], *, source: str,
                    from_file: bool = False) -> Any:
    """``value`` (TOML-typed, or text) as field ``key`` of table ``section``, range-checked;
    a :class:`PresetError` naming ``source`` (and the key meant, for a typo) if it is not one.
    ``from_file``: a job file's value (its ``file_valid`` checks apply)."""
    cls = sections[section]
    names = [f.name for f in fields(cls)]
    if key not in names:
        close = close_match(key, names)
        raise PresetError(
            f"{source}: unknown key {section}.{key}" + (f" (did you mean {close!r}?)" if close else ""),
            "valid keys: " + ", ".join(names),
        )
    try:
        return convert(cls, key, value, error=PresetError, from_file=from_file)
    except PresetError as exc:
        raise PresetError(f"{source}: {section}.{exc.message}", exc.hint) from None


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
            close = close_match(platform_name, builtin)
            raise PresetError(f"unknown platform preset {platform_name!r}{where}"
                              + (f" (did you mean {close!r}?)" if close else ""), "platforms: " + ", ".join(builtin))
        layers.insert(0, load_preset_file(builtin[platform_name], kind="platform", name=platform_name))
    if series_layer:
        layers.append(series_layer)

    objs: dict[str, Any] = {s: cls() for s, cls in sections.items()}
    origins: dict[str, str] = {}
    for layer in layers:
        for section, values in layer.values.items():
            for key, value in values.items():
                objs[section] = replace(objs[section], **{key: value})
                origins[f"{section}.{key}"] = _describe(layer)
        clip = layer.values.get("clip", {})
        if "limit_platform" not in clip and any(k.startswith("limit_") for k in clip):  # its own limits: name it
            objs["clip"] = replace(objs["clip"], limit_platform=f"preset {layer.name}")
    for key, value in (overrides or {}).items():
        table, _, rest = key.partition(".")
        section = _section_for(table, sections)
        if section is None or not rest:
            raise PresetError(f"unknown setting {key!r}", "valid tables: " + ", ".join(sections))
        value = convert_setting(section, rest, value, sections, source=flag_origin)
        objs[section] = replace(objs[section], **{rest: value})
        origins[f"{section}.{rest}"] = flag_origin
    for section, obj in objs.items():  # the rules that span fields (min_quality ≤ quality), once all layers are on
        apply(obj, error=PresetError, source=f"[{section}] ")
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
    """A stable text of a settings object (for "is this output up to date?"); fields that do not change
    the output (``setting(..., same_output=True)``, e.g. ``frame_memory``) are left out."""
    if not is_dataclass(obj):
        return repr(obj)
    values = (getattr(obj, f.name) for f in fields(obj) if not f.metadata.get("same_output"))
    return repr(tuple(dataclasses.astuple(v) if is_dataclass(v) else v for v in values))
