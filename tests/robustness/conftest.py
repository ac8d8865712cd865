"""Fixtures of the robustness tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from vigstudio.app import CaseSession
from vigstudio.testing import synth


@pytest.fixture
def moved(tmp_path: Path) -> Iterator[tuple[CaseSession, Path, list[int]]]:
    """A case with three imported recordings whose files were then moved elsewhere (one
    renamed), with a different video under one recording's name in the new place."""
    case_dir = tmp_path / "case"
    (case_dir / "media").mkdir(parents=True)
    sources = [synth.make_barcode_video(case_dir / "media" / f"visit-{i}.mp4", width=160,
                                        height=96, frames=6 + i, audio=False)
               for i in range(3)]
    session = CaseSession.create(case_dir / "family.vigproj", "Moved")
    ids = [int(session.import_recording(p).id or 0) for p in sources]
    usb = tmp_path / "usb"
    (usb / "films" / "deep").mkdir(parents=True)
    (usb / "other").mkdir()
    shutil.move(sources[0], usb / "films" / "visit-0.mp4")
    shutil.move(sources[1], usb / "films" / "deep" / "renamed by the phone.mp4")
    shutil.move(sources[2], usb / "films" / "visit-2.mp4")
    synth.make_barcode_video(usb / "other" / "visit-1.mp4", width=160, height=96, frames=7,
                             audio=False, gop=3)  # same name as recording 2, other content
    (case_dir / "media").rmdir()
    yield session, usb, ids
    session.close()
