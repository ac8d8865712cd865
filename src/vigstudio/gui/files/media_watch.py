"""Noticing recordings whose files appear or vanish while a case is open (a drive plugged
back in, a file moved back where it was): a cheap ``stat`` of each file every two seconds and
when the window is activated."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from vigstudio.app.session import CaseSession, RecordingStatus

MEDIA_CHECK_MS = 2000


class MediaWatcher(QObject):
    """Signals: ``changed()`` when any recording's status changed, ``cameBack(id)`` for each
    recording that was offline and is there again."""

    changed = Signal()
    cameBack = Signal(int)

    def __init__(self, session: CaseSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._statuses: dict[int, RecordingStatus] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(MEDIA_CHECK_MS)
        self._timer.timeout.connect(self.check)
        self.check()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def check(self) -> None:
        s = self.session
        statuses = {r.id: s.recording_status(r.id) for r in s.recordings() if r.id is not None}
        if statuses == self._statuses:
            return
        back = [rid for rid, status in statuses.items()
                if status is not RecordingStatus.OFFLINE
                and self._statuses.get(rid) is RecordingStatus.OFFLINE]
        self._statuses = statuses
        self.changed.emit()
        for rid in back:
            self.cameBack.emit(rid)
