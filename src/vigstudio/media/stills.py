"""Stills: one exact frame of a recording as a full-resolution, upright PNG.

:func:`still_rgb` and :func:`export_still_png` decode in the calling process (one frame is
quick: seek to the keyframe before it and decode forward). :func:`export_stills` runs in a
child process by default (the reel export's worker), so a decoder crash on a damaged file
cannot take the app down.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pickle
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image

from vigstudio.children import popen_child, worker_command
from vigstudio.domain.annotations import Mark
from vigstudio.domain.media import MediaInfo
from vigstudio.errors import DecoderCrashError, ExportError
from vigstudio.media import decode
from vigstudio.media.marks import draw_marks
from vigstudio.media.source import MediaLike, as_source
from vigstudio.safe_write import atomic_target, child_env

__all__ = ["StillRequest", "export_still_png", "export_stills", "still_rgb"]

RGB = npt.NDArray[np.uint8]


def still_rgb(path: MediaLike, info: MediaInfo, frame: int) -> RGB:
    """Frame ``frame`` as an upright H×W×3 RGB array at the recording's full resolution."""
    decoded = decode.read_frame(as_source(path), info, frame)
    rgb: RGB = decoded.to_ndarray(format="rgb24")
    rotation = info.rotation % 360
    if rotation:
        # rotation is the clockwise turn to show it upright; np.rot90 turns counter-clockwise
        rgb = np.ascontiguousarray(np.rot90(rgb, k=-(rotation // 90)))
    return rgb


def export_still_png(path: MediaLike, info: MediaInfo, frame: int, out: Path | str, *,
                     overwrite: bool = False, marks: Sequence[Mark] = ()) -> Path:
    """Write frame ``frame`` of the recording at ``path`` as a PNG at ``out``.

    Full resolution, upright, exactly that frame, with the still's ``marks`` drawn on it.
    Written to a hidden temporary file beside ``out`` and renamed when complete; an existing
    ``out`` is kept unless ``overwrite``.
    """
    out = Path(out)
    if out.exists() and not overwrite:
        raise ExportError(f"{out} already exists; choose another name or allow replacing it.")
    if not out.parent.is_dir():
        raise ExportError(f"The folder {out.parent} does not exist.")
    rgb = draw_marks(still_rgb(path, info, frame), marks)
    try:
        with atomic_target(out, overwrite=overwrite, what="the still",
                           check=_check_png) as tmp:
            Image.fromarray(rgb, "RGB").save(tmp, format="PNG")
    except OSError as exc:
        raise ExportError(f"Could not write {out}: {exc.strerror or exc}") from exc
    return out


def _check_png(path: Path) -> None:
    try:
        with Image.open(path) as image:
            image.verify()
    except (OSError, SyntaxError, ValueError) as exc:
        raise ExportError(f"The still {path.name} came out incomplete (is the disk full?); "
                          "nothing was changed.") from exc


@dataclass(frozen=True)
class StillRequest:
    """One still to export: a frame of a recording and the file name (without folder)."""

    path: MediaLike  # a MediaSource carries an encrypted case's key (sent through stdin)
    info: MediaInfo
    frame: int
    name: str  # e.g. "01-eye-contact.png"
    marks: tuple[Mark, ...] = ()  # drawn over the picture


def export_stills(requests: Sequence[StillRequest], folder: Path | str, *,
                  overwrite: bool = False, isolate: bool = True,
                  timeout: float = 120.0) -> list[Path]:
    """Export several stills into ``folder`` (created if missing); returns the written paths.

    All names are checked first, so nothing is written when one target already exists (and
    ``overwrite`` is off) or two stills share a name. With ``isolate`` (the default) the
    decoding runs in a child process; if it crashes or takes longer than ``timeout`` seconds,
    :class:`ExportError` is raised and the stills this call had newly created are removed.
    """
    folder = Path(folder)
    names = [r.name for r in requests]
    if len(set(names)) != len(names):
        raise ExportError("Two stills would get the same file name.")
    for name in names:
        if Path(name).name != name or not name:
            raise ExportError(f"Not a plain file name: {name!r}")
        if (folder / name).exists() and not overwrite:
            raise ExportError(f"{folder / name} already exists; nothing was exported.")
    folder.mkdir(parents=True, exist_ok=True)
    targets = [folder / name for name in names]
    if not isolate:
        return [export_still_png(r.path, r.info, r.frame, target, overwrite=overwrite,
                                 marks=r.marks)
                for r, target in zip(requests, targets, strict=True)]
    new = [t for t in targets if not t.exists()]
    try:
        _run_stills_child(list(requests), folder, overwrite, timeout)
    except BaseException:
        for target in new:
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
        raise
    return targets


def _run_stills_child(requests: list[StillRequest], folder: Path, overwrite: bool,
                      timeout: float) -> None:
    job = pickle.dumps({"kind": "stills", "requests": requests, "folder": folder,
                        "overwrite": overwrite})
    package_root = str(Path(__file__).resolve().parents[2])
    env = child_env(dict(os.environ))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    proc = popen_child(worker_command("export"),
                       stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env)
    try:
        stdout, stderr = proc.communicate(job, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        proc.kill()
        proc.communicate()
        raise ExportError("Exporting the stills took too long and was stopped.") from exc
    finally:
        for request in requests:  # temp files of a child that died while writing
            for tmp in folder.glob(f".{glob.escape(request.name[:180])}.vigtmp-{proc.pid}-*"):
                with contextlib.suppress(FileNotFoundError):
                    tmp.unlink()
    lines = stdout.decode("utf-8", "replace").splitlines()
    if lines and lines[-1] == "done" and proc.returncode == 0:
        return
    for line in lines:
        if line.startswith("error "):
            raise ExportError(line.partition("\t")[2] or line)
    detail = stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
    raise ExportError("Exporting the stills stopped unexpectedly (the decoder may have "
                      "crashed on a damaged recording).") from DecoderCrashError(
                          " / ".join(detail) or f"exit code {proc.returncode}")
