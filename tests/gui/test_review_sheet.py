"""The review summary PDF (``vigstudio export-review``), rendered to PNG and checked for its
parts: the date, the helping question, each item's still (read back by its barcode), the
parent's words against it, the next goal; and nothing else of the case."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pytestqt.qtbot import QtBot

from vigstudio.app.session import CaseSession
from vigstudio.cli import main
from vigstudio.domain.annotations import Valence
from vigstudio.gui.presenter.review_sheet import write_review_summary
from vigstudio.testing.cases import consent_everywhere
from vigstudio.testing.synth import make_barcode_video, read_barcode

DPI = 100


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    film = make_barcode_video(tmp_path / "film.mp4", width=320, height=180, frames=60,
                              gop=25, audio=False)
    path = tmp_path / "case.vigproj"
    with CaseSession.create(path, "Family Hidden") as s:
        q = s.add_helping_question("How can I help Noah wait for his turn?")
        rec = s.import_recording(film)
        assert rec.id is not None and q.id is not None
        s.add_moment(rec.id, 12, "receiving", note="SECRET-WORKING-NOTE",
                     valence=Valence.WORKING_POINT)
        clip = s.add_clip(rec.id, 10, 20, title="First turn")
        still = s.add_still(rec.id, 45, caption="Smile")
        cycle = s.add_cycle(1)
        reel = s.new_reel("Cycle 1", cycle_id=cycle.id)
        assert reel.id is not None
        s.add_title_card(reel.id, "Fun together")
        a = s.add_clip_to_reel(reel.id, clip.id or 0)
        b = s.add_still_to_reel(reel.id, still.id or 0)
        review = s.start_review(reel.id, dt.date(2026, 2, 9))
        assert review.id is not None and review.helping_question_id == q.id
        s.add_item_reflection(review.id, a.id or 0, "Ik wacht, en hij speelt door",
                              noted_at=dt.datetime(2026, 2, 9, 10, 4))
        s.add_item_reflection(review.id, b.id or 0, "Hij is zo trots",
                              noted_at=dt.datetime(2026, 2, 9, 10, 11))
        s.set_next_goal(review.id, "Wachten aan tafel, ook bij het eten")
        consent_everywhere(s, "Noah")
    yield path


def picture_blocks(page: np.ndarray) -> list[np.ndarray]:
    """The pictures in the page's left column, top to bottom."""
    mm = DPI / 25.4
    x0, x1 = round(19 * mm), round((18 + 70) * mm)
    column = page[:, x0:x1]
    inked = (np.abs(column.astype(int) - 255).max(axis=2) > 6).mean(axis=1) > 0.5
    blocks, start = [], None
    for y, on in enumerate([*inked, False]):
        if on and start is None:
            start = y
        elif not on and start is not None:
            gap = page[(start + y) // 2, round(18 * mm + 73 * mm):round(18 * mm + 75 * mm)]
            full_width = bool((np.abs(gap.astype(int) - 255).max(axis=1) > 6).all())
            if y - start > 10 * mm and not full_width:  # not the question or goal box
                blocks.append(page[start:y, round(18 * mm):round((18 + 72) * mm)])
            start = None
    return blocks


def test_review_summary_has_its_parts_and_nothing_else(project: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    out = tmp_path / "review.pdf"
    assert main(["export-review", str(project), "--cycle", "1", "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(out), str(tmp_path / "page")],
                   check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 1
    with Image.open(pages[0]) as image:
        page = np.asarray(image.convert("RGB"))
    h, w = page.shape[:2]
    assert 1.38 < h / w < 1.44  # A4 portrait
    blocks = picture_blocks(page)
    assert len(blocks) == 3  # the title card, the clip, the still
    assert read_barcode(blocks[1]) == 14  # the clip's middle frame
    assert read_barcode(blocks[2]) == 45  # the still's frame
    assert blocks[0].mean() > 200  # the light title card
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], check=True,
                          capture_output=True, text=True).stdout
    for needle in ("Our shared review", "9 February 2026",
                   "How can I help Noah wait for his turn?", "Fun together", "First turn",
                   "Smile", "10:04", "Ik wacht, en hij speelt door", "10:11",
                   "Hij is zo trots", "NEXT GOAL", "Wachten aan tafel, ook bij het eten"):
        assert needle in text, needle
    assert text.index("Ik wacht") < text.index("Hij is zo trots") < text.index("Wachten")
    for secret in ("Family Hidden", "film.mp4", "SECRET-WORKING-NOTE", "Receiving",
                   "Cycle 1"):
        assert secret not in text, secret


def test_review_summary_never_overwrites_by_accident(project: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    out = tmp_path / "review.pdf"
    out.write_bytes(b"keep")
    assert main(["export-review", str(project), "--cycle", "1", "-o", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert out.read_bytes() == b"keep"
    assert main(["export-review", str(project), "--cycle", "1", "-o", str(out),
                 "--overwrite"]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    assert main(["export-review", str(project), "--cycle", "4", "-o",
                 str(tmp_path / "x.pdf")]) == 2
    assert "no cycle 4" in capsys.readouterr().err


def test_review_summary_is_an_exit_refused_without_consent_then_overridden(
        tmp_path: Path) -> None:
    from vigstudio.errors import ConsentCheckError

    film = make_barcode_video(tmp_path / "film.mp4", width=320, height=180, frames=30,
                              gop=25, audio=False)
    with CaseSession.create(tmp_path / "c.vigproj", "Family N") as s:
        rec = s.import_recording(film)
        clip = s.add_clip(rec.id or 0, 5, 15, title="Waiting")
        reel = s.new_reel("Cycle 1", cycle_id=s.add_cycle(1).id)
        s.add_clip_to_reel(reel.id or 0, clip.id or 0)
        review = s.start_review(reel.id or 0, dt.date(2026, 2, 9))
        out = tmp_path / "review.pdf"
        with pytest.raises(ConsentCheckError, match="Waiting"):
            write_review_summary(s, review.id or 0, out)
        assert not out.exists() and s.export_log() == []
        write_review_summary(s, review.id or 0, out, override="the parent asked for it")
        [logged] = s.export_log()
        assert logged.what == "review summary" and logged.override == "the parent asked for it"


def test_the_window_makes_the_review_summary_in_a_job(
        project: Path, tmp_path: Path, qtbot: QtBot,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from PySide6.QtWidgets import QWidget

    from vigstudio.app import review as review_module
    from vigstudio.gui.presenter.review_sheet import start_review_summary

    decoded_on: list[threading.Thread] = []
    real = review_module._item_picture
    monkeypatch.setattr(review_module, "_item_picture", lambda item: (
        decoded_on.append(threading.current_thread()), real(item))[1])
    owner = QWidget()
    qtbot.addWidget(owner)
    out = tmp_path / "review.pdf"
    ended: list[tuple[Path | None, str]] = []
    with CaseSession.open(project) as s:
        [review] = s.shared_reviews()
        start_review_summary(owner, s, review.id or 0, out,
                             done=lambda path, message: ended.append((path, message)))
        assert not out.exists()  # returned at once: the pictures are decoded by a job
        qtbot.waitUntil(lambda: bool(ended), timeout=60_000)
        assert ended == [(out, "")] and out.read_bytes().startswith(b"%PDF")
        assert decoded_on and threading.main_thread() not in decoded_on
        assert [e.what for e in s.export_log()] == ["review summary"]
