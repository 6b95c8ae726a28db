"""Studio jobs: each GIF, still, clip, strip or shot detection runs in its own worker process, so the server stays responsive.

A job's process calls the same public function as the CLI (``clipkit.gif``,
``clipkit.still``, ``clipkit.clip``, ``clipkit.strip``, ``clipkit.detect_scenes``) with a progress callback that puts ``(done, total)`` on a queue and
returns False once the job is cancelled: the pipeline then stops and cleans up
(:class:`~clipkit.errors.Cancelled`).  A worker that does not stop within
:data:`GRACE` seconds is terminated.  The pipeline records the made file in its
folder's manifest, as for ``clipkit gif -o``, so ``clipkit embed --all`` sees it.
At most :data:`MAX_RUNNING` jobs make files at once, and one detects shots beside them; more wait their turn.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import multiprocessing as mp
import os
import queue as queue_mod
import signal
import threading
import time
from dataclasses import dataclass, field

__all__ = ["Job", "JobManager", "MAX_RUNNING", "GRACE", "FINISHED"]

#: Jobs encoding at the same time (the rest wait).
MAX_RUNNING = 2
#: Seconds a cancelled worker gets to stop by itself before it is terminated.
GRACE = 5.0
_KINDS = ("gif", "still", "clip", "strip", "scenes")
#: A job in one of these states is over.
FINISHED = ("done", "failed", "cancelled")
#: How much lower the shot-detection worker runs than the server and the make jobs.
SCENES_NICENESS = 10


def _stop_on_sigterm(signum, _frame) -> None:
    """The manager's SIGTERM (a cancelled job that did not stop within GRACE) unwinds the job like Ctrl-C, so its
    temporary files go (a 960-px minute's spilled frames are 1.3 GB of TMPDIR); once: the clean-up is not cut."""
    signal.signal(signum, signal.SIG_IGN)
    raise KeyboardInterrupt


def _reporter(out, cancel):
    """The job's progress callback: ``(done, total)`` onto ``out``; False once the job is cancelled, and from then
    on the worker ignores the manager's SIGTERM (its GRACE may run out during the clean-up, which must not be cut).
    A count the same as the last one is not sent again (the GIF engine asks "still wanted?" per frame it reads for
    its palettes, at the same count): it only looks at the cancel."""
    last = None

    def progress(done: int, total: int):
        nonlocal last
        if (done, total) != last:
            last = (done, total)
            out.put(("progress", int(done), int(total)))
        if cancel.is_set():
            with contextlib.suppress(ValueError):  # (called from another thread: the handler stays)
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
            return False
        return True
    return progress


def _work(kind: str, params: dict, out, cancel) -> None:
    """The worker process: run one job, report progress and the outcome on ``out``."""
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    import clipkit

    from ..artifact import artifact_to_json
    from ..atomic import settle_after_interrupt
    from ..errors import Cancelled, ClipkitError, name_options

    name_options("flags", PAGE_LABELS)  # errors say Width, Crop…; page_error leaves out what only the CLI can do
    progress = _reporter(out, cancel)
    if kind == "scenes":
        # a first detection runs for minutes in the background: the player's segments and the user's own jobs
        # come first (the ffmpeg it starts inherits this).  bench_studio_player: click → can play 2.1 s before.
        with contextlib.suppress(OSError, AttributeError):
            os.nice(SCENES_NICENESS)
    try:
        if cancel.is_set():
            raise Cancelled()
        # the public API, which records the file in its folder's manifest (record=True)
        options = params.get("options", {})
        if kind == "scenes":
            from .timeline import shots_json

            found = clipkit.detect_scenes(params["video"], progress=progress)  # cached for the next time
            out.put(("done", shots_json(found), list(found.notes)))
            return
        if kind in ("gif", "clip"):
            make = clipkit.gif if kind == "gif" else clipkit.clip
            art = make(params["video"], params["start"], params["end"], params["output"], progress=progress, **options)
        elif kind == "strip":
            art = clipkit.strip(params["video"], params["output"], progress=progress, **options)
        else:
            art = clipkit.still(params["video"], params["start"], params["output"], **options)
        out.put(("done", artifact_to_json(art), list(art.notes)))
    except Cancelled:
        out.put(("cancelled",))
    except KeyboardInterrupt:  # stopped by the manager: its ffmpeg and what it wrote go too
        settle_after_interrupt()
        out.put(("cancelled",) if cancel.is_set() else ("failed", "the job was stopped"))
    except ClipkitError as exc:
        out.put(("failed", page_error(exc)))
    except Exception as exc:  # noqa: BLE001 - any other failure is the job's, reported to the page
        out.put(("failed", f"{type(exc).__name__}: {exc}"))


#: The page's labels of its fields (index.html) for the settings of the same names: what its errors call them.
PAGE_LABELS = {"start": "In", "end": "Out", "snap": "Snap to shots", "kind": "Kind", "width": "Width", "fps": "FPS",
               "crop": "Crop", "max_size": "Max size", "count": "Tiles", "captions": "Captions", "caption_style": "Style",
               "caption": "Caption text", "subs": "Subtitles", "base_url": "Base URL"}


def page_naming():
    """Options named as the page names them (:data:`PAGE_LABELS`; the rest as flags, which :func:`page_error`
    leaves out), for a request's checks and errors: ``with page_naming(): …``."""
    from ..errors import spelling

    return spelling("flags", PAGE_LABELS)


def page_error(exc) -> str:
    """A job's error as the page says it (the worker names options by the page's labels): the message, and of its
    hint only what a user of the page can do (``pass --font``, ``run `clipkit info```, ``-o``… are the command
    line's); a caption the fonts cannot draw can be changed in the page."""
    hint = exc.hint or ""
    parts = [p for p in re.split(r", or |; or |; | or (?=pass |run |use |give |add )", hint) if p.strip()]
    kept = [p for p in parts if not re.search(r"(?<![\w-])--?[a-z]|`clipkit|clipkit [a-z]+ ", p)]
    if len(kept) == len(parts):  # all of it is the page's to do: as it was written
        kept = [hint] if hint.strip() else []
    if "font" in exc.message:
        kept.append("change the caption text (or turn Captions off)")
    return exc.message + (f" — {'; '.join(kept)}" if kept else "")


@dataclass
class Job:
    id: str
    kind: str
    params: dict
    state: str = "queued"  # queued, running, done, failed, cancelled
    done: int = 0
    total: int = 0
    result: dict | None = None
    notes: list = field(default_factory=list)
    error: str | None = None
    version: int = 0  # bumped on every change (the event stream sends a change once)
    cancel: object = None
    process: object = None

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    def view(self) -> dict:
        """What the page reads: the state, progress and outcome, and the episode (its number) a make job is of."""
        return {"id": self.id, "kind": self.kind, "episode": self.params.get("episode"), "state": self.state,
                "done": self.done, "total": self.total, "result": self.result, "notes": self.notes, "error": self.error}


class JobManager:
    """Starts, watches and cancels jobs; safe to call from the server's threads."""

    def __init__(self, *, max_running: int = MAX_RUNNING):
        self._ctx = mp.get_context("spawn")  # a fresh interpreter: no threads or sockets of the server inherited
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        # shot detection has a slot of its own: a 45-min episode's first detection takes minutes, and
        # opening two episodes must not hold up every GIF until they are done
        self._slots = {"make": threading.BoundedSemaphore(max_running), "scenes": threading.BoundedSemaphore(1)}
        self._ids = itertools.count(1)

    def submit(self, kind: str, params: dict) -> Job:
        if kind not in _KINDS:
            raise ValueError(f"unknown job kind {kind!r}")
        job = Job(id=str(next(self._ids)), kind=kind, params=params, cancel=self._ctx.Event())
        with self._lock:
            self._jobs[job.id] = job
        threading.Thread(target=self._run, args=(job,), name=f"studio-job-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def all(self) -> list[Job]:
        with self._lock:
            return list(self._jobs.values())

    def cancel(self, job_id: str) -> Job | None:
        job = self.get(job_id)
        if job is not None and not job.finished:
            job.cancel.set()
            if job.state == "queued":
                self._set(job, state="cancelled")
        return job

    def _set(self, job: Job, **changes) -> None:
        with self._lock:
            # the state last: a reader (the event stream, GET /api/jobs/ID: no lock) that sees the job finished
            # also sees its result or error (it could read "done" with no result, and the page showed nothing)
            for k, v in sorted(changes.items(), key=lambda kv: kv[0] == "state"):
                setattr(job, k, v)
            job.version += 1

    def _run(self, job: Job) -> None:
        with self._slots["scenes" if job.kind == "scenes" else "make"]:
            if job.cancel.is_set():
                self._set(job, state="cancelled")
                return
            try:
                out = self._ctx.Queue()
                proc = self._ctx.Process(target=_work, args=(job.kind, job.params, out, job.cancel), daemon=True)
                self._set(job, state="running", process=proc)
                proc.start()
            except Exception as exc:  # noqa: BLE001 - no process (fork refused on a loaded machine): the job says so
                self._set(job, state="failed", error=f"could not start a worker process ({exc}) — try again")
                return
            cancelled_at = terminated_at = None
            while True:
                try:
                    msg = out.get(timeout=0.2)
                except queue_mod.Empty:
                    if job.cancel.is_set() and cancelled_at is None:
                        cancelled_at = time.monotonic()
                    if cancelled_at is not None and time.monotonic() - cancelled_at > GRACE and proc.is_alive():
                        if terminated_at is None:  # once: it cleans up (_stop_on_sigterm), then ends
                            proc.terminate()
                            terminated_at = time.monotonic()
                        elif time.monotonic() - terminated_at > GRACE:
                            proc.kill()
                    if not proc.is_alive() and out.empty():
                        self._set(job, state="cancelled" if job.cancel.is_set() else "failed",
                                  error=None if job.cancel.is_set() else f"the worker stopped (exit {proc.exitcode})")
                        break
                    continue
                if msg[0] == "progress":
                    self._set(job, done=msg[1], total=msg[2])
                elif msg[0] == "done":
                    self._set(job, state="done", result=msg[1], notes=msg[2])
                    break
                elif msg[0] == "cancelled":
                    self._set(job, state="cancelled")
                    break
                else:
                    self._set(job, state="failed", error=msg[1])
                    break
            proc.join(GRACE)
            if proc.is_alive():
                proc.terminate()
                proc.join(GRACE)
            if proc.is_alive():
                proc.kill()
                proc.join()

    def shutdown(self) -> None:
        for job in self.all():
            if not job.finished:
                job.cancel.set()
        for job in self.all():
            proc = job.process
            if proc is not None and proc.is_alive():
                proc.join(GRACE)
                if proc.is_alive():
                    proc.terminate()
