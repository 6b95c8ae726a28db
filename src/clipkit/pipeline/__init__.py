"""The jobs both the CLI and the Python API call: one module per job.

The job functions are loaded on first use, so a command imports only what it
runs.  (``still`` and ``batch`` are reached through their modules,
``clipkit.pipeline.still.still`` and ``clipkit.pipeline.batch.batch``, or
the top-level API, because those module names equal the function names.)
"""

import importlib

_LAZY = {
    "info": ("clipkit.media.probe", "probe"),
    "make_gif": ("clipkit.pipeline.gif", "make_gif"),
    "make_strip": ("clipkit.pipeline.strip", "make_strip"),
    "detect_scenes": ("clipkit.pipeline.scenes", "detect_scenes"),
    "scene_range": ("clipkit.pipeline.scenes", "scene_range"),
    "snap_range": ("clipkit.pipeline.scenes", "snap_range"),
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
