"""``vigstudio --self-check``: does this installation have everything a practitioner needs?

Four checks, each in its own child process (a missing library can crash a process, and Qt
aborts when it has no platform plug-in), each with a time limit:

* **libVLC** — found, starts with the app's own options, and plays a generated clip: a
  picture arrives through the video callbacks the player uses, showing the clip's own frame
  barcode (no window, no sound card needed);
* **PyAV** — encodes a short H.264 + AAC clip and decodes every frame and the sound back;
* **project file** — a case project written, closed, reopened and read back;
* **Qt** — a window shown (on the real display, or offscreen where there is none).

The report is plain text, one line per check; any failure makes the exit status non-zero.
Help ▸ Self-check in the app shows the same report. Everything is written to a temporary
folder that is removed afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vigstudio import __version__
from vigstudio.children import is_frozen, worker_command

__all__ = ["CHECKS", "CheckResult", "format_report", "main", "run_checks", "worker_main"]

#: check name → what the report calls it
CHECKS: dict[str, str] = {
    "libvlc": "libVLC plays video",
    "pyav": "PyAV encodes and decodes H.264/AAC",
    "project": "project file written and read back",
    "qt": "Qt shows a window",
}

CHECK_TIMEOUT = 90.0


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    seconds: float


# --- the parent: run every check in a child ------------------------------------------------


def _child_env(name: str) -> dict[str, str]:
    env = dict(os.environ)
    if name == "qt" and sys.platform.startswith("linux") and not (
            env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env["QT_QPA_PLATFORM"] = "offscreen"
    if not is_frozen():
        src = str(Path(__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    return env


def run_check(name: str, *, timeout: float = CHECK_TIMEOUT) -> CheckResult:
    """Run one check in a child process and read its verdict."""
    started = time.monotonic()
    try:
        proc = subprocess.run(worker_command("self-check", name), capture_output=True,
                              timeout=timeout, env=_child_env(name), check=False,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return CheckResult(name, False, f"no answer within {timeout:.0f} s",
                           time.monotonic() - started)
    seconds = time.monotonic() - started
    lines = proc.stdout.decode("utf-8", "replace").strip().splitlines()
    try:
        verdict = json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        verdict = None
    if proc.returncode not in (0, 1) or not isinstance(verdict, dict):
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        return CheckResult(name, False, f"the check's process ended with status "
                           f"{proc.returncode}: {' | '.join(tail) or 'no message'}", seconds)
    return CheckResult(name, bool(verdict.get("ok")), str(verdict.get("detail", "")), seconds)


def run_checks(progress: Callable[[CheckResult], None] | None = None) -> list[CheckResult]:
    results = []
    for name in CHECKS:
        result = run_check(name)
        results.append(result)
        if progress is not None:
            progress(result)
    return results


def format_report(results: list[CheckResult]) -> str:
    where = sys.executable if is_frozen() else f"{sys.executable} (from source)"
    lines = [f"VIG Studio {__version__} self-check — {where}"]
    for r in results:
        lines.append(f"  {'ok  ' if r.ok else 'FAIL'}  {CHECKS.get(r.name, r.name)}: "
                     f"{r.detail} ({r.seconds:.1f} s)")
    failed = [r for r in results if not r.ok]
    lines.append("All checks passed." if not failed else
                 f"{len(failed)} of {len(results)} checks failed.")
    return "\n".join(lines)


def main() -> int:
    """Print the report; 0 when every check passed, 1 otherwise."""
    results = run_checks(progress=None)
    print(format_report(results), flush=True)
    return 0 if all(r.ok for r in results) else 1


# --- the child: one check in this process --------------------------------------------------


class CheckFailed(Exception):
    """A check found something missing or wrong (the message says what)."""


def _check_libvlc(folder: Path) -> str:
    from vigstudio.media.demo_media import make_demo_recording, read_barcode
    from vigstudio.media.playback import PlaybackState, VlcBackend

    clip = make_demo_recording(folder / "vlc.mp4", seconds=2, width=320, height=180,
                               barcode=True)
    backend = VlcBackend(audio=False)
    try:
        vlc = backend._vlc
        version = vlc.libvlc_get_version().decode("utf-8", "replace")
        library = getattr(vlc.dll, "_name", "?")
        backend.load(clip, video_size=(320, 180))
        backend.play_from(0)
        deadline = time.monotonic() + 20
        index = None
        while time.monotonic() < deadline:
            backend.check()
            serial, picture = backend.sink.latest()
            if picture is not None and serial > 0:
                try:
                    index = read_barcode(picture[:, :, 2::-1])  # BGRX → RGB
                except ValueError:
                    index = None
                if index is not None:
                    break
            if backend.state() is PlaybackState.ENDED:
                break
            time.sleep(0.02)
        if index is None:
            raise CheckFailed(f"libVLC {version} ({library}) showed no readable picture of "
                              f"a generated clip (state {backend.state().value})")
        loaded = _loaded_vlc_files()  # while the plug-ins that played are still loaded
    finally:
        backend.close()
    plugins = os.environ.get("VLC_PLUGIN_PATH")
    where = f"{library}" + (f", plug-ins in {plugins}" if plugins else "")
    bundle = getattr(sys, "_MEIPASS", None)
    if is_frozen() and bundle and loaded:
        outside = sorted(f for f in loaded if not f.startswith(str(Path(bundle).resolve())))
        if outside:
            raise CheckFailed(f"libVLC files loaded from outside the application: "
                              f"{', '.join(outside[:4])}")
        where += f"; all {len(loaded)} libVLC files loaded came from the application"
    return f"libVLC {version} ({where}) played a generated clip (frame {index} shown)"


def _loaded_vlc_files() -> set[str]:
    """libvlc, libvlccore and VLC plug-ins mapped into this process (Linux)."""
    files: set[str] = set()
    if not Path("/proc/self/maps").exists():
        return files
    for line in Path("/proc/self/maps").read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split(maxsplit=5)
        if len(parts) == 6 and parts[5].startswith("/"):
            name = Path(parts[5]).name
            if name.startswith("libvlc") or name.endswith("_plugin.so"):
                files.add(str(Path(parts[5]).resolve()))
    return files


def _check_pyav(folder: Path) -> str:
    import av

    from vigstudio.media.demo_media import make_demo_recording, read_barcode

    clip = make_demo_recording(folder / "pyav.mp4", seconds=2, width=320, height=240,
                               barcode=True)
    frames = 0
    samples = 0
    with av.open(str(clip)) as container:
        video = container.streams.video[0]
        audio = container.streams.audio[0]
        codecs = (video.codec_context.name, audio.codec_context.name)
        for frame in container.decode(video=0, audio=0):
            if isinstance(frame, av.VideoFrame):
                if read_barcode(frame.to_ndarray(format="rgb24")) != frames:
                    raise CheckFailed(f"frame {frames} decoded wrongly")
                frames += 1
            elif isinstance(frame, av.AudioFrame):
                samples += frame.samples
    wanted = 2 * 25  # two seconds at 25 fps
    if codecs != ("h264", "aac") or frames != wanted or samples == 0:
        raise CheckFailed(f"wrote {codecs}, read {frames}/{wanted} frames, {samples} samples")
    sealed = _encrypted_frames(clip, folder)
    if sealed != wanted:
        raise CheckFailed(f"read {sealed}/{wanted} frames of the encrypted copy")
    return (f"PyAV {av.__version__} (FFmpeg {av.ffmpeg_version_info}): wrote and read "
            f"{wanted} H.264 frames and {samples} AAC samples; the same frames from an "
            "encrypted copy (AES-GCM, as an encrypted case keeps it)")


def _encrypted_frames(clip: Path, folder: Path) -> int:
    """Encrypt ``clip`` as an encrypted case copies a recording in, then decode it through
    the decrypting reader; the number of frames whose barcode is right."""
    import av

    from vigstudio.crypto import chunked
    from vigstudio.media.demo_media import read_barcode
    from vigstudio.media.source import MediaSource

    key = os.urandom(32)
    sealed = folder / (clip.name + ".vigenc")
    chunked.encrypt_file(clip, sealed, key)
    with sealed.open("rb") as f:
        head = f.read(8)
    if head[4:8] == b"ftyp":
        raise CheckFailed("the encrypted copy was written in the clear")
    good = 0
    with MediaSource(sealed, key).open_av() as container:
        for n, frame in enumerate(container.decode(video=0)):
            if isinstance(frame, av.VideoFrame) and \
                    read_barcode(frame.to_ndarray(format="rgb24")) == n:
                good += 1
    return good


def _check_project(folder: Path) -> str:
    from vigstudio.app import CaseSession
    from vigstudio.storage.migrations import current_version

    path = folder / "self-check.vigproj"
    with CaseSession.create(path, "Self-check family") as session:
        session.new_reel("Self-check reel")
    with CaseSession.open(path, read_only=True) as session:
        name = session.case().name
        reels = [r.name for r in session.reels()]
    if name != "Self-check family" or reels != ["Self-check reel"]:
        raise CheckFailed(f"read back case {name!r} and reels {reels}")
    from vigstudio.app.case_crypto import CaseKeys

    keys = CaseKeys.generate()  # an encrypted case (SQLCipher), as File ▸ New case makes
    secret = folder / "self-check-encrypted.vigproj"
    CaseSession.create(secret, "Self-check family", keys=keys).close()
    with CaseSession.open(secret, read_only=True, keys=keys) as session:
        if session.case().name != "Self-check family":
            raise CheckFailed("the encrypted case did not read back")
    if secret.read_bytes()[:16] == b"SQLite format 3\x00":
        raise CheckFailed("the encrypted case was written in the clear")
    return (f"schema version {current_version()}, {path.stat().st_size} bytes, read back; "
            "an encrypted (SQLCipher) case too")


def _check_qt(folder: Path) -> str:
    from vigstudio.gui.help.selfcheck_qt import show_window

    return show_window()


_CHILD_CHECKS: dict[str, Callable[[Path], str]] = {
    "libvlc": _check_libvlc,
    "pyav": _check_pyav,
    "project": _check_project,
    "qt": _check_qt,
}


def worker_main(argv: list[str]) -> int:
    """``vigstudio --worker self-check NAME``: run one check, print a JSON verdict."""
    if len(argv) != 1 or argv[0] not in _CHILD_CHECKS:
        print(f"usage: vigstudio --worker self-check {{{','.join(_CHILD_CHECKS)}}}",
              file=sys.stderr)
        return 2
    from vigstudio.errors import VigError

    with tempfile.TemporaryDirectory(prefix="vigstudio-check-") as tmp:
        try:
            detail = _CHILD_CHECKS[argv[0]](Path(tmp))
            ok = True
        except (CheckFailed, VigError, ImportError, OSError, ValueError) as exc:
            detail = f"{type(exc).__name__}: {exc}"
            ok = False
    print(json.dumps({"ok": ok, "detail": detail}), flush=True)
    return 0 if ok else 1
