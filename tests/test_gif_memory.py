"""Bounded memory (issue 12): a GIF's frames beyond ``frame_memory`` live in a private temporary file.

The store itself (``media/spill.py``) on arrays with known content; ``make_gif`` spilling every frame
makes the same file byte for byte as keeping them in memory; the folder is gone after a run, an error
and SIGTERM, and a SIGKILLed run's folder goes with the next run; and the real measure: the peak RSS
of a fresh process making a GIF six times as long stays that of the short one (kept in memory, as
before, the frames of the longer one added 77 MB: 126 → 203 MB).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

from clipkit import make_gif
from clipkit.media.spill import Frames, spill_dir
from media import ffmpeg


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """12 s of a moving test pattern, 640×360 at 20 fps (every frame different)."""
    path = tmp_path_factory.mktemp("memory") / "long.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=640x360:r=20:d=12", "-c:v", "libx264", "-preset", "ultrafast",
           "-g", "40", "-pix_fmt", "yuv420p", path)
    return path


@pytest.fixture
def private_tmp(tmp_path, monkeypatch) -> Path:
    """TMPDIR for this test only (tempfile caches it)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.setenv("TMPDIR", str(folder))
    return folder


def _pictures(n: int, shape=(30, 40, 3)) -> list[np.ndarray]:
    rng = np.random.default_rng(7)
    return [rng.integers(0, 256, shape, dtype=np.uint8) for _ in range(n)]


def test_store_keeps_the_budget_in_memory_and_the_rest_in_a_file(private_tmp):
    pics = _pictures(10)
    with spill_dir(3 * pics[0].nbytes) as spill:
        assert oct(spill.folder.stat().st_mode & 0o777) == "0o700" and spill.folder.parent == private_tmp
        store = spill.store()
        numbers = [store.append(p) for p in pics]
        assert numbers == list(range(10))
        assert spill.spilled == 7 * pics[0].nbytes  # 3 in memory, 7 in the file
        files = list(spill.folder.iterdir())
        assert len(files) == 1 and files[0].stat().st_size == 7 * pics[0].nbytes
        for k in (9, 0, 5, 5, -1):  # in memory and from the file, twice (cached), from the end
            assert np.array_equal(store[k], pics[k])
            assert not store[k].flags.writeable  # nobody changes a stored picture
        seq = Frames(store, range(10))
        assert [np.array_equal(a, b) for a, b in zip(seq[::-1], pics[::-1])] == [True] * 10
        bounce = seq + seq[-2:0:-1]
        assert len(bounce) == 18 and np.array_equal(bounce[10], pics[8])
        assert seq[2:4][1].shape == (30, 40, 3)
        store.close()  # its file goes, its memory comes back to the budget
        assert list(spill.folder.iterdir()) == [] and spill.free == 3 * pics[0].nbytes
        other = spill.store()
        other.append(pics[0])
        assert spill.spilled == 7 * pics[0].nbytes  # back in memory
    assert list(private_tmp.iterdir()) == []


def test_the_folder_goes_on_error_and_a_killed_runs_folder_with_the_next_run(private_tmp):
    with pytest.raises(KeyboardInterrupt):  # Ctrl-C, and SIGTERM as the CLI turns it
        with spill_dir(0) as spill:
            spill.store().append(_pictures(1)[0])
            raise KeyboardInterrupt
    assert list(private_tmp.iterdir()) == []
    gone = subprocess.Popen(["true"])
    gone.wait()
    left = private_tmp / f"clipkit-spill-{gone.pid}-abc123"  # a folder of a process that no longer exists
    left.mkdir()
    (left / "frames-1.raw").write_bytes(b"x" * 100)
    alive = private_tmp / f"clipkit-spill-{os.getppid()}-abc123"  # a live process's folder stays
    alive.mkdir()
    with spill_dir(0):
        pass
    assert sorted(p.name for p in private_tmp.iterdir()) == [alive.name]


