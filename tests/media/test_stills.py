"""Stills: exact frame, full resolution, upright PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from vigstudio.errors import ExportError
from vigstudio.media.probe import probe_in_process
from vigstudio.media.stills import StillRequest, export_still_png, export_stills, still_rgb
from vigstudio.testing import synth


def read_png(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


@pytest.mark.parametrize("frame", [0, 37, 49, 50, 99])
def test_exact_frame_full_resolution(video_25: Path, tmp_path: Path, frame: int) -> None:
    info = probe_in_process(video_25)
    out = export_still_png(video_25, info, frame, tmp_path / "still.png")
    rgb = read_png(out)
    assert rgb.shape == (360, 640, 3)
    assert synth.read_barcode(rgb) == frame


def test_rotated_still_is_upright(video_rot90: Path, tmp_path: Path) -> None:
    info = probe_in_process(video_rot90)
    out = export_still_png(video_rot90, info, 13, tmp_path / "upright.png")
    rgb = read_png(out)
    assert rgb.shape == (320, 180, 3)  # stored 320×180, shown turned 90°
    assert synth.read_barcode(rgb) == 13  # the code runs along the upright picture's top


def test_variable_rate_still(video_vfr: Path) -> None:
    info = probe_in_process(video_vfr)
    for frame in (0, 7, 22, 39):
        assert synth.read_barcode(still_rgb(video_vfr, info, frame)) == frame


@pytest.mark.parametrize("isolate", [True, False])
def test_several_stills_and_overwrite_rules(video_25: Path, tmp_path: Path,
                                            isolate: bool) -> None:
    info = probe_in_process(video_25)
    requests = [StillRequest(video_25, info, f, f"{i:02d}-moment.png")
                for i, f in enumerate((5, 60, 61))]
    folder = tmp_path / "stills"
    written = export_stills(requests, folder, isolate=isolate)
    assert [synth.read_barcode(read_png(p)) for p in written] == [5, 60, 61]
    before = written[0].read_bytes()
    with pytest.raises(ExportError, match="already exists"):
        export_stills([StillRequest(video_25, info, 9, "00-moment.png")], folder)
    assert written[0].read_bytes() == before
    export_stills([StillRequest(video_25, info, 9, "00-moment.png")], folder, overwrite=True)
    assert synth.read_barcode(read_png(written[0])) == 9
    with pytest.raises(ExportError, match="same file name"):
        export_stills([requests[0], requests[0]], folder, overwrite=True)
    assert sorted(p.name for p in folder.iterdir()) == [r.name for r in requests]


def test_crashing_child_leaves_no_new_stills(video_25: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text("import os, signal\n"
                                            "os.kill(os.getpid(), signal.SIGKILL)\n")
    monkeypatch.setenv("PYTHONPATH", str(hooks))
    info = probe_in_process(video_25)
    folder = tmp_path / "stills"
    folder.mkdir()
    (folder / "keep.png").write_bytes(b"old")
    requests = [StillRequest(video_25, info, 3, "a.png"), StillRequest(video_25, info, 4,
                                                                       "keep.png")]
    with pytest.raises(ExportError, match="stopped unexpectedly"):
        export_stills(requests, folder, overwrite=True)
    assert sorted(p.name for p in folder.iterdir()) == ["keep.png"]
