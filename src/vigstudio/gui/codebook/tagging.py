"""One-key tagging: principle shortcuts tag the displayed frame; I/O mark a clip; S grabs a still.

The controller owns the tagging state (current participant, strength or working point, the
pending in-mark) and installs window-wide shortcuts, so tagging works whichever panel has focus.
Every tag is one undoable session edit at ``player.position`` (the frame on screen).
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from vigstudio.app import timeline_geometry as tg
from vigstudio.app.changes import Change
from vigstudio.app.session import CaseSession
from vigstudio.domain.annotations import Clip, Moment, Still, Valence
from vigstudio.domain.entities import EntityKind
from vigstudio.errors import VigError
from vigstudio.gui.annotations.ports import PlayerPort
from vigstudio.gui.annotations.selection import AnnotationSelection
from vigstudio.gui.listening import until_teardown


class TaggingController(QObject):
    """Tagging at the displayed frame for the current participant.

    Signals: ``tagged(Moment)``, ``clipMade(Clip)``, ``stillMade(Still)``,
    ``participantChanged(object)`` (an id or None), ``valenceChanged(str)``,
    ``markInChanged(object)`` (a frame or None), ``message(str)`` (a refused edit),
    ``shortcutsChanged()`` (after the codebook changed and shortcuts were re-made).
    """

    tagged = Signal(object)
    clipMade = Signal(object)
    stillMade = Signal(object)
    participantChanged = Signal(object)
    valenceChanged = Signal(str)
    markInChanged = Signal(object)
    message = Signal(str)
    shortcutsChanged = Signal()

    def __init__(self, session: CaseSession, player: PlayerPort, recording_id: int,
                 selection: AnnotationSelection | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.player = player
        self.recording_id = recording_id
        self.selection = selection
        people = session.participants()
        self.participant_id: int | None = people[0].id if people else None
        from vigstudio.gui.preferences import current

        role = current().default_role
        preferred = [p.id for p in people if role is not None and p.role is role]
        if preferred:
            self.participant_id = preferred[0]
        self.valence = Valence.STRENGTH
        self.mark_in: int | None = None
        self._host: QWidget | None = None
        self._shortcuts: list[QShortcut] = []
        unsubscribe = session.subscribe(self._on_change)
        shortcuts = self._shortcuts  # the shortcuts live on the host: remove them with us

        def forget(*_: object) -> None:
            unsubscribe()
            _drop(shortcuts)

        until_teardown(self, forget)

    # --- state --------------------------------------------------------------------------

    def set_participant(self, participant_id: int | None) -> None:
        if participant_id != self.participant_id:
            self.participant_id = participant_id
            self.participantChanged.emit(participant_id)

    def set_valence(self, valence: Valence) -> None:
        valence = Valence(valence)
        if valence is not self.valence:
            self.valence = valence
            self.valenceChanged.emit(valence.value)

    def toggle_working_point(self) -> None:
        self.set_valence(Valence.STRENGTH if self.valence is Valence.WORKING_POINT
                         else Valence.WORKING_POINT)

    # --- edits --------------------------------------------------------------------------

    def tag(self, principle: int | str, behaviour_id: int | None = None) -> Moment | None:
        """Tag the displayed frame with ``principle`` (id or code); None if refused."""
        try:
            moment = self.session.add_moment(
                self.recording_id, self.player.position, principle,
                participant_id=self.participant_id, behaviour_id=behaviour_id,
                valence=self.valence)
        except VigError as exc:
            self.message.emit(str(exc))
            return None
        if self.selection is not None and moment.id is not None:
            self.selection.set(moments=[moment.id])
        if self.valence is Valence.WORKING_POINT:
            # one-shot, as labelled: strengths stay the default (VIG is strength-based)
            self.set_valence(Valence.STRENGTH)
        self.tagged.emit(moment)
        return moment

    def tag_shortcut(self, key: str) -> Moment | None:
        principle = self.session.principle_by_shortcut(key)
        if principle is None or principle.id is None:
            return None
        return self.tag(principle.id)

    def set_mark_in(self) -> int:
        self.mark_in = self.player.position
        self.markInChanged.emit(self.mark_in)
        return self.mark_in

    def set_mark_out(self) -> Clip | None:
        """Make the clip from the in-mark to the displayed frame, both frames included."""
        if self.mark_in is None:
            self.message.emit("Mark the clip's first frame with I before its last with O.")
            return None
        frames = tg.range_from_marks(self.mark_in, self.player.position)
        try:
            clip = self.session.add_clip(self.recording_id, frames.start, frames.end)
        except VigError as exc:
            self.message.emit(str(exc))
            return None
        self.mark_in = None
        self.markInChanged.emit(None)
        if self.selection is not None and clip.id is not None:
            self.selection.set(clips=[clip.id])
        self.clipMade.emit(clip)
        return clip

    def grab_still(self) -> Still | None:
        try:
            still = self.session.add_still(self.recording_id, self.player.position)
        except VigError as exc:
            self.message.emit(str(exc))
            return None
        if self.selection is not None and still.id is not None:
            self.selection.set(stills=[still.id])
        self.stillMade.emit(still)
        return still

    # --- shortcuts ----------------------------------------------------------------------

    def install_shortcuts(self, host: QWidget) -> None:
        """Make window-wide shortcuts on ``host``: principle keys, I, O, S, W (working point),
        Ctrl+1…9 (participant). Re-made when the codebook's shortcuts change."""
        self._host = host
        self._make_shortcuts()

    def _make_shortcuts(self) -> None:
        _drop(self._shortcuts)
        host = self._host
        if host is None:
            return
        bindings: list[tuple[str, object]] = []
        for principle in self.session.principles():
            if principle.shortcut and principle.id is not None:
                pid = principle.id
                bindings.append((principle.shortcut, lambda pid=pid: self.tag(pid)))
        from vigstudio.gui import actions  # I, O, S, W: from the one table of actions

        bindings += [(key, getattr(self, row.handler)) for row in actions.rows("tagging")
                     for key in row.keys]
        for i, person in enumerate(self.session.participants()[:9]):
            bindings.append((f"Ctrl+{i + 1}",
                             lambda pid=person.id: self.set_participant(pid)))
        for key, slot in bindings:
            shortcut = QShortcut(QKeySequence(key), host)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
            self._shortcuts.append(shortcut)
        self.shortcutsChanged.emit()

    def shortcut_keys(self) -> list[str]:
        return [s.key().toString() for s in self._shortcuts]

    def _on_change(self, change: Change) -> None:
        if change.touches(EntityKind.PRINCIPLE, EntityKind.PARTICIPANT):
            known = {p.id for p in self.session.participants()}
            if self.participant_id not in known:
                self.set_participant(next(iter(sorted(i for i in known if i is not None)),
                                          None))
            self._make_shortcuts()


def _drop(shortcuts: list[QShortcut]) -> None:
    """Disable and delete shortcuts (emptying the list in place)."""
    for shortcut in shortcuts:
        if shiboken6.isValid(shortcut):
            shortcut.setEnabled(False)
            shortcut.deleteLater()
    shortcuts.clear()
