"""Frame-exact reel export to MP4 (H.264 + AAC), safe against crashes, cancel and overwrite.

Public API (Qt-free)::

    plan = ReelPlan((TitleCard("What helps Sam feel safe?", hold=Fraction(3)),
                     ClipSegment(path, info, FrameRange(120, 220), caption="...",
                                 burn_caption=True),
                     ClipSegment(path, info, FrameRange(400, 450), speed=Fraction(1, 2),
                                 freeze_last=Fraction(2)),
                     StillSegment(path, info, 431, hold=Fraction(4))))
    result = export_reel(plan, Path("reel.mp4"), height=720, progress=cb, cancel=event)

What the file is:

* H.264 (libx264, preset ``veryfast``, CRF 23), yuv420p, and AAC (48 kHz stereo, 128 kb/s) in
  MP4 with the index first (``movflags +faststart``), so it plays and seeks while streaming.
* Upright (the source's rotation is applied to the pixels), at the first source's upright size
  or scaled down to ``height`` (e.g. 720, 480) keeping the aspect, with even dimensions; other
  sources are scaled to fit and centred on black.
* One constant frame rate (see :mod:`vigstudio.media.export_plan`). Every output frame is one of
  the selected source frames: each cut is frame-exact, nothing outside ``[start, end)`` appears.
* Slow motion repeats frames (1/2: each twice) and slows the audio keeping its pitch (FFmpeg's
  ``atempo``). A freeze holds the last frame with silence; stills and title cards are silent.
  Sources without audio give silence. Every audio join gets 10 ms fades (no clicks); audio and
  video have the same length to the sample.

How it is made: the work runs in a child process (``vigstudio.media.export_worker``) so a
decoder crash on a damaged file cannot take the app down; progress comes back over a pipe and
cancel terminates the child. The child writes a hidden temporary file beside the target
(``.NAME.XXXXXXXX.part``); only a complete file is renamed to the target. Cancel or failure
removes the temporary file, and an existing target is never replaced unless ``overwrite``.
:func:`start_worker` starts the child before the export is asked for (the export dialog does
when it opens), optionally with the plan so that it decodes the first frames meanwhile.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import queue
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import IO

from vigstudio import errors
from vigstudio.children import popen_child, worker_command
from vigstudio.errors import ExportCancelled, ExportError
from vigstudio.media.export_plan import (
    HEIGHT_PRESETS,
    ClipSegment,
    ReelLayout,
    ReelPlan,
    Segment,
    StillSegment,
    TitleCard,
    caption_subtitles,
    layout_reel,
)
from vigstudio.media.source import as_source
from vigstudio.safe_write import child_env, finish, temp_name

__all__ = [
    "HEIGHT_PRESETS",
    "ClipSegment",
    "ExportResult",
    "ProgressCallback",
    "ReelLayout",
    "ReelPlan",
    "Segment",
    "StillSegment",
    "TitleCard",
    "export_reel",
    "layout_reel",
    "start_worker",
    "stop_worker",
    "temp_path_for",
]

ProgressCallback = Callable[[float, float | None], None]
"""``progress(fraction_done, seconds_remaining_or_None)``, called from the exporting thread."""

STALL_TIMEOUT = 120.0  # seconds without any progress before the export is given up


@dataclass(frozen=True)
class ExportResult:
    path: Path
    width: int
    height: int
    frame_rate: Fraction
    frame_count: int
    duration: Fraction  # seconds
    seconds: float  # wall-clock time the export took


def temp_path_for(out: Path) -> Path:
    """A fresh hidden temporary name in the target's folder (same disk: rename is atomic),
    marked with this process's id so a leftover is removed at the next start."""
    return temp_name(out)


