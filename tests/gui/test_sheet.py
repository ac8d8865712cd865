"""The printable feedback sheet: rendered to images with poppler's pdftoppm and checked."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtGui import QColor, QImage

from vigstudio.errors import ExportError
from vigstudio.render.sheet_pdf import write_feedback_sheet
from vigstudio.testing import synth

COLORS = [(200, 30, 30), (30, 160, 60), (40, 60, 200)]


def solid(color: tuple[int, int, int]) -> QImage:
    image = QImage(640, 360, QImage.Format.Format_RGB888)
    image.fill(QColor(*color))
    return image


def render_pages(pdf: Path, folder: Path) -> list[np.ndarray]:
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(folder / "page")],
                   check=True)
    pages = []
    for png in sorted(folder.glob("page-*.png")):
        with Image.open(png) as image:
            pages.append(np.asarray(image.convert("RGB")))
    return pages


def pixels_near(page: np.ndarray, color: tuple[int, int, int]) -> int:
    return int((np.abs(page.astype(int) - color).max(axis=2) < 40).sum())


def test_sheet_has_header_text_and_every_still(tmp_path: Path) -> None:
    barcode = np.zeros((360, 640, 3), np.uint8) + 90
    synth.draw_barcode(barcode, 1234)
    png = tmp_path / "still.png"
    Image.fromarray(barcode).save(png)
    stills = [(solid(c), f"Caption {i}: Léa schaut zu dir – schön") for i, c in enumerate(COLORS)]
    stills.append((png, "Barcode still"))
    pdf = write_feedback_sheet(tmp_path / "sheet.pdf", case_name="Family Robin",
                               helping_question="How can I help Noah to wait for his turn?",
                               date=dt.date(2026, 11, 25), stills=stills)
    pages = render_pages(pdf, tmp_path)
    assert len(pages) == 2  # two stills fit under the header, two on the next page
    h, w = pages[0].shape[:2]
    assert 1.35 < h / w < 1.48  # A4 portrait
    for page in pages:
        assert (page < 128).any(), "page is blank"
    found = [[pixels_near(page, c) for c in COLORS] for page in pages]
    assert found[0][0] > 2000 and found[0][1] > 2000 and found[1][2] > 2000
    # the barcode still is drawn whole: its code reads back from the page picture
    grey = np.abs(pages[1].astype(int) - 90).max(axis=2) < 12
    rows = np.flatnonzero(grey.sum(axis=1) > grey.shape[1] // 4)  # the still's grey body
    cols = np.flatnonzero(grey[rows].any(axis=0))
    body = rows[-1] + 1 - rows[0]  # the lower 7/8 of the still
    crop = pages[1][rows[0] - round(body / 7): rows[-1] + 1, cols[0]: cols[-1] + 1]
    assert synth.read_barcode(crop) == 1234
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    for needle in ("Family Robin", "How can I help Noah", "Léa schaut zu dir – schön",
                   "25 November 2026", "Barcode still"):
        assert needle in text


def test_sheet_never_overwrites_by_accident(tmp_path: Path) -> None:
    out = tmp_path / "sheet.pdf"
    out.write_bytes(b"keep")
    with pytest.raises(ExportError, match="already exists"):
        write_feedback_sheet(out, case_name="C", helping_question="Q",
                             date=dt.date(2026, 1, 2), stills=[])
    assert out.read_bytes() == b"keep"
    with pytest.raises(ExportError, match="cannot be read"):
        write_feedback_sheet(tmp_path / "other.pdf", case_name="C", helping_question="Q",
                             date=dt.date(2026, 1, 2), stills=[(tmp_path / "nope.png", "")])
    write_feedback_sheet(out, case_name="C", helping_question="", date=dt.date(2026, 1, 2),
                         stills=[], overwrite=True)
    assert out.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet.pdf"]
