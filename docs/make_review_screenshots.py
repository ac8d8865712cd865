#!/usr/bin/env python3
"""Make the shared-review screenshots in docs/images from the real app on the demo case.

Run under a real X display, e.g.::

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python docs/make_review_screenshots.py

It writes presenter.png (a still in presenter mode), presenter_notes.png (the notes pane on
one screen) and case_overview.png (a second cycle is added to a copy of the demo first, so
the cycles can be seen side by side).
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest

from vigstudio.app.player import PlayerController
from vigstudio.app.session import CaseSession
from vigstudio.demo import create_demo
from vigstudio.domain.annotations import Valence
from vigstudio.gui.app import make_application
from vigstudio.gui.presenter.launch import start_presenter
from vigstudio.gui.presenter.overview import CaseOverviewDialog
from vigstudio.media.demo_media import make_demo_recording

OUT = Path(__file__).resolve().parent / "images"
TODAY = dt.date(2026, 2, 23)


def add_second_cycle(session: CaseSession, folder: Path) -> None:
    """A second filming, its strengths, a reel with a still and its review."""
    film = make_demo_recording(folder / "second-film.mp4", seconds=8)
    cycle = session.add_cycle(2, filmed_on=dt.date(2026, 2, 16), notes="Lunch")
    rec = session.import_recording(film, title="Lunch", cycle_id=cycle.id)
    assert rec.id is not None and cycle.id is not None
    alex = session.participant_by_name("Alex").id
    sam = session.participant_by_name("Sam").id
    for frame, code, who in ((10, "attentive", alex), (30, "encouraging", alex),
                             (42, "encouraging", alex), (60, "receiving", alex),
                             (64, "receiving", sam), (90, "attuned", alex),
                             (120, "attuned", sam), (150, "guiding", alex)):
        session.add_moment(rec.id, frame, code, participant_id=who, valence=Valence.STRENGTH)
    still = session.add_still(rec.id, 64, caption="Waiting for Sam")
    reel = session.new_reel("Cycle 2 feedback", cycle_id=cycle.id)
    assert reel.id is not None
    item = session.add_still_to_reel(reel.id, still.id or 0)
    review = session.start_review(reel.id, dt.date(2026, 2, 23))
    session.add_item_reflection(review.id or 0, item.id or 0, "I can wait. He does it himself.")
    session.set_next_goal(review.id or 0, "Let Sam choose the game at bath time.")


def main() -> int:
    app = make_application(sys.argv[:1])
    folder = Path(tempfile.mkdtemp(prefix="vigstudio-review-shots-"))
    project = create_demo(folder)
    session = CaseSession.open(project)
    add_second_cycle(session, folder)
    player = PlayerController()
    window = start_presenter(session, "Cycle 1 feedback", player, today=lambda: TODAY)

    def still_shot() -> None:
        window.presentation.show(2)  # the still, with its caption in large type
        QTimer.singleShot(1500, lambda: (window.grab().save(str(OUT / "presenter.png")),
                                         notes_shot()))

    def notes_shot() -> None:
        window.presentation.show(1, play=False)
        window.presentation.step(10**6)  # the clip's last frame
        window.toggle_notes()
        QTest.keyClicks(window.notes.words, "He waited for me there. And I waited for him.")
        window.notes.keep_words()
        QTest.keyClicks(window.notes.words, "I didn't know I smile at him that much")
        QTimer.singleShot(1500, lambda: (window.grab().save(str(OUT / "presenter_notes.png")),
                                         overview_shot()))

    def overview_shot() -> None:
        window.close()
        dialog = CaseOverviewDialog(session, today=lambda: TODAY)
        dialog.resize(1340, 740)
        dialog.show()
        QTimer.singleShot(1200, lambda: (dialog.grab().save(str(OUT / "case_overview.png")),
                                         app.quit()))

    QTimer.singleShot(2000, still_shot)
    app.exec()
    player.close()
    session.close()
    print(f"wrote presenter.png, presenter_notes.png and case_overview.png into {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
