"""The errors clipkit raises on purpose.

Every error a user can cause carries a *message* (what went wrong, naming the
file or value) and a *hint* (what to do about it).  The CLI prints both on one
line and exits with ``exit_code``: 2 for usage mistakes (a bad timestamp, a
missing file, an unknown option value), 1 for failures of the work itself
(ffmpeg could not decode, the disk is full).  The library never prints and
never exits; it raises these.

A message that names an option names it as the caller typed it (:func:`option`):
``--crop 4:3`` on the command line (the CLI runs commands in :func:`spelling` ``("flags")``), ``crop='4:3'`` in Python,
``Crop 4:3`` in the studio's page (its fields' labels, :data:`LABELS`).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator, Mapping
from types import MappingProxyType


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


#: How the caller wrote its options: "keywords" (the Python API, ``crop='4:3'``), "flags" (the command line,
#: ``--crop 4:3``) or "job" (a batch job file's keys, ``crop = "4:3"``), so a message says what to write there.
SPELLING: contextvars.ContextVar[str] = contextvars.ContextVar("clipkit_spelling", default="keywords")
#: The labels of a page's fields for the options it has (the studio's ``{"width": "Width", "start": "In"}``): while
#: set, :func:`option` names those options by them (``Width``, ``Crop 999:10:0:0``), the others as SPELLING says.
LABELS: contextvars.ContextVar[Mapping[str, str]] = contextvars.ContextVar("clipkit_labels", default=MappingProxyType({}))
_NO_VALUE = object()


def _with_value(name: str, value) -> str:
    """``name``, or ``name value`` (quoted if empty or spaced) as typed after a flag or beside a field's label."""
    if value is _NO_VALUE or value is True:  # a flag's own switch: --copy, not --copy True
        return name
    text = str(value)
    return f'{name} "{text}"' if not text or any(ch.isspace() for ch in text) else f"{name} {text}"


def option(name: str, value=_NO_VALUE, *, flag: str | None = None) -> str:
    """Option ``name`` (its API keyword, ``"crop"``) as the caller wrote it (:data:`SPELLING`): ``--crop`` /
    ``--crop 240:180`` on the command line, ``crop=`` / ``crop='240:180'`` in Python, ``crop`` /
    ``crop = "240:180"`` in a job file (a Python caller never typed ``--crop``); by its field's label where a page
    has one (:data:`LABELS`: ``Crop 240:180``).  ``flag``: the command line's flag where it is not the keyword
    with dashes (``--from`` for ``line_from``)."""
    label = LABELS.get().get(name)
    if label is not None:
        return _with_value(label, value)
    spelling = SPELLING.get()
    if spelling == "flags":
        return _with_value(flag or "--" + name.replace("_", "-"), value)
    if spelling == "job":
        import json

        return name if value is _NO_VALUE else f"{name} = {json.dumps(value, ensure_ascii=False)}"
    return f"{name}=" if value is _NO_VALUE else f"{name}={value!r}"


def typed_flags() -> bool:
    """True while the command line runs a command (options are named as flags)."""
    return SPELLING.get() == "flags"


@contextlib.contextmanager
def spelling(how: str, labels: Mapping[str, str] | None = None) -> Iterator[None]:
    """Within it, :func:`option` names options as ``how`` says (:data:`SPELLING`), and those in ``labels`` by their
    labels (:data:`LABELS`); the CLI runs commands in ``spelling("flags")``, a batch runs a job file's jobs in
    ``spelling("job")``, the studio its requests in ``spelling("flags", PAGE_LABELS)``."""
    token = SPELLING.set(how)
    labelled = LABELS.set(MappingProxyType(dict(labels))) if labels is not None else None
    try:
        yield
    finally:
        if labelled is not None:
            LABELS.reset(labelled)
        SPELLING.reset(token)


def name_options(how: str, labels: Mapping[str, str] | None = None) -> None:
    """For the rest of this process (or context), :func:`spelling` ``(how, labels)``: a studio worker, whose
    errors name the page's fields (``Width``), and the command line's flags for the rest (which the page leaves
    out of what it shows)."""
    SPELLING.set(how)
    if labels is not None:
        LABELS.set(MappingProxyType(dict(labels)))
