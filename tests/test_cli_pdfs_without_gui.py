"""The command line prints both PDFs (feedback sheet, review summary) in a process where the
GUI package cannot be imported: the sheets are assembled in app and drawn by render."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from vigstudio.app import CaseSession
from vigstudio.testing.cases import consent_everywhere
from vigstudio.testing.synth import make_barcode_video

SRC = Path(__file__).resolve().parents[1] / "src"

_NO_GUI = """
import importlib.abc, sys

class RefuseGui(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "vigstudio.gui" or name.startswith("vigstudio.gui."):
            raise ImportError(f"the GUI package is blocked in this process: {name}")
        return None

sys.meta_path.insert(0, RefuseGui())
from vigstudio.cli import main
code = main(sys.argv[1:])
assert not any(m.startswith("vigstudio.gui") for m in sys.modules)
sys.exit(code)
"""


def _cli_without_gui(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _NO_GUI, *args], capture_output=True,
                          text=True, timeout=180, check=False,
                          env=dict(os.environ, PYTHONPATH=str(SRC), QT_QPA_PLATFORM="offscreen"))


def test_export_sheet_and_export_review_need_no_gui_package(tmp_path: Path) -> None:
    film = make_barcode_video(tmp_path / "film.mp4", width=320, height=180, frames=60,
                              gop=25, audio=False)
    project = tmp_path / "case.vigproj"
    with CaseSession.create(project, "Family Door") as s:
        s.add_helping_question("How can I help Sam wait?")
        rec = s.import_recording(film)
        assert rec.id is not None
        still = s.add_still(rec.id, 45, caption="Smile")
        cycle = s.add_cycle(1)
        reel = s.new_reel("Cycle 1", cycle_id=cycle.id)
        assert reel.id is not None
        item = s.add_still_to_reel(reel.id, still.id or 0)
        review = s.start_review(reel.id, dt.date(2026, 2, 9))
        assert review.id is not None
        s.add_item_reflection(review.id, item.id or 0, "Hij is zo trots",
                              noted_at=dt.datetime(2026, 2, 9, 10, 11))
        consent_everywhere(s)  # the exits check consent: the family gave it

    sheet, summary = tmp_path / "sheet.pdf", tmp_path / "review.pdf"
    done = _cli_without_gui("export-sheet", str(project), "--reel", "Cycle 1", "-o", str(sheet))
    assert done.returncode == 0, done.stderr
    done = _cli_without_gui("export-review", str(project), "--cycle", "1", "-o", str(summary))
    assert done.returncode == 0, done.stderr
    for pdf in (sheet, summary):
        assert pdf.read_bytes().startswith(b"%PDF")
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "Family Door" in text if pdf is sheet else "Hij is zo trots" in text


def test_the_blocker_blocks_the_gui() -> None:
    """``open`` needs the GUI package: in the same child it fails, so the test above means
    something."""
    done = _cli_without_gui("open", "/nonexistent.vigproj")
    assert done.returncode != 0 and "GUI package is blocked" in done.stderr
