"""``clipkit find``."""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path

import click

from ..pipeline.find import find as run_find
from ..timecode import format_time
from .main import echo_notes, main
from .progress import ProgressBar


def _shown(text: str) -> str:
    """Text for the terminal: control characters (escape sequences, BEL) made visible, never obeyed."""
    return "".join(c if c.isprintable() or c == "\n" else repr(c)[1:-1] for c in text)


def _path(p) -> str:
    try:
        rel = os.path.relpath(p)
    except ValueError:
        rel = str(p)
    return str(p) if rel.startswith("..") else rel


def _gif_range(m, query: str, reachable: dict) -> str:
    """How `clipkit gif VIDEO …` takes this match: ``--line QUERY`` with the ``--match N`` of its place among
    what --line finds in that video — every source, as --line searches, whatever --track/--lang/--limit
    narrowed here — or, when --line would not find it (a near match beside exact ones), its times."""
    if m.video not in reachable:
        reachable[m.video] = run_find([m.video], query, context=0).matches
    found = reachable[m.video]
    n = next((k for k, o in enumerate(found, 1) if (o.subs, o.start, o.end) == (m.subs, m.start, m.end)), None)
    if n is None:
        subs = m.subs if m.subs.startswith("track:") else _path(Path(m.video).parent / m.subs)
        return f"{format_time(m.start)} {format_time(m.end)} --subs {shlex.quote(subs)}"
    return f"--line {shlex.quote(query)}" + ("" if len(found) == 1 else f" --match {n}")


@main.command()
@click.argument("sources", nargs=-1, metavar="[VIDEO|FOLDER]...")
@click.argument("query")
@click.option("--preset", "-p", metavar="NAME|FILE", help="Search a series preset's episodes ([series] episodes + episode_pattern).")
@click.option("--track", help="Only this source: a track number as `clipkit info` lists it, or a subtitle file's name.")
@click.option("--lang", help="Only sources in this language (eng, jpn, ko, …).")
@click.option("--context", type=click.IntRange(0, 20), default=1, show_default=True, help="Lines shown before and after each match.")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True, help="Show at most this many matches.")
@click.option("--no-fuzzy", is_flag=True, help="Only lines containing the words as typed (no near matches).")
@click.option("--reindex", is_flag=True, help="Read every episode's subtitles again (they are indexed on first search).")
@click.option("--json", "as_json", is_flag=True, help="The matches as JSON on stdout.")
def find(sources: tuple[str, ...], query: str, preset: str | None, track: str | None, lang: str | None, context: int,
         limit: int, no_fuzzy: bool, reindex: bool, as_json: bool) -> None:
    """Find the moments where QUERY is said, in a video, a folder of episodes or a series.

    \b
    Examples:
      clipkit find ep07.mkv "always knew"
      clipkit find season1/ "always knew"
      clipkit find --preset one-million-stars "知っていた"
      clipkit find ep07.mkv "always knew" --lang eng --context 2 --json

    Case, accents, full/half width, hiragana/katakana and punctuation are
    ignored; when nothing matches as typed, near matches are shown (a word or
    two misremembered). Every text subtitle source is searched: subtitle files
    named after the video and its embedded text tracks. The first search of an
    episode indexes its subtitles (~/.cache/clipkit/dialogue); later searches
    are instant. Then: clipkit gif VIDEO --line "always knew".
    """
    with ProgressBar("indexing") as bar:
        result = run_find(list(sources) or None, query, preset=preset, track=track, lang=lang, fuzzy=not no_fuzzy,
                          context=context, limit=limit, reindex=reindex, progress=bar)
    echo_notes(result.notes)
    if as_json:
        click.echo(json.dumps({
            "query": result.query,
            "episodes": [str(p) for p in result.episodes],
            "skipped": [str(p) for p in result.skipped],
            "skip_reasons": {str(p): why for p, why in result.skip_reasons.items()},
            "matches": [{"video": str(m.video), "subs": m.subs, "language": m.language, "start": str(m.start),
                         "end": str(m.end), "start_seconds": float(m.start), "end_seconds": float(m.end),
                         "start_timecode": format_time(m.start), "end_timecode": format_time(m.end),
                         "text": m.text, "score": m.score, "exact": m.exact, "before": list(m.before),
                         "after": list(m.after)} for m in result.matches],
        }, ensure_ascii=False, indent=2))
        return
    n_eps = len(result.episodes)
    if not result.matches:
        n_skip = len(result.skipped)
        skipped = f" ({n_skip} file{'s' if n_skip != 1 else ''} skipped)" if n_skip else ""  # the notes above say why
        click.echo(f"no line says {_shown(query)!r} in {n_eps} episode{'s' if n_eps != 1 else ''}{skipped}", err=True)
        raise SystemExit(1)
    reachable: dict = {}
    for n, m in enumerate(result.matches, 1):
        lang_txt = f" ({m.language})" if m.language else ""
        near = "" if m.exact else f"  [near match {m.score:.0%}]"
        click.echo(f"{n}  {_shown(_path(m.video))}  {format_time(m.start)}–{format_time(m.end)}  "
                   f"{_shown(m.subs)}{lang_txt}{near}")
        for t in m.before:
            click.echo("     " + _shown(t.replace("\n", " / ")))
        click.echo("   > " + _shown(m.text.replace("\n", " / ")))
        for t in m.after:
            click.echo("     " + _shown(t.replace("\n", " / ")))
        click.echo(f"     clipkit gif {shlex.quote(_path(m.video))} {_gif_range(m, query, reachable)}")
    if len(result.matches) >= limit:
        click.echo(f"note: showing the first {limit} match{'' if limit == 1 else 'es'} (--limit)", err=True)
