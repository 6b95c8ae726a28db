"""The errors clipkit raises on purpose.

Every error a user can cause carries a *message* (what went wrong, naming the
file or value) and a *hint* (what to do about it).  The CLI prints both on one
line and exits with ``exit_code``: 2 for usage mistakes (a bad timestamp, a
missing file, an unknown option value), 1 for failures of the work itself
(ffmpeg could not decode, the disk is full).  The library never prints and
never exits; it raises these.
"""

from __future__ import annotations


class ClipkitError(Exception):
    """Base class: a problem the user can understand and act on."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} — {self.hint}"
        return self.message


class UsageError(ClipkitError):
    """The user asked for something impossible: fix the command and rerun."""

    exit_code = 2


class InputError(UsageError):
    """An input file is missing, unreadable, or not what it claims to be."""


class TimecodeError(UsageError):
    """A timestamp that cannot be parsed, or a range that is not inside the file."""


class MediaError(ClipkitError):
    """Decoding or encoding failed although the request looked valid."""


class OutputError(ClipkitError):
    """An output file or folder cannot be written."""


class Cancelled(ClipkitError):
    """The progress callback asked to stop (Ctrl-C in the CLI)."""

    exit_code = 130

    def __init__(self, message: str = "stopped before finishing", hint: str | None = None) -> None:
        super().__init__(message, hint or "nothing half-written was left behind")
