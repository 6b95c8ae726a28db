"""The jobs both the CLI and the Python API call: one function per command."""

from ..media.probe import probe as info
from .still import still

__all__ = ["info", "still"]
