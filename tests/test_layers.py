"""The layers hold: no module imports one above it (checked on the source, with ast)."""

from __future__ import annotations

import ast
from pathlib import Path

import clipkit

ROOT = Path(clipkit.__file__).parent


def _imports(path: Path) -> set[str]:
    """Absolute ``clipkit.*`` modules a source file imports (inside functions too)."""
    rel = path.relative_to(ROOT.parent).with_suffix("")
    package = list(rel.parts[:-1])
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            out.add(module)
            out.update(f"{module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return {m for m in out if m.startswith("clipkit")}


def _modules(folder: str):
    return sorted((ROOT / folder).rglob("*.py"))


def _closure(start: str) -> set[str]:
    """Every clipkit module reachable from ``start`` through its imports."""
    seen: set[str] = set()
    stack = [start]
    while stack:
        name = stack.pop()
        parts = name.split(".")[1:]
        for path in (ROOT.joinpath(*parts).with_suffix(".py"), ROOT.joinpath(*parts, "__init__.py")):
            if path.is_file() and name not in seen:
                seen.add(name)
                stack.extend(_imports(path))
    return seen


def test_rendering_sees_only_the_cue_model():
    reach = set().union(*(_closure(f"clipkit.render.{p.stem}") for p in _modules("render") if p.stem != "__init__"),
                        _closure("clipkit.render.captions"))
    assert "clipkit.subtitles.model" in reach
    assert not {"clipkit.subtitles.tracks", "clipkit.subtitles.files", "clipkit.media.ffmpeg", "clipkit.pipeline"} & reach


def test_basics_do_not_import_encoders_or_jobs():
    for folder in ("scenes", "subtitles", "media", "render"):
        for path in _modules(folder):
            bad = {m for m in _imports(path) if m.startswith(("clipkit.encode", "clipkit.pipeline", "clipkit.cli"))}
            assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_only_embed_files_probes():
    """Decision (docs/ARCHITECTURE.md): snippets are made from an Artifact; only embed/files.py,
    which describes a file made earlier that the manifest does not know, may probe media."""
    probing = sorted(p.name for p in _modules("embed") if any(m.startswith("clipkit.media") for m in _imports(p)))
    assert probing == ["files.py"]


def test_the_core_never_imports_click():
    for path in ROOT.rglob("*.py"):
        if "cli" in path.relative_to(ROOT).parts:
            continue
        assert "click" not in {n.split(".")[0] for n in _all_imports(path)}, path


def _all_imports(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            out.add(node.module)
    return out


def test_ffmpeg_calls_are_built_in_one_place():
    """Every ffmpeg argument list starts in media/ffmpeg.py (``ffmpeg_command``), where exit codes are checked."""
    for path in ROOT.rglob("*.py"):
        if path.relative_to(ROOT).as_posix() == "media/ffmpeg.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert "ffmpeg_exe(" not in text and '"-hide_banner"' not in text, path