def test_a_full_temporary_disk_is_one_error_naming_the_folder(private_tmp):
    code = (
        "import resource, signal, numpy as np\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (50_000, 50_000))\n"
        "from clipkit.media.spill import spill_dir\n"
        "from clipkit.errors import OutputError\n"
        "try:\n"
        "    with spill_dir(0) as spill:\n"
        "        store = spill.store()\n"
        "        for _ in range(10): store.append(np.zeros((100, 100, 3), np.uint8))\n"
        "except OutputError as exc: print(exc)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "TMPDIR": str(private_tmp)})
    assert out.stdout.startswith(f"no room for temporary files in {private_tmp}"), out.stderr
    assert list(private_tmp.iterdir()) == []


def test_spilled_frames_make_the_same_gif_byte_for_byte(source, tmp_path, private_tmp):
    """Every frame through the file (decoded, resized tries of a fit, captions, reversed, an MP4 sibling)."""
    seen: list[int] = []

    def watch(done, total):  # while the job runs: its private folder holds the spilled frames
        seen.append(sum(f.stat().st_size for d in private_tmp.iterdir() for f in d.iterdir() if f.suffix == ".raw"))

    kw = dict(width=320, caption="spilled?", max_size=30_000, reverse=True, also=("mp4",), record=False)
    kept = make_gif(source, "1", "+1.5", tmp_path / "kept.gif", **kw)
    spilled = make_gif(source, "1", "+1.5", tmp_path / "spilled.gif", frame_memory=1, progress=watch, **kw)
    assert (tmp_path / "kept.gif").read_bytes() == (tmp_path / "spilled.gif").read_bytes()
    assert (tmp_path / "kept.mp4").stat().st_size > 0 and spilled.siblings
    assert kept.bytes == spilled.bytes <= 30_000 and spilled.width < 320  # narrower tries were made
    # 1.5 s at 20 fps, 320×180 RGB: at least the 30 decoded frames were in the file
    assert max(seen) >= 30 * 320 * 180 * 3
    assert list(private_tmp.iterdir()) == []  # removed after the run


def test_sigterm_removes_the_folder(source, tmp_path, private_tmp):
    env = {**os.environ, "TMPDIR": str(private_tmp)}
    cmd = [sys.executable, "-m", "clipkit", "gif", str(source), "0", "+10", "-o", str(tmp_path / "t.gif"),
           "--embed", "none", "--subs", "off"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and not any(private_tmp.glob("clipkit-spill-*")):
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it was stopped"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode in (130, 143), err
    assert list(private_tmp.iterdir()) == []


_PEAK = """
import resource, sys
from clipkit import make_gif
make_gif(sys.argv[1], "0", sys.argv[2], sys.argv[3], width=480, caption="memory", record=False,
         frame_memory=8_000_000)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _peak_mb(source: Path, length: str, out: Path) -> float:
    run = subprocess.run([sys.executable, "-c", _PEAK, str(source), length, str(out)], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-800:]
    return int(run.stdout.split()[-1]) / 1024


@pytest.mark.slow
def test_peak_memory_does_not_grow_with_the_length(source, tmp_path, private_tmp):
    """1 s and 6 s at 480×270 with a caption: 100 more frames, decoded and captioned, are
    2 × 100 × 389 KB ≈ 78 MB more if they stay in memory (measured before: 126 → 203 MB);
    spilled beyond 8 MB, the peak stays put (measured: 125 → 126 MB)."""
    short = _peak_mb(source, "+1", tmp_path / "short.gif")
    long = _peak_mb(source, "+6", tmp_path / "long.gif")
    assert long - short < 30, (short, long)
    assert list(private_tmp.iterdir()) == []


def test_frame_memory_leaves_a_batch_up_to_date():
    """How much is kept in memory does not change the GIF: a batch does not remake it for that."""
    from dataclasses import replace

    from clipkit.presets import settings_fingerprint
    from clipkit.settings import DEFAULT_GIF

    base = settings_fingerprint(DEFAULT_GIF)
    assert settings_fingerprint(replace(DEFAULT_GIF, frame_memory=5_000_000)) == base
    assert settings_fingerprint(replace(DEFAULT_GIF, fps=15)) != base
