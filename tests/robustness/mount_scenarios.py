"""Scenarios that need a real read-only or full file system, run in a private mount namespace.

Run as ``unshare --mount --propagation private python mount_scenarios.py SCENARIO DIR``
(as root). Every mount made here lives only in this process's namespace and disappears with
it, whatever happens: nothing leaks into the machine. Prints one JSON object.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

from vigstudio.app import CaseSession
from vigstudio.app.location import assess_location, make_local_copy
from vigstudio.domain.media import Fingerprint, MediaInfo, Recording
from vigstudio.domain.time import FrameRange, FrameRate
from vigstudio.errors import DiskFullError, ExportError, ProjectError, VigError
from vigstudio.testing.crash_script import state_hash


def mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True)


def fake_recording() -> Recording:
    info = MediaInfo(container="mp4", video_codec="h264", width=640, height=360, rotation=0,
                     frame_rate=FrameRate(Fraction(25)), variable_frame_rate=False,
                     frame_count=250, duration=Fraction(10), time_base=Fraction(1, 12800),
                     start_pts=0, audio_codec="aac", audio_sample_rate=48000,
                     audio_channels=1)
    return Recording("media/family.mp4", Fingerprint(1234, "a" * 64, "b" * 64), info)


def fill(folder: Path) -> Path:
    """Fill the file system holding ``folder`` to the last byte."""
    filler = folder / "filler.bin"
    with open(filler, "wb", buffering=0) as f:
        for size in (1 << 16, 4096, 512, 1):
            try:
                while True:
                    f.write(b"\0" * size)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
    return filler


def read_only(workdir: Path) -> dict[str, Any]:
    share = workdir / "share"
    share.mkdir()
    project = share / "case.vigproj"
    with CaseSession.create(project, "Read-only") as session:
        session.add_recording(fake_recording())
        session.add_moment(1, 10, session.principles()[0].code)
    (share / "case.vigproj.lock").unlink()
    before = project.read_bytes()
    mount("--bind", str(share), str(share))
    mount("-o", "remount,bind,ro", str(share))
    report = assess_location(project)
    out: dict[str, Any] = {"read_only": report.read_only, "risks": list(report.risks),
                           "recommendation": report.recommendation.value,
                           "message": report.message}
    try:
        CaseSession.open(project).close()
        out["open_for_writing"] = "opened"
    except ProjectError as exc:
        out["open_for_writing"] = f"{type(exc).__name__}: {exc}"
    with CaseSession.open(project, read_only=True) as session:
        out["moments_read_only"] = len(session.moments())
        try:
            session.add_moment(1, 11, session.principles()[0].code)
            out["edit_read_only"] = "saved"
        except VigError as exc:
            out["edit_read_only"] = type(exc).__name__
    local = workdir / "local"
    local.mkdir()
    copy = make_local_copy(project, local)
    with CaseSession.open(copy) as session:
        session.add_moment(1, 12, session.principles()[0].code)
        out["moments_in_copy"] = len(session.moments())
    out["copy_report_ok"] = assess_location(copy).ok
    out["unchanged"] = project.read_bytes() == before
    return out


def full_disk(workdir: Path) -> dict[str, Any]:
    disk = workdir / "disk"
    disk.mkdir()
    mount("-t", "tmpfs", "-o", "size=512k", "tmpfs", str(disk))
    project = disk / "case.vigproj"
    out: dict[str, Any] = {}
    session = CaseSession.create(project, "Full disk")
    rec = int(session.add_recording(fake_recording()).id or 0)
    code = session.principles()[0].code
    for frame in range(5):
        session.add_moment(rec, frame * 10, code, note="saved before the disk filled")
    clip = session.add_clip(rec, 0, 20)
    saved = state_hash(session)
    filler = fill(disk)
    failures: list[str] = []
    messages: list[str] = []
    attempts: list[tuple[str, Any]] = [
        ("add_moment", lambda: session.add_moment(rec, 99, code, note="x" * 5000)),
        ("trim", lambda: session.trim_clip_end(int(clip.id or 0), 40)),
        ("undo", session.undo),
        ("new_reel", lambda: session.new_reel("Reel on a full disk")),
    ]
    for name, attempt in attempts:
        try:
            attempt()
            failures.append(f"{name}: saved")
        except DiskFullError as exc:
            failures.append(f"{name}: DiskFullError")
            messages.append(str(exc))
    out["attempts"] = failures
    out["messages"] = messages
    out["state_kept"] = state_hash(session) == saved
    out["can_undo_last_saved"] = session.undo_label
    filler.unlink()
    session.add_moment(rec, 99, code, note="after freeing space")
    out["edit_after_freeing"] = len(session.moments())
    session.close()
    with CaseSession.open(project) as again:
        out["integrity"] = again.project.integrity_check()
        out["moments_after_reopen"] = len(again.moments())
        out["notes"] = sorted({m.note for m in again.moments()})
    return out


def _small_disk(workdir: Path, free: int) -> Path:
    """A 64 KiB tmpfs at ``workdir/disk`` with about ``free`` bytes left."""
    disk = workdir / "disk"
    disk.mkdir()
    mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk))
    fill(disk)
    (disk / "filler.bin").unlink()
    (disk / "small.bin").write_bytes(b"\0" * (64 * 1024 - free))
    return disk


def _export_outcome(export: Callable[[], object], folder: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    try:
        export()
        out["export"] = "written"
    except ExportError as exc:
        out["export"] = type(exc).__name__
        out["message"] = str(exc)
    out["left_behind"] = sorted(p.name for p in folder.iterdir())
    return out


def export_full(workdir: Path) -> dict[str, Any]:
    from vigstudio.media.export import ClipSegment, ReelPlan, export_reel
    from vigstudio.media.probe import probe
    from vigstudio.testing.synth import make_barcode_video

    video = make_barcode_video(workdir / "source.mp4", width=320, height=180, frames=50)
    info = probe(video)
    disk = _small_disk(workdir, free=24_000)  # too little for the reel
    plan = ReelPlan((ClipSegment(video, info, FrameRange(0, 50)),))
    return _export_outcome(lambda: export_reel(plan, disk / "reel.mp4"), disk)


def stills_full(workdir: Path) -> dict[str, Any]:
    from vigstudio.media.probe import probe
    from vigstudio.media.stills import StillRequest, export_stills
    from vigstudio.testing.synth import make_barcode_video

    video = make_barcode_video(workdir / "source.mp4", width=640, height=360, frames=20)
    info = probe(video)
    disk = _small_disk(workdir, free=14_000)  # too little room for two PNGs
    (disk / "stills").mkdir()
    requests = [StillRequest(video, info, n, f"{n:02d}.png") for n in (3, 12)]
    return _export_outcome(lambda: export_stills(requests, disk / "stills"), disk / "stills")


SCENARIOS = {"read_only": read_only, "full_disk": full_disk, "export_full": export_full,
             "stills_full": stills_full}



def _argv(command: str, project: Path, target: Path, *, overwrite: bool) -> list[str]:
    if command == "save-copy":
        return [command, str(project), str(target), *(["--overwrite"] if overwrite else [])]
    return [command, str(project), "--reel", "Visit", "-o", str(target),
            *(["--overwrite"] if overwrite else []),
            *(["--quiet"] if command == "export-reel" else [])]


def replace_on_full_disk(workdir: Path) -> dict[str, Any]:
    """Good exports on a small disk, then the disk fills, then each is exported again with
    --overwrite through the command line."""
    import contextlib
    import io
    import shutil

    from vigstudio.cli import main as cli
    from vigstudio.testing.synth import make_barcode_video

    video = make_barcode_video(workdir / "film.mp4", width=320, height=180, frames=12,
                               audio=False)
    project = workdir / "case.vigproj"
    for argv in (["new", str(project), "--case", "Family F"],
                 ["import", str(project), str(video)],
                 ["add-clip", str(project), "--recording", "1", "--in", "0", "--out", "12"],
                 ["add-still", str(project), "--recording", "1", "--frame", "3"],
                 ["new-reel", str(project), "--name", "Visit"],
                 ["reel-add", str(project), "--reel", "Visit", "--clip", "1"],
                 ["reel-add", str(project), "--reel", "Visit", "--still", "1"],
                 # the family consented (this scenario is about the full disk)
                 ["add-participant", str(project), "--name", "Sam", "--role", "person"],
                 ["consent", str(project), "--participant", "Sam", "--use", "feedback",
                  "--given", "2026-01-05"],
                 ["set-clip", str(project), "--clip", "1", "--appears", "Sam"],
                 ["set-still", str(project), "--still", "1", "--appears", "Sam"]):
        with contextlib.redirect_stdout(io.StringIO()):
            assert cli(argv) == 0, argv
    disk = workdir / "disk"
    disk.mkdir()
    mount("-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk))
    targets = {"export-sheet": disk / "sheet.pdf", "export-reel": disk / "reel.mp4",
               "export-stills": disk / "stills", "save-copy": disk / "copy.vigproj"}
    for command, target in targets.items():
        with contextlib.redirect_stdout(io.StringIO()):
            assert cli(_argv(command, project, target, overwrite=False)) == 0
    good = {name: (p.read_bytes() if p.is_file() else
                   {q.name: q.read_bytes() for q in p.iterdir()})
            for name, p in targets.items()}
    fill(disk)
    out: dict[str, Any] = {}
    for command, target in targets.items():
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = cli(_argv(command, project, target, overwrite=True))
        now = (target.read_bytes() if target.is_file() else
               {q.name: q.read_bytes() for q in target.iterdir()})
        out[command] = {"exit": code, "message": err.getvalue(), "kept": now == good[command]}
    out["left_behind"] = sorted(p.name for p in disk.iterdir())
    out["stills"] = sorted(p.name for p in (disk / "stills").iterdir())
    shutil.rmtree(disk / "stills", ignore_errors=True)
    return out


SCENARIOS["replace_on_full_disk"] = replace_on_full_disk

if __name__ == "__main__":
    if os.geteuid() != 0:
        sys.exit("run as root inside `unshare --mount --propagation private`")
    print(json.dumps(SCENARIOS[sys.argv[1]](Path(sys.argv[2]))))