def _check_mp4(path: Path) -> None:
    """The finished reel holds its index and its media data (a cut file does not)."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(1 << 20)
        f.seek(max(0, size - (1 << 20)))
        tail = f.read()
    if b"ftyp" not in head[:64] or b"moov" not in head + tail or b"mdat" not in head + tail:
        raise ExportError("The reel file came out incomplete (is the disk full?); nothing "
                          "was changed.")


def _check_target(out: Path, overwrite: bool) -> None:
    if out.exists() and not overwrite:
        raise ExportError(f"{out} already exists; choose another name or allow replacing it.")
    if out.is_dir():
        raise ExportError(f"{out} is a folder, not a file name.")
    if not out.parent.is_dir():
        raise ExportError(f"The folder {out.parent} does not exist.")


def _write_beside(path: Path, text: str) -> None:
    """Write a small text file atomically (temporary name, then rename)."""
    tmp = temp_path_for(path)
    try:
        tmp.write_text(text, encoding="utf-8")
        finish(tmp, path, overwrite=True, what="the captions")
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise ExportError(f"Could not write the captions file {path}: "
                          f"{exc.strerror or exc}") from exc


def _check_sources(items: tuple[Segment, ...]) -> None:
    for item in items:
        if isinstance(item, ClipSegment | StillSegment) and not as_source(item.path).is_file():
            raise ExportError(f"The recording {item.path} is missing; relink it and try again.")


def _child_env() -> dict[str, str]:
    env = child_env(dict(os.environ))
    package_root = str(Path(__file__).resolve().parents[2])
    current = env.get("PYTHONPATH")
    env["PYTHONPATH"] = package_root if not current else package_root + os.pathsep + current
    return env


def _pump_lines(stream: IO[bytes], sink: queue.Queue[str | None]) -> None:
    for raw in stream:
        sink.put(raw.decode("utf-8", "replace").rstrip("\n"))
    sink.put(None)


def _collect_tail(stream: IO[bytes], tail: list[bytes]) -> None:
    for raw in stream:
        tail.append(raw)
        if len(tail) > 40:
            del tail[:-40]


def _error_from_child(name: str, message: str) -> ExportError:
    """The ExportError to raise for an ``error`` line, chained to the original error type."""
    cls = getattr(errors, name, None)
    cause: BaseException
    if isinstance(cls, type) and issubclass(cls, errors.VigError):
        cause = cls(message)
        if isinstance(cause, ExportError):
            return cause
    else:
        cause = errors.NotMediaError(message)
    result = ExportError(f"The reel could not be exported: {message}")
    result.__cause__ = cause
    return result


def _disk_full(exc: BaseException) -> bool:
    text = str(exc)
    return "No space left on device" in text or "[Errno 28]" in text


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class _Eta:
    """Seconds remaining, extrapolated from progress since the first report."""

    def __init__(self) -> None:
        self._first: tuple[float, float] | None = None

    def update(self, fraction: float) -> float | None:
        now = time.monotonic()
        if self._first is None:
            self._first = (now, fraction)
            return None
        t0, f0 = self._first
        if fraction > f0 and now > t0:
            return (1.0 - fraction) * (now - t0) / (fraction - f0)
        return None


class _Child:
    """The worker process with threads reading its output.

    The child imports everything it needs and then waits for its job on standard input, so
    a child started early (:func:`start_worker`) begins an export at once.
    """

    def __init__(self) -> None:
        self.proc = popen_child(  # the job, and with it any media key, goes through stdin
            worker_command("export"),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=_child_env())
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.tail: list[bytes] = []
        self.readers = [
            threading.Thread(target=_pump_lines, args=(self.proc.stdout, self.lines),
                             daemon=True),
            threading.Thread(target=_collect_tail, args=(self.proc.stderr, self.tail),
                             daemon=True)]
        for reader in self.readers:
            reader.start()

    def send(self, job: bytes, *, last: bool = True) -> None:
        """Give the child its job (it starts the moment its imports are done); ``last=False``
        for a message that the job follows (``prepare``)."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(job)
            if last:
                self.proc.stdin.close()
            else:
                self.proc.stdin.flush()
        except BrokenPipeError:
            pass  # the child died at once; reported when its output ends

    def run(self, progress: ProgressCallback | None, cancel: threading.Event | None,
            stall_timeout: float) -> None:
        """Relay progress until the child reports ``done``; raise on anything else."""
        done = False
        eta = _Eta()
        last_message = time.monotonic()
        while True:
            if cancel is not None and cancel.is_set():
                raise ExportCancelled("The export was cancelled; no file was written.")
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                if time.monotonic() - last_message > stall_timeout:
                    raise ExportError(
                        "The export stopped making progress and was given up; a recording may "
                        "be damaged.") from errors.MediaTimeoutError("no progress")
                continue
            last_message = time.monotonic()
            if line is None:
                break
            kind, _, rest = line.partition(" ")
            if kind == "progress":
                written, total = (int(v) for v in rest.split())
                fraction = written / total if total else 1.0
                remaining = eta.update(fraction)
                if progress is not None:
                    progress(fraction, remaining)
            elif kind == "done":
                done = True
            elif kind == "error":
                name, _, message = rest.partition("\t")
                raise _error_from_child(name, message)
        code = self.proc.wait()
        if not done or code != 0:
            self.readers[1].join(timeout=2)
            detail = b"".join(self.tail).decode("utf-8", "replace").strip().splitlines()[-3:]
            cause = errors.DecoderCrashError(" / ".join(detail) or f"exit code {code}")
            raise ExportError("The export stopped unexpectedly (the decoder may have crashed on "
                              "a damaged recording); nothing was written.") from cause

    def close(self) -> None:
        _stop(self.proc)
        for reader in self.readers:
            reader.join(timeout=5)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


_spare: _Child | None = None
_spare_plan: tuple[ReelPlan, int | None] | None = None  # what the waiting child prepared
_spare_lock = threading.Lock()


