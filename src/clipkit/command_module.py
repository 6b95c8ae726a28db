"""A package that is also a command's function: ``clipkit.scenes(...)`` and ``clipkit.embed(...)``.

``clipkit.scenes`` and ``clipkit.embed`` are subpackages (the detectors, the snippet formats) and
the API's ``scenes``/``embed`` commands.  Python sets a subpackage as the attribute of its parent
once imported, so rather than fight that, the subpackage itself is made callable: calling it runs
the command's function (imported on first call), and ``inspect.signature``/``help`` see that
function through ``__wrapped__``.  ``import clipkit.scenes.model`` keeps working.
"""

from __future__ import annotations

import importlib
import sys
import types

__all__ = ["make_callable"]


def make_callable(module_name: str, target: str) -> None:
    """Make module ``module_name`` call ``target`` ("package.module:function") when called."""
    where, _, attr = target.partition(":")

    class CommandModule(types.ModuleType):
        @property
        def __wrapped__(self):
            return getattr(importlib.import_module(where), attr)

        def __call__(self, *args, **kwargs):
            return self.__wrapped__(*args, **kwargs)

    CommandModule.__name__ = CommandModule.__qualname__ = f"{attr}_module"
    sys.modules[module_name].__class__ = CommandModule
