"""Faults: killed runs and a full disk leave no half-written file, and the next run cleans up and completes.

Real processes (`python -m clipkit …`) are killed with SIGKILL and SIGTERM at
several moments of `gif --also mp4`; a full disk is an RLIMIT_FSIZE on the
process (and its ffmpeg children), with SIGXFSZ ignored so writes fail with
EFBIG the way a full disk fails them with ENOSPC.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from media import ffmpeg

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("faults") / "ep.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=480x270:r=24:d=8", "-c:v", "libx264", "-g", "48", "-pix_fmt", "yuv420p", path)
    return path


def _run(args, *, env=None, preexec=None, wait=True):
    cmd = [sys.executable, "-m", "clipkit", *map(str, args)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, preexec_fn=preexec)
    if not wait:
        return proc
    out, err = proc.communicate(timeout=300)
    return proc.returncode, out.decode(), err.decode()


def _parts(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if ".part" in p.name]


def _complete_gif(path: Path) -> bool:
    with Image.open(path) as im:
        n = 0
        try:
            while True:
                im.seek(n)
                n += 1
        except EOFError:
            pass
    return n > 10


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killed_gif_with_siblings_leaves_nothing_half_written(source, tmp_path, sig):
    out = tmp_path / "out"
    args = ["gif", source, "1", "+4", "--also", "mp4,webp", "-o", out / "moment.gif", "--embed", "none"]
    for moment in (".part.mp4", ".part.webp"):  # killed while each sibling is being written (the GIF is written whole)
        proc = _run(args, wait=False)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if out.exists() and any(p.name.endswith(moment) for p in out.iterdir()):
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the run ended before it was killed"
        proc.send_signal(sig)
        proc.communicate(timeout=120)
        if sig == signal.SIGTERM:
            assert proc.returncode in (130, 143), proc.returncode
            assert _parts(out) == []  # SIGTERM cleans up at once
        else:
            assert _parts(out)  # SIGKILL leaves its temporary file: the next run must remove it
        gif = out / "moment.gif"
        if gif.exists():  # a name that exists is a whole file
            assert _complete_gif(gif)
    time.sleep(2.1)  # leftovers of dead writers older than 2 s are removed
    rc, _, err = _run(args)  # the next run completes and removes what SIGKILL left
    assert rc == 0, err
    time.sleep(0.1)
    assert _complete_gif(out / "moment.gif") and (out / "moment.mp4").stat().st_size > 0
    assert _parts(out) == [], _parts(out)


def _full_disk(limit: int):
    def preexec():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return preexec


@pytest.mark.parametrize("cmd", [
    ["gif", "{src}", "1", "+3", "-o", "{out}/g.gif"],
    ["gif", "{src}", "1", "+3", "--also", "mp4", "-o", "{out}/g.gif"],
    ["still", "{src}", "2", "-o", "{out}/s.png"],
    ["strip", "{src}", "--count", "4", "-o", "{out}/strip.png"],
])
def test_a_full_disk_is_one_line_exit_1_and_leaves_nothing(source, tmp_path, cmd):
    out = tmp_path / "full"
    out.mkdir()
    args = [a.format(src=source, out=out) for a in cmd]
    rc, stdout, err = _run(args, preexec=_full_disk(12_000))
    assert rc == 1, (rc, err)
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert stdout == ""
    left = [p.name for p in out.iterdir() if p.name not in ("clipkit-manifest.json",)]
    assert left == [], left


def test_interrupt_just_after_the_temporary_file_appears_leaves_nothing(tmp_path, monkeypatch):
    """A Ctrl-C / SIGTERM (KeyboardInterrupt) landing the instant the temporary file has been created —
    before any writing starts — still removes it (found under load: `kill` as the .part.mp4 appeared)."""
    import os as os_mod

    from clipkit.atomic import atomic_path

    real_open = os_mod.open

    def open_then_interrupted(path, flags, *args, **kwargs):
        fd = real_open(path, flags, *args, **kwargs)
        if ".part" in str(path):
            os_mod.close(fd)
            raise KeyboardInterrupt
        return fd

    monkeypatch.setattr(os_mod, "open", open_then_interrupted)
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(tmp_path / "moment.mp4") as tmp:
            tmp.write_bytes(b"never")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_a_writer_started_as_the_interrupt_landed_leaves_nothing_after_settling(tmp_path):
    """An interrupt landing while ffmpeg is being started leaves a child its caller never got a handle to:
    it creates the temporary file after the clean-up removed it (CI: a `.part.webp` left by SIGTERM).
    ``settle_after_interrupt`` (what the CLI does before exiting) stops it and removes the file again."""
    from clipkit.atomic import atomic_path, settle_after_interrupt

    late = "import sys, time; time.sleep(float(sys.argv[2])); open(sys.argv[1], 'w').write('half')"
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(tmp_path / "moment.webp") as tmp:
            subprocess.Popen([sys.executable, "-c", late, str(tmp), "0.3"])  # an orphaned writer, quick
            slow = subprocess.Popen([sys.executable, "-c", late, str(tmp.with_name("other")), "60"])  # a slow one
            raise KeyboardInterrupt
    # the quick one writes after the clean-up (waited for: a Python starts in seconds on a loaded machine)
    deadline = time.monotonic() + 60
    while not tmp.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert tmp.exists()  # the leftover this guards against
    assert slow.poll() is None  # the slow one has not written yet
    settle_after_interrupt()
    # the slow writer was stopped, not merely outrun: it is gone long before its minute is up
    stat = Path(f"/proc/{slow.pid}/stat")
    running = stat.exists() and stat.read_text().split(")")[-1].split()[0] != "Z"
    if running:
        slow.kill()  # not left behind when the test fails
    assert not running, "the slow writer was not stopped"
    assert list(tmp_path.iterdir()) == []


def test_settling_after_an_interrupt_spares_multiprocessing_s_resource_tracker():
    """``settle_after_interrupt`` SIGKILLed every child, multiprocessing's resource tracker too (a child of a
    process that started a pool or a studio worker): the semaphores it watches were left in /dev/shm, and the
    next use warned "resource_tracker: process died unexpectedly, relaunching" (a UserWarning in the test run).
    Only the children a job started (ffmpeg, a writer) are stopped."""
    import warnings
    from multiprocessing import resource_tracker

    from clipkit.atomic import settle_after_interrupt

    resource_tracker.ensure_running()
    tracker = resource_tracker._resource_tracker._pid
    writer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    settle_after_interrupt()
    assert writer.poll() is not None  # the job's child was stopped
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "process died unexpectedly, relaunching" fails here
        resource_tracker.ensure_running()
    assert resource_tracker._resource_tracker._pid == tracker
