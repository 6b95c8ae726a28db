"""The ``clipkit`` command group: global flags and how errors reach the user."""

from __future__ import annotations

import importlib
import os
import re
import sys

import click

from .. import __version__
from ..errors import ClipkitError, spelling

__all__ = ["main", "debug_enabled", "printable", "echo_notes"]

#: What a terminal would act on rather than show: C0 (but the newline), DEL, C1, and the lone
#: surrogates that stand for a file name's undecodable bytes.
_UNPRINTABLE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _escape(m: re.Match) -> str:
    ch = m.group(0)
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a non-UTF-8 file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text) -> str:
    """``text`` safe to print: control characters (terminal escapes) and undecodable file-name bytes
    shown as ``\\x1b``-style escapes, never sent to the terminal raw."""
    return _UNPRINTABLE.sub(_escape, str(text))


def debug_enabled() -> bool:
    return os.environ.get("CLIPKIT_DEBUG", "") not in ("", "0")


class ClipkitCommand(click.Command):
    """A command whose left-over words get a hint when they are a joined option's times typed apart
    (``--range 12:00 13:00``: "write --range 12:00-13:00"), rather than click's bare "unexpected extra argument";
    so does a second time that was taken for the video (``--range 12:00 13:00 EP``, or no EP after it)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        allowed = ctx.allow_extra_args
        ctx.allow_extra_args = True
        typed = list(args)  # click's parser consumes the list it is given
        try:
            rest = super().parse_args(ctx, args)
        finally:
            ctx.allow_extra_args = allowed
        if ctx.resilient_parsing or allowed:
            return rest
        from .spans import split_value_line

        line = split_value_line(ctx, rest, typed)
        if line:
            ctx.fail(line)
        if rest:
            from gettext import ngettext

            ctx.fail(ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})",
                                         len(rest)).format(args=" ".join(map(str, rest))))
        return rest


class ClipkitGroup(click.Group):
    """Turns library errors into one line on stderr and an exit code.

    ``ClipkitError``: exit 2 for usage mistakes, 1 for failures.  Anything
    unexpected: exit 1 with a one-line summary.  ``--debug`` shows tracebacks.
    """

    #: command name → module that defines it; imported only when that command runs
    #: (or for the list in --help), so each command pays only for its own imports.
    lazy_commands: dict[str, str] = {}
    command_class = ClipkitCommand

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy_commands))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``clipkit --help`` without importing the commands (and numpy):
        each summary is the first line of the command's docstring, read from its module's source."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max((len(n) for n in names), default=0)  # as click's own listing
        rows = []
        for name in names:
            cmd = self.commands.get(name)
            text = cmd.get_short_help_str(limit) if cmd is not None else _summary(self.lazy_commands[name], name, limit)
            rows.append((name, text))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, name: str):
        if name not in self.commands and name in self.lazy_commands:
            importlib.import_module(self.lazy_commands[name])  # registers itself on the group
        return _with_debug(super().get_command(ctx, name))

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:  # a bad option of clipkit itself: `clipkit --bogus`
            _usage_error(exc)

    def invoke(self, ctx: click.Context):
        try:
            with spelling("flags"):  # the library's messages name options as the flags typed (--crop, not crop=)
                return super().invoke(ctx)
        except click.UsageError as exc:  # click's own (unknown option/command, missing argument, bad value…)
            _usage_error(exc, ctx)
        except ClipkitError as exc:
            if debug_enabled():
                raise
            click.echo(printable(f"clipkit: error: {exc}"), err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            from ..atomic import settle_after_interrupt

            settle_after_interrupt()
            if debug_enabled():
                raise
            click.echo("clipkit: interrupted — nothing half-written was left behind", err=True)
            ctx.exit(130)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except BrokenPipeError:  # the reader went away (`clipkit find … | head`): stop quietly, as Unix tools do
            _stdout_to_devnull()
            ctx.exit(1)
        except OSError as exc:
            if debug_enabled():
                raise
            click.echo(printable(f"clipkit: error: {os_error_line(exc)}"), err=True)
            ctx.exit(1)
        except Exception as exc:  # a bug: say so in one line, traceback with --debug
            if debug_enabled():
                raise
            click.echo(printable(f"clipkit: internal error: {type(exc).__name__}: {exc} — rerun with --debug and report it"),
                       err=True)
            ctx.exit(1)


def os_error_line(exc: OSError) -> str:
    """One line for an operating-system error that reached the command: what, where, and what to do."""
    import errno
    import tempfile

    name = getattr(exc, "filename", None)
    where = f" ({name})" if name else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        disk = f"the disk of {name}" if name else f"the output folder's disk, or the temporary folder's ({tempfile.gettempdir()})"
        hint = f"free some space on {disk}, or write elsewhere with -o (temporary files: set TMPDIR)"
    elif exc.errno == errno.EROFS:
        hint = "that file system is read-only: write elsewhere with -o"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        hint = "write elsewhere with -o, or check that folder's permissions"
    else:
        hint = "run with --debug for details"
    return f"{exc.strerror or exc}{where} — {hint}"


#: click ≥ 8.2 raises this (a UsageError) for a group called with nothing: it shows the help, not an error.
def _stdout_to_devnull() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush does not fail on the closed pipe again."""
    import os
    import sys

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


