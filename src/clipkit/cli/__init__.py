"""The command line: click commands, each a thin shell over one pipeline function.

Every command module registers itself on :data:`main` when imported below.
"""

from .main import main
from . import info as _info  # noqa: F401,E402
from . import still as _still  # noqa: F401,E402
from . import demo as _demo  # noqa: F401,E402
from . import gif as _gif  # noqa: F401,E402
from . import embed as _embed  # noqa: F401,E402
from . import batch as _batch, presets as _presets  # noqa: F401,E402
from . import scenes as _scenes  # noqa: F401,E402
from . import strip as _strip  # noqa: F401,E402

__all__ = ["main"]
