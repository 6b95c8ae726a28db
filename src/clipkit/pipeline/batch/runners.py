"""Running planned batch jobs: in this process, in a local process pool, or on a Dask cluster.

Each runner calls ``on_outcome`` with an :class:`Outcome` as each job
finishes (in the parent process), so the caller records it at once and a
killed batch loses nothing that finished.  A job's own failure is an
outcome, never an exception; a worker that dies gets its job one more try.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import sys
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from ...artifact import Artifact
from ...errors import ClipkitError, UsageError, option
from ..jobkinds import run_kind
from .plan import PlannedJob

__all__ = ["Outcome", "execute", "run_local", "run_dask"]


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back (picklable)."""

    index: int
    artifact: Artifact | None
    error: str | None = None
    hint: str | None = None
    seconds: float = 0.0


def execute(planned: PlannedJob) -> Outcome:
    """Run one planned job; never raises for a job's own failure (it is returned)."""
    t0 = time.perf_counter()
    try:
        planned.output.parent.mkdir(parents=True, exist_ok=True)
        art = run_kind(planned.kind, planned.source, planned.output, planned.params, planned.settings,
                       overwrite=True)  # existing files were judged when the batch was planned (plan.check_existing)
        return Outcome(planned.job.index, art, seconds=time.perf_counter() - t0)
    except ClipkitError as exc:
        return Outcome(planned.job.index, None, exc.message, exc.hint, time.perf_counter() - t0)
    except OSError as exc:
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        return Outcome(planned.job.index, None, f"{exc.strerror or exc}{where}", "check the files and folders", time.perf_counter() - t0)
    except Exception as exc:  # a bug in a job must not stop the others
        return Outcome(planned.job.index, None, f"internal error: {type(exc).__name__}: {exc}",
                       "rerun with --debug and -j 1 and report it", time.perf_counter() - t0)


def run_local(todo: list[PlannedJob], workers: int, on_outcome: Callable[[Outcome], None]) -> None:
    """Run ``todo`` in a process pool of ``workers``, at most one job per worker at a time
    (so a stop interrupts only the jobs running, nothing queued behind them)."""
    if workers <= 1 or len(todo) <= 1:
        for p in todo:
            on_outcome(execute(p))
        return
    attempts: dict[int, int] = {}
    queue = list(todo)
    while queue:
        size = min(workers, len(queue))
        others = {c.pid for c in multiprocessing.active_children()}  # not ours to interrupt
        pool = ProcessPoolExecutor(max_workers=size, initializer=_worker_init)
        running: dict[Future, PlannedJob] = {}
        broken: list[PlannedJob] = []
        try:
            while (queue and not broken) or running:
                while queue and not broken and len(running) < size:
                    p = queue.pop(0)
                    try:
                        running[pool.submit(_execute_in_worker, p)] = p
                    except BrokenProcessPool:
                        broken.append(p)
                if not running:
                    break
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for fut in done:
                    p = running.pop(fut)
                    try:
                        outcome = fut.result()
                    except BrokenProcessPool:
                        broken.append(p)
                        continue
                    on_outcome(outcome)
        except BaseException:
            _stop_workers(others)
            pool.shutdown(wait=False, cancel_futures=True)
            for fut in running:  # jobs that finished while stopping are kept too
                try:
                    if fut.done() and not fut.cancelled() and fut.exception() is None:
                        on_outcome(fut.result())
                except BaseException:
                    pass
            raise
        pool.shutdown(wait=True)
        retry = []
        for p in broken:  # a worker died (killed, out of memory): its jobs get one more try in a fresh pool
            attempts[p.job.index] = attempts.get(p.job.index, 0) + 1
            if attempts[p.job.index] > 1:
                on_outcome(Outcome(p.job.index, None, "the worker process running this job died twice",
                                   "it may run out of memory; rerun the batch with -j 1"))
            else:
                retry.append(p)
        queue = retry + queue


_IN_JOB = False  # in a pool worker: is a job running?


