"""A stored reel exported through the app layer and the CLI: frames, stills, sheet, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import av
import pytest

from vigstudio.app.reel_export import plan_for_reel, sheet_content, still_requests
from vigstudio.app.session import CaseSession
from vigstudio.cli import main
from vigstudio.domain.reels import ItemKind
from vigstudio.errors import ExportError, MediaMissingError
from vigstudio.media.export_plan import ClipSegment, StillSegment, TitleCard
from vigstudio.testing.synth import read_barcode


def test_plan_follows_the_reel_items(demo: Path) -> None:
    with CaseSession.open(demo) as s:
        reel = s.reels()[0]
        plan = plan_for_reel(s, reel.id or 0)
        assert len(plan.items) == len(reel.items)
        for item, seg in zip(reel.items, plan.items, strict=True):
            if item.kind is ItemKind.CLIP:
                assert isinstance(seg, ClipSegment)
                assert seg.frames == s.clip(item.clip_id or 0).range
                assert seg.speed == item.speed
            elif item.kind is ItemKind.STILL:
                assert isinstance(seg, StillSegment)
                assert seg.frame == s.still(item.still_id or 0).frame
            else:
                assert isinstance(seg, TitleCard) and seg.text == item.title_text
        content = sheet_content(s, reel.id or 0)
        assert content.case_name == s.case().name
        assert len(content.captions) == len(still_requests(s, reel.id or 0)) > 0


def test_cli_exports_exact_frames_in_reel_order(demo: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    with CaseSession.open(demo) as s:
        clip = s.clips()[0]
        rec_id = clip.recording_id
    name = "Just one"
    assert main(["new-reel", str(demo), "--name", name]) == 0
    assert main(["reel-add", str(demo), "--reel", name, "--clip", str(clip.id),
                 "--speed", "1/2"]) == 0
    assert main(["reel-add", str(demo), "--reel", name, "--title", "Héllo Sam", "--at", "1",
                 "--hold", "1"]) == 0
    capsys.readouterr()
    out = tmp_path / "reel.mp4"
    assert main(["export-reel", str(demo), "--reel", name, "-o", str(out), "--quiet"]) == 0
    assert Path(capsys.readouterr().out.strip()) == out
    with av.open(str(out)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    title_frames, clip_frames = frames[:25], frames[25:]
    assert len(title_frames) == 25  # one second at the demo's 25 fps
    shown = [read_barcode(rgb) for rgb in clip_frames]
    expected = [n for n in range(clip.range.start, clip.range.end) for _ in range(2)]
    assert shown == expected  # every frame of the clip, twice (half speed), nothing else
    with CaseSession.open(demo, read_only=True) as s:
        assert s.recording(rec_id).info.frame_rate.value == Fraction(25)


def test_cli_stills_and_sheet(demo: Path, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    reel = "Cycle 1 feedback"
    assert main(["export-stills", str(demo), "--reel", reel, "-o", str(tmp_path / "s")]) == 0
    pngs = [Path(p) for p in capsys.readouterr().out.split()]
    assert pngs and all(p.exists() and p.suffix == ".png" for p in pngs)
    with CaseSession.open(demo, read_only=True) as s:
        frames = [s.still(i.still_id or 0).frame for i in s.reel_by_name(reel).items
                  if i.kind is ItemKind.STILL]
    import numpy as np
    from PIL import Image

    assert [read_barcode(np.asarray(Image.open(p).convert("RGB"))) for p in pngs] == frames
    pdf = tmp_path / "sheet.pdf"
    assert main(["export-sheet", str(demo), "--reel", reel, "-o", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert main(["export-sheet", str(demo), "--reel", reel, "-o", str(pdf)]) == 2  # no overwrite
    assert "already exists" in capsys.readouterr().err


def test_offline_recording_stops_the_export_before_writing(
        demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (demo.parent / "demo-family-film.mp4").rename(tmp_path / "moved.mp4")
    out = tmp_path / "reel.mp4"
    assert main(["export-reel", str(demo), "--reel", "Cycle 1 feedback", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "relink" in err and "demo-family-film.mp4" in err
    assert not out.exists() and not list(tmp_path.glob(".reel.mp4*"))
    with CaseSession.open(demo) as s, pytest.raises(MediaMissingError):
        plan_for_reel(s, s.reels()[0].id or 0)


def test_empty_reel_is_refused(demo: Path) -> None:
    with CaseSession.open(demo) as s:
        reel = s.new_reel("Empty")
        with pytest.raises(ExportError, match="empty"):
            plan_for_reel(s, reel.id or 0)


def test_unburned_captions_travel_as_subtitles(demo: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    with CaseSession.open(demo) as s:
        clip = s.clips()[0]
        reel = s.new_reel("Questions")
        assert reel.id is not None
        title = s.add_title_card(reel.id, "Fun together", hold=Fraction(2))
        s.update_reel_item(reel.id, title.id or 0, caption="Burned in", burn_caption=True)
        item = s.add_clip_to_reel(reel.id, clip.id or 0)
        s.update_reel_item(reel.id, item.id or 0, caption="What helped Sam here?")
    out = tmp_path / "reel.mp4"
    assert main(["export-reel", str(demo), "--reel", "Questions", "-o", str(out),
                 "--quiet"]) == 0
    srt = out.with_suffix(".srt").read_text(encoding="utf-8")
    # one cue, for the clip (the title's caption is in the picture): from 2 s to its end
    clip_end = 2 + Fraction(clip.range.duration, 25)
    end_ms = int(clip_end * 1000 // 1)
    assert srt == (f"1\n00:00:02,000 --> 00:00:{end_ms // 1000:02d},{end_ms % 1000:03d}\n"
                   "What helped Sam here?\n")
    # the same cue as WebVTT, for browsers and editors that read .vtt
    vtt = out.with_suffix(".vtt").read_text(encoding="utf-8")
    assert vtt == (f"WEBVTT\n\n1\n00:00:02.000 --> 00:00:{end_ms // 1000:02d}."
                   f"{end_ms % 1000:03d}\nWhat helped Sam here?\n")
    capsys.readouterr()
    # the captions file is not overwritten without asking either
    out.unlink()
    assert main(["export-reel", str(demo), "--reel", "Questions", "-o", str(out),
                 "--quiet"]) == 2
    assert "captions" in capsys.readouterr().err and not out.exists()


_START_ORDER = """
import json
import sys
import vigstudio.media.export as export

heavy = ("sqlalchemy", "av", "numpy")
seen = []
real_start = export.start_worker


def spy(*args, **kwargs):
    seen.append([name for name in heavy if name in sys.modules])
    return real_start(*args, **kwargs)


export.start_worker = spy
from vigstudio.cli import main

code = main(["export-reel", sys.argv[1], "--reel", "Cycle 1 feedback", "-o", sys.argv[2],
             "--quiet"])
print(json.dumps({"seen": seen, "code": code,
                  "decoders": [name for name in ("av", "numpy", "cv2") if name in sys.modules]}))
"""


def test_cli_export_starts_its_worker_before_the_heavy_imports(demo: Path,
                                                                 tmp_path: Path) -> None:
    """`vigstudio export-reel` starts the export's child before it imports SQLAlchemy (so the
    child's FFmpeg imports overlap the case being opened) and never decodes in its own process
    (no PyAV or numpy there): a new Python process, as a practitioner runs it."""
    out = tmp_path / "reel.mp4"
    done = subprocess.run([sys.executable, "-c", _START_ORDER, str(demo), str(out)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["code"] == 0
    assert seen["seen"] == [[]]  # one worker, started before any heavy import
    assert seen["decoders"] == []
    assert out.exists()