def start_worker(plan: ReelPlan | None = None, height: int | None = None) -> None:
    """Start the export's child process now, so that the next export begins at once.

    Starting Python and importing FFmpeg and numpy takes the child 0.3–1 s; the export dialog
    calls this when it opens and the command line before it opens the case, so that time
    passes while the person chooses a file name. Given the reel's ``plan`` (and ``height``),
    the child also opens the recordings and decodes up to the first frames of the reel
    (pictures in memory only; nothing is written): an export of that plan at that height
    then begins with its first frames ready. The waiting child uses no CPU once ready;
    :func:`stop_worker` (also run at exit) ends it. Calling again is cheap.
    """
    global _spare, _spare_plan  # noqa: PLW0603 - one waiting child per process
    with _spare_lock:
        if _spare is not None and _spare.proc.poll() is None:
            if plan is None or _spare_plan == (plan, height):
                return  # ready as asked
            if _spare_plan is None:  # waiting without a plan: give it this one
                _spare.send(pickle.dumps({"kind": "prepare", "plan": plan, "height": height}),
                            last=False)
                _spare_plan = (plan, height)
                return
        if _spare is not None:  # ended, or prepared another plan: start afresh
            _spare.close()
        _spare, _spare_plan = _Child(), None
        if plan is not None:
            _spare.send(pickle.dumps({"kind": "prepare", "plan": plan, "height": height}),
                        last=False)
            _spare_plan = (plan, height)


def stop_worker() -> None:
    """End the waiting child started by :func:`start_worker`, if any."""
    global _spare, _spare_plan
    with _spare_lock:
        spare, _spare, _spare_plan = _spare, None, None
    if spare is not None:
        spare.close()


atexit.register(stop_worker)


def _take_child() -> _Child:
    """The waiting child if there is a live one, else a new child."""
    global _spare, _spare_plan
    with _spare_lock:
        spare, _spare, _spare_plan = _spare, None, None
    if spare is not None:
        if spare.proc.poll() is None:
            return spare
        spare.close()
    return _Child()


def export_reel(plan: ReelPlan, out: Path | str, *, height: int | None = None,
                overwrite: bool = False, progress: ProgressCallback | None = None,
                cancel: threading.Event | None = None,
                stall_timeout: float = STALL_TIMEOUT) -> ExportResult:
    """Export ``plan`` to the MP4 file ``out``; block until done, cancelled or failed.

    ``height`` scales the picture down to that height (720 or 480 presets; never up).
    ``progress(fraction, seconds_left)`` is called as frames are written (``seconds_left`` is
    None until there is enough to estimate). Setting ``cancel`` stops the export within about
    0.1 s and raises :class:`ExportCancelled`. Any failure raises :class:`ExportError`. In both
    cases nothing is left at ``out`` or beside it. Captions that are not burned into the
    picture are written beside the reel as subtitles (``out`` with the suffix ``.srt``).
    """
    out = Path(out)
    _check_target(out, overwrite)
    _check_sources(plan.items)
    layout = layout_reel(plan, height)
    subtitles = caption_subtitles(plan, layout)
    srt = out.with_suffix(".srt")
    if subtitles and srt == out:
        raise ExportError(f"{out.name} would be replaced by the reel's own captions; name the "
                          "reel .mp4.")
    if subtitles and srt.exists() and not overwrite:
        raise ExportError(f"{srt} (the captions beside the reel) already exists; choose another "
                          "name or allow replacing it.")
    tmp = temp_path_for(out)
    started = time.monotonic()
    child = _take_child()
    try:
        child.send(pickle.dumps({"plan": plan, "out": tmp, "height": height}))
        try:
            child.run(progress, cancel, stall_timeout)
        except ExportError as exc:
            if not isinstance(exc, ExportCancelled) and _disk_full(exc):
                raise ExportError(
                    f"The disk holding {out.parent} is full, so the reel could not be "
                    "exported. Nothing was left behind; free some space (or choose another "
                    "drive) and export again.") from exc
            raise
        if out.exists() and not overwrite:
            raise ExportError(f"{out} appeared while exporting; it was left untouched.")
        replacing = out.exists()
        finish(tmp, out, overwrite=overwrite, what="the reel", check=_check_mp4)
        if not subtitles and replacing and srt != out:
            srt.unlink(missing_ok=True)  # the replaced reel's captions would show on this one
        if subtitles:
            try:
                _write_beside(srt, subtitles)
            except ExportError:
                out.unlink(missing_ok=True)  # a reel without its captions is not finished
                raise
    except BaseException:
        _stop(child.proc)
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    finally:
        child.close()
    if progress is not None:
        progress(1.0, 0.0)
    return ExportResult(out, layout.width, layout.height, layout.frame_rate, layout.frame_count,
                        layout.duration, time.monotonic() - started)