def _worker_init() -> None:
    signal.signal(signal.SIGINT, _worker_sigint)
    _stop_with_parent()


def _stop_with_parent() -> None:
    """A pool worker whose batch process dies (``kill -9``, out of memory) gets SIGINT, so it stops its job,
    removes its temporary folder and exits; before, it finished its job and then waited on the pool's queue
    forever, an orphan holding its memory.  Linux only (``prctl(PR_SET_PDEATHSIG)``); elsewhere nothing."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, int(signal.SIGINT), 0, 0, 0) != 0:  # 1: PR_SET_PDEATHSIG
            return
    except (OSError, AttributeError):
        return
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:  # the batch died before the request took effect
        os._exit(130)


def _worker_sigint(signum, frame) -> None:
    """Ctrl-C in a pool worker: stop the job (its temporary file is removed and the parent
    is told), or, between jobs, leave quietly instead of printing a traceback."""
    if _IN_JOB:
        # The first worker to exit breaks the pool, and the pool then SIGTERMs the others (default action:
        # die at once), which would leave this job's temporary folder behind: finish the clean-up first
        # (the parent kills a worker still there after its grace period).
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise KeyboardInterrupt
    os._exit(130)


def _execute_in_worker(planned: PlannedJob) -> Outcome:
    global _IN_JOB
    _IN_JOB = True
    try:
        return execute(planned)
    except KeyboardInterrupt:  # stopped: the job's temporary file is already removed
        os._exit(130)
    finally:
        _IN_JOB = False


def _stop_workers(others: set[int], grace: float = 5.0) -> None:
    """Stop the pool's workers (the child processes started since the pool was): each
    stops its job and removes its temporary file, then exits; any still there after
    ``grace`` seconds is killed (its temporary file is removed by the next run)."""
    children = [c for c in multiprocessing.active_children() if c.pid not in others]
    for child in children:
        try:
            os.kill(child.pid, signal.SIGINT)
        except OSError:
            pass
    deadline = time.monotonic() + grace
    for child in children:
        child.join(max(0.0, deadline - time.monotonic()))
        if child.is_alive():
            child.kill()
            child.join(1.0)


_HOST = r"(?:\[[0-9a-fA-F:.]+\]|[^\s/:\[\]]+)"
_DASK_ADDRESS = re.compile(rf"^(?:(?:tcp|tls|ucx|ws|wss)://{_HOST}(?::\d+)?|inproc://\S+|{_HOST}:\d+)/?$")


def run_dask(todo: list[PlannedJob], address: Any, timeout: float, on_outcome: Callable[[Outcome], None]) -> None:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise UsageError(f"{option('dask')} needs the 'distributed' package", "pip install 'clipkit[dask]'") from None
    own_client = not isinstance(address, Client)
    if own_client and not _DASK_ADDRESS.match(str(address)):
        raise UsageError(f"{option('dask', address)} is not a Dask scheduler address",
                         "give it as tcp://HOST:PORT (the scheduler prints it when it starts; 8786 by default)")
    if own_client:
        try:
            client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClipkitError(
                f"cannot reach the Dask scheduler at {address} within {timeout:g} s ({type(exc).__name__})",
                "check the address (tcp://HOST:8786) and that `dask scheduler` and its workers are running",
            ) from None
    else:
        client = address
    futures: list = []
    try:
        futures = [client.submit(execute, p, key=f"clipkit-{p.key.digest[:16]}-{p.job.index}", pure=False) for p in todo]
        by_future = dict(zip(futures, todo))
        for fut in as_completed(futures, loop=client.loop):
            p = by_future[fut]
            try:
                outcome = fut.result()
            except Exception as exc:  # the worker was lost, or unpickling failed there
                outcome = Outcome(p.job.index, None, f"the Dask worker failed: {type(exc).__name__}: {exc}",
                                  "check that clipkit is installed on the workers and they can read the episode path")
            on_outcome(outcome)
    except BaseException:
        if futures:
            client.cancel(futures)
        raise
    finally:
        if own_client:
            client.close()
