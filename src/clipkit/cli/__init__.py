"""The command line: click commands, each a thin shell over one pipeline function.

Each command lives in its own module and registers itself on :data:`main`
when imported; :class:`~clipkit.cli.main.ClipkitGroup` imports a command's
module only when that command is asked for.
"""

from .main import main

main.lazy_commands.update({
    name: f"clipkit.cli.{module}"
    for name, module in {
        "info": "info",
        "still": "still",
        "gif": "gif",
        "clip": "clip",
        "scenes": "scenes",
        "find": "find",
        "strip": "strip",
        "embed": "embed",
        "batch": "batch",
        "presets": "presets",
        "demo": "demo",
        "studio": "studio",
    }.items()
})

__all__ = ["main"]
