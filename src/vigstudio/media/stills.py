"""Stills: one exact frame of a recording as a full-resolution, upright PNG.

Decoding runs in the calling process (one frame is quick: seek to the keyframe before it and
decode forward). Callers that handle untrusted files should call this from a background job;
the reel export, which decodes much more, runs in a child process.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image

from vigstudio.domain.media import MediaInfo
from vigstudio.errors import ExportError
from vigstudio.media import decode

__all__ = ["StillRequest", "export_still_png", "export_stills", "still_rgb"]

RGB = npt.NDArray[np.uint8]


def still_rgb(path: Path | str, info: MediaInfo, frame: int) -> RGB:
    """Frame ``frame`` as an upright H×W×3 RGB array at the recording's full resolution."""
    decoded = decode.read_frame(Path(path), info, frame)
    rgb: RGB = decoded.to_ndarray(format="rgb24")
    rotation = info.rotation % 360
    if rotation:
        # rotation is the clockwise turn to show it upright; np.rot90 turns counter-clockwise
        rgb = np.ascontiguousarray(np.rot90(rgb, k=-(rotation // 90)))
    return rgb


def export_still_png(path: Path | str, info: MediaInfo, frame: int, out: Path | str, *,
                     overwrite: bool = False) -> Path:
    """Write frame ``frame`` of the recording at ``path`` as a PNG at ``out``.

    Full resolution, upright, exactly that frame. Written to a hidden temporary file beside
    ``out`` and renamed when complete; an existing ``out`` is kept unless ``overwrite``.
    """
    out = Path(out)
    if out.exists() and not overwrite:
        raise ExportError(f"{out} already exists; choose another name or allow replacing it.")
    if not out.parent.is_dir():
        raise ExportError(f"The folder {out.parent} does not exist.")
    rgb = still_rgb(path, info, frame)
    tmp = out.parent / f".{out.name}.{os.getpid()}.part"
    try:
        Image.fromarray(rgb, "RGB").save(tmp, format="PNG")
        os.replace(tmp, out)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise ExportError(f"Could not write {out}: {exc.strerror or exc}") from exc
    return out


@dataclass(frozen=True)
class StillRequest:
    """One still to export: a frame of a recording and the file name (without folder)."""

    path: Path
    info: MediaInfo
    frame: int
    name: str  # e.g. "01-eye-contact.png"


def export_stills(requests: Sequence[StillRequest], folder: Path | str, *,
                  overwrite: bool = False) -> list[Path]:
    """Export several stills into ``folder`` (created if missing); returns the written paths.

    All names are checked first, so nothing is written when one target already exists (and
    ``overwrite`` is off) or two stills share a name.
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
    return [export_still_png(r.path, r.info, r.frame, folder / r.name, overwrite=overwrite)
            for r in requests]
