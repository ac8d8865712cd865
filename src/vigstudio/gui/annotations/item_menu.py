"""The right-click menu of moments, clips and stills (timeline and list alike): the actions
that apply to what is selected, each one undoable session edit."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from vigstudio.app.session import CaseSession
from vigstudio.errors import VigError
from vigstudio.gui.annotations.deleting import delete_annotations
from vigstudio.gui.annotations.naming import edit_note, rename
from vigstudio.gui.annotations.ports import PlayerPort
from vigstudio.gui.annotations.selection import AnnotationSelection


def show_menu(menu: QMenu, pos: QPoint) -> None:
    """Pop up a right-click menu at ``pos`` (global) until it closes."""
    menu.exec(pos)


def item_menu(session: CaseSession, parent: QWidget, selection: AnnotationSelection,
              player: PlayerPort) -> QMenu:
    """A menu for the current selection (built fresh at each right-click)."""
    menu = QMenu(parent)
    writable = not session.read_only
    clips, stills, moments = sorted(selection.clips), sorted(selection.stills), \
        sorted(selection.moments)
    one_clip = clips[0] if len(clips) == 1 and not stills and not moments else None
    one_still = stills[0] if len(stills) == 1 and not clips and not moments else None
    if one_clip is not None:
        frames = session.clip(one_clip).range
        play = getattr(player, "play_range", None)
        if play is not None:
            menu.addAction("Play clip (in to out)", lambda: play(frames))
            menu.addAction("Loop clip", lambda: play(frames, loop=True))
        menu.addAction("Go to its first frame", lambda: player.seek(frames.start))
        menu.addSeparator()
        menu.addAction("Rename…\tF2", partial(rename, session, parent, "clip", one_clip)
                       ).setEnabled(writable)
        menu.addAction("Edit note…", partial(edit_note, session, parent, one_clip)
                       ).setEnabled(writable)
    if one_still is not None:
        frame = session.still(one_still).frame
        menu.addAction("Go to the still", lambda: player.seek(frame))
        menu.addAction("Rename…\tF2", partial(rename, session, parent, "still", one_still)
                       ).setEnabled(writable)
        menu.addAction("Marks (arrow, circle, text)…",
                       partial(_edit_marks, session, parent, one_still)).setEnabled(writable)
    if (one_clip is not None or one_still is not None) and session.reels():
        add = menu.addMenu("Add to reel")
        for reel in session.reels():
            if reel.id is None:
                continue
            add.addAction(reel.name, partial(_add_to_reel, session, parent, reel.id,
                                             one_clip, one_still))
        add.setEnabled(writable)
    if moments and len(moments) == 1 and not clips and not stills:
        m = session.moment(moments[0])
        menu.addAction("Go to the moment", lambda: player.seek(m.frame))
    if not menu.isEmpty():
        menu.addSeparator()
    count = len(clips) + len(stills) + len(moments)
    menu.addAction(f"Delete{'' if count == 1 else f' {count} items'}\tDelete",
                   lambda: delete_annotations(session, parent, moments=moments, clips=clips,
                                              stills=stills)).setEnabled(writable)
    return menu


def _edit_marks(session: CaseSession, parent: QWidget, still_id: int) -> None:
    from vigstudio.gui.annotations.marks_editor import edit_marks

    edit_marks(session, parent, still_id)


def _add_to_reel(session: CaseSession, parent: QWidget, reel_id: int, clip_id: int | None,
                 still_id: int | None) -> None:
    try:
        if clip_id is not None:
            clip = session.clip(clip_id)
            session.add_clip_to_reel(reel_id, clip_id, caption=clip.caption)
        elif still_id is not None:
            still = session.still(still_id)
            session.add_still_to_reel(reel_id, still_id, caption=still.caption)
    except VigError as exc:
        QMessageBox.warning(parent, "Could not add to the reel", str(exc))


__all__ = ["item_menu", "show_menu"]