#: What a negative time looks like on the command line (-1, -0:05, -1.5, -f12).
_NEGATIVE_TIME = re.compile(r"-(\d[\d:.,]*(ms|s)?|f\d+)")


def _usage_error(exc: click.UsageError, ctx: click.Context | None = None):
    """Click's usage error as the project's one line (exit 2): what is wrong — with click's
    did-you-mean — and where to look, instead of click's usage/try/blank/error block."""
    if isinstance(exc, _NO_ARGS_IS_HELP):  # `clipkit` / `clipkit presets` alone: the help, as click shows it
        raise exc
    where = exc.ctx or ctx
    path = where.command_path if where is not None else "clipkit"
    if exc.ctx is None and ctx is not None and ctx.invoked_subcommand:  # click left it out (`--match` with no value)
        path = f"{path} {ctx.invoked_subcommand}"
    names = where.help_option_names if where is not None else ["--help"]
    flag = "--help" if "--help" in names else names[0]
    text = " ".join(exc.format_message().split()).removesuffix(".")  # one line, whatever click put in it
    hint = f"see '{path} {flag}'"
    if isinstance(exc, click.NoSuchOption) and _NEGATIVE_TIME.fullmatch(exc.option_name or ""):
        # `clipkit still ep07.mkv -1`: click reads a negative time as an option
        text = "a time cannot be negative: times count from the start of the file"
        hint = "give a time from 0 on, e.g. 0:05 (an END may be +6: that long after START)"
    click.echo(printable(f"clipkit: error: {text} — {hint}"), err=True)
    raise click.exceptions.Exit(2)


def _summary(module: str, name: str, limit: int) -> str:
    """The first sentence of command ``name``'s docstring in ``module``, without importing it."""
    import ast
    import importlib.util

    spec = importlib.util.find_spec(module)
    tree = ast.parse(open(spec.origin, encoding="utf-8").read())  # noqa: SIM115 - read once
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name.rstrip("_") == name.replace("-", "_"):
            doc = ast.get_docstring(node) or ""
            return click.Command(name, help=doc).get_short_help_str(limit)
    return ""


def _set_debug(ctx: click.Context, _param, value: bool) -> bool:
    if value:
        os.environ["CLIPKIT_DEBUG"] = "1"
    return value


_DEBUG_HELP = "Show full tracebacks and ffmpeg's messages on errors."


def _with_debug(cmd):
    """``cmd`` (and, for a group, its subcommands) also taking ``--debug``, so it may follow the
    subcommand: ``clipkit gif --debug …`` as well as ``clipkit --debug gif …``."""
    if cmd is not None and not any(p.name == "debug" for p in cmd.params):
        cmd.params.append(click.Option(["--debug"], is_flag=True, expose_value=False, is_eager=True,
                                       callback=_set_debug, help=_DEBUG_HELP))
        for sub in getattr(cmd, "commands", {}).values():
            _with_debug(sub)
    return cmd


@click.group(cls=ClipkitGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="clipkit")
@click.option("--debug", is_flag=True, expose_value=False, is_eager=True, callback=_set_debug,
              help=_DEBUG_HELP)
def main() -> None:
    """Clips, GIFs, stills and thumbnail strips from TV episodes, with paste-ready embeds.

    \b
    Examples:
      clipkit demo                          sample episode, two GIFs, still, sheet
      clipkit info ep07.mkv                 streams, duration, subtitle tracks
      clipkit still ep07.mkv 12:31 --best   sharpest frame near 12:31

    Times may be written 12:30, 1:02:03.5, 750, 90s, 750ms, 00:12:30,500 or
    f1500 (a frame number); an end may be relative: +6.

    Shell completion (bash): eval "$(_CLIPKIT_COMPLETE=bash_source clipkit)"
    """
    _stop_cleanly_on_sigterm()


def _stop_cleanly_on_sigterm() -> None:
    """``kill PID`` (SIGTERM) stops like Ctrl-C: temporary files are removed, nothing half-written stays.

    Only this process: a child forked from it (a batch's pool worker) has the default action back
    *at the fork*, before it runs any Python.  (A Python-level handler in a pool worker would race
    with ``Pool.terminate()``: a SIGTERM landing just before the worker blocks on the pool's queue
    lock is noted but never acted on, and the pool waits for that worker forever.)
    """
    global _SIGTERM_SET
    import signal

    if _SIGTERM_SET:
        return
    main_pid = os.getpid()

    def stop(signum, _frame):
        if os.getpid() != main_pid:  # a child forked before the fork hook existed: behave as the default
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread (an embedding application): leave it alone
        return
    os.register_at_fork(after_in_child=lambda: signal.signal(signal.SIGTERM, signal.SIG_DFL))
    _SIGTERM_SET = True


_SIGTERM_SET = False


def echo_notes(notes) -> None:
    for note in notes:
        click.echo(printable(f"note: {note}"), err=True)


def is_tty() -> bool:
    return sys.stderr.isatty()
