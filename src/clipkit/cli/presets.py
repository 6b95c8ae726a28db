"""``clipkit presets list|show``: the presets there are, and every resolved value with its origin."""

from __future__ import annotations

import json
from fractions import Fraction

import click

from ..errors import ClipkitError
from ..errors import UsageError
from ..presets import builtin_presets, load_preset_file, parse_overrides, resolve, settings_sections, user_presets
from ..settings_apply import close_match
from .main import main


@main.group()
def presets() -> None:
    """Presets: built-in platforms (tumblr, twitter, …) and your series presets.

    \b
    Layers, lowest first: built-in default < platform preset < series preset
    < what you type (--set TABLE.KEY=VALUE, or a command's own flags).
    User presets are TOML files found by name in $CLIPKIT_PRESETS, ./presets
    and ~/.config/clipkit/presets, or given as a path.
    """


@presets.command("list")
def list_() -> None:
    """List the built-in platform presets and the series presets found."""
    rows = [("platform", name, path) for name, path in builtin_presets().items()]
    rows += [("series", name, path) for name, path in user_presets().items()]
    for kind, name, path in rows:
        try:
            description = load_preset_file(path, kind=kind).description
            if kind == "series":
                resolve(str(path))  # its platform and values layered: a preset that loads may still not resolve
        except ClipkitError as exc:  # a broken user preset is listed, not fatal
            description = f"(cannot be used: {exc.message})"
        click.echo(f"{name:<22} {kind:<9} {description}")
        if kind == "series":
            click.echo(f"{'':<22} {'':<9} {path}")
    jobs = user_presets(job_files=True)
    if jobs:
        click.echo("\nbatch job files (clipkit batch FILE):")
        for name, path in jobs.items():
            click.echo(f"  {path}")


def _show(value) -> str:
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"
    if value is None:
        return "none"
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@presets.command()
@click.argument("name")
@click.option("--platform", help="Layer on this platform preset (default: the series preset's own).")
@click.option("--set", "sets", multiple=True, metavar="TABLE.KEY=VALUE", help="A typed value on top (repeatable).")
@click.option("--table", "tables", multiple=True, metavar="TABLE", help="Show only these tables (repeatable).")
@click.option("--changed", is_flag=True, help="Show only values that differ from the built-in default.")
@click.option("--json", "as_json", is_flag=True, help="Print {key: {value, origin}} as JSON.")
def show(name: str, platform: str | None, sets: tuple[str, ...], tables: tuple[str, ...], changed: bool, as_json: bool) -> None:
    """Show every value NAME resolves to, and where each came from.

    \b
    Examples:
      clipkit presets show tumblr
      clipkit presets show one-million-stars --changed
      clipkit presets show presets/my-show.toml --set gif.width=480
    """
    sections = settings_sections()
    for table in tables:  # a typo'd --table showed no table at all, exit 0
        if table not in sections:
            close = close_match(table, sections)
            raise UsageError(f"--table {table!r}: unknown table" + (f" (did you mean {close!r}?)" if close else ""),
                             "valid tables: " + ", ".join(sections))
    resolved = resolve(name, platform=platform, overrides=parse_overrides(sets))
    rows = [r for r in resolved.rows() if (not tables or r[0].split(".")[0] in tables)]
    if changed:
        rows = [r for r in rows if r[2] != "built-in default"]
    if as_json:
        click.echo(json.dumps({k: {"value": _show(v) if isinstance(v, Fraction) else v, "origin": o}
                               for k, v, o in rows}, ensure_ascii=False, indent=1, default=str))
        return
    for layer in resolved.layers:
        click.echo(f"# {layer.kind} preset {layer.name}: {layer.path}" + (f" — {layer.description}" if layer.description else ""), err=True)
    width = max((len(k.split(".", 1)[1]) for k, _, _ in rows), default=10)
    section = None
    for key, value, origin in rows:
        table = key.split(".")[0]
        if table != section:
            if section is not None:
                click.echo()
            click.echo(f"[{table}]")
            section = table
        click.echo(f"  {key.split('.', 1)[1]:<{width}} = {_show(value):<24} # {origin}")
