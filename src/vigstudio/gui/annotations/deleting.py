"""Deleting moments, clips and stills from the GUI: one place, one question.

A clip or still that is in a reel leaves the reel with it (its caption, slow motion and
freeze go too), so before such a delete the practitioner is asked, and told which reels.
The timeline's Delete key, the list's Delete key and the context menus all come here.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QMessageBox, QWidget

from vigstudio.app.session import CaseSession
from vigstudio.domain.reels import ItemKind
from vigstudio.errors import VigError


def reels_using(session: CaseSession, clips: Iterable[int], stills: Iterable[int]
                ) -> dict[str, int]:
    """Reel name → how many of its items show one of ``clips`` or ``stills``."""
    clip_ids, still_ids = set(clips), set(stills)
    found: dict[str, int] = {}
    for reel in session.reels():
        count = sum(1 for item in reel.items
                    if (item.kind is ItemKind.CLIP and item.clip_id in clip_ids)
                    or (item.kind is ItemKind.STILL and item.still_id in still_ids))
        if count:
            found[reel.name] = count
    return found


def reel_warning(session: CaseSession, clips: Iterable[int], stills: Iterable[int]) -> str:
    """The question to ask before deleting, or "" when no reel shows what is deleted."""
    using = reels_using(session, clips, stills)
    if not using:
        return ""
    names = ", ".join(f"“{name}” ({n} item{'s' if n != 1 else ''})"
                      for name, n in using.items())
    several = len(using) > 1
    return (f"What you are deleting is used in the reel{'s' if several else ''} "
            f"{names}. Deleting it removes it from {'those reels' if several else 'that reel'} "
            "too, with its caption, slow motion and freeze.\n\nDelete it anyway? "
            "(Edit ▸ Undo brings everything back.)")


def delete_annotations(session: CaseSession, parent: QWidget, *, moments: Iterable[int] = (),
                       clips: Iterable[int] = (), stills: Iterable[int] = ()) -> bool:
    """Delete after asking when reels would lose items; True if deleted."""
    moments, clips, stills = list(moments), list(clips), list(stills)
    if not (moments or clips or stills):
        return False
    question = reel_warning(session, clips, stills)
    if question:
        answer = QMessageBox.question(parent, "Delete from reels too?", question)
        if answer != QMessageBox.StandardButton.Yes:
            return False
    try:
        session.delete_annotations(moments=moments, clips=clips, stills=stills)
    except VigError as exc:
        QMessageBox.warning(parent, "Could not delete", str(exc))
        return False
    return True
