"""The clipkit command line, run in this process or as a real one.

``run`` invokes the click group in-process with click's ``CliRunner`` (no new
interpreter and no re-import of clipkit per call: most CLI tests need only the
exit code and the two output streams).  It returns what ``subprocess.run`` does
(``returncode``, ``stdout``, ``stderr``), so a test can switch between the two.
``run_process`` starts ``python -m clipkit`` for real: keep it for what only a
process shows (the interpreter's exit status, ``--debug`` tracebacks, signals).
"""

from __future__ import annotations

import os
import subprocess
import sys

from click.testing import CliRunner

__all__ = ["run", "run_process"]


def run(*args, cwd=None, env: dict | None = None, input: str | None = None) -> subprocess.CompletedProcess:
    """``clipkit ARGS…`` in-process (``cwd`` and ``env`` apply during the call only)."""
    from clipkit.cli import main

    argv = [str(a) for a in args]
    # --debug sets CLIPKIT_DEBUG in os.environ: naming it here makes the runner restore it afterwards.
    environ = {"CLIPKIT_DEBUG": None, **(env or {})}
    old = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        res = CliRunner().invoke(main, argv, env=environ, input=input, prog_name="clipkit", catch_exceptions=False)
    finally:
        os.chdir(old)
    return subprocess.CompletedProcess(["clipkit", *argv], res.exit_code, res.stdout, res.stderr)


def run_process(*args, cwd=None, env: dict | None = None) -> subprocess.CompletedProcess:
    """``python -m clipkit ARGS…`` as a real process."""
    return subprocess.run([sys.executable, "-m", "clipkit", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env)
