"""The case record's privacy tabs: who appears in each clip and still, and the export log.

Who appears is proposed from the moments tagged inside a clip (or within a second of a
still) and confirmed or changed by the practitioner: one session edit per button. The export
log is read-only: every export, when, what, for which purpose, on whose consent, any
override and its reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vigstudio.app.session import CaseSession
from vigstudio.domain.entities import EntityKind as K
from vigstudio.domain.privacy import PURPOSE_TEXT
from vigstudio.gui.case_record.record_tab import (
    RecordTab,
    Today,
    new_table,
    select_id,
    selected_id,
    table_cell,
)
from vigstudio.gui.case_record.widgets import hint
from vigstudio.gui.swatch import swatch

__all__ = ["AppearsForm", "AppearsTab", "ExportLogTab", "names"]

_KIND = Qt.ItemDataRole.UserRole + 1


def names(session: CaseSession, ids: Sequence[int]) -> str:
    """Participants by pseudonym, e.g. 'Sam, Alex' (or 'nobody')."""
    known = {p.id: p.pseudonym for p in session.participants()}
    return ", ".join(known.get(i, f"#{i}") for i in ids) or "nobody"


class AppearsForm(QDialog):
    """Tick everyone who appears in a clip or still."""

    def __init__(self, session: CaseSession, what: str, ticked: Sequence[int],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Who appears")
        self.list = QListWidget(self)
        for p in session.participants():
            item = QListWidgetItem(swatch(p.colour), p.pseudonym)
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if p.id in ticked
                               else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Everyone who can be seen or heard in {what}:", self))
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)

    def values(self) -> list[int]:
        chosen = []
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.checkState() is Qt.CheckState.Checked:
                chosen.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return chosen


class AppearsTab(RecordTab):
    """Every clip and still with who appears in it: proposed from the tags, or confirmed."""

    kinds = (K.CLIP, K.STILL, K.MOMENT, K.PARTICIPANT, K.RECORDING)

    def __init__(self, session: CaseSession, today: Today, parent: QWidget | None = None):
        super().__init__(session, today, parent)
        self.table = new_table(("Recording", "Item", "Frames", "Who appears", "Confirmed"), self)
        self.table.doubleClicked.connect(lambda _i: self.change_selected())
        buttons = QHBoxLayout()
        self._button("Confirm as proposed", self.confirm_selected,
                     "The participants proposed from the tags are the ones in it", buttons)
        self._button("Change…", self.change_selected, "Tick who appears in it", buttons)
        self._button("Back to proposal", self.unconfirm_selected,
                     "Forget the confirmation: propose from the tags again", buttons)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint("Exports check the consent of everyone who appears in each clip "
                              "and still. VIG Studio proposes them from the moments tagged in "
                              "the clip (or within a second of a still); confirm or change "
                              "that here.", self))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.refresh()
        self.apply_read_only()

    def _selected(self) -> tuple[str, int] | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        if item is None:
            return None
        return str(item.data(_KIND)), int(item.data(Qt.ItemDataRole.UserRole))

    def refresh(self) -> None:
        keep = selected_id(self.table)
        s = self.session
        self.table.setRowCount(0)
        rows: list[tuple[str, int, int, str, str, tuple[int, ...], bool]] = []
        for c in s.clips():
            rows.append(("clip", c.id or 0, c.recording_id,
                         f"Clip: {c.title or '(untitled)'}",
                         f"{c.range.start}–{c.range.last}", s.appears_in_clip(c.id or 0),
                         c.appears is not None))
        for st in s.stills():
            rows.append(("still", st.id or 0, st.recording_id,
                         f"Still: {st.caption or '(no caption)'}", str(st.frame),
                         s.appears_in_still(st.id or 0), st.appears is not None))
        for kind, eid, rec_id, label, frames, appears, confirmed in rows:
            row = self.table.rowCount()
            self.table.insertRow(row)
            first = table_cell(s.recording(rec_id).display_title, eid)
            first.setData(_KIND, kind)
            self.table.setItem(row, 0, first)
            self.table.setItem(row, 1, table_cell(label))
            self.table.setItem(row, 2, table_cell(frames))
            self.table.setItem(row, 3, table_cell(names(s, appears)))
            self.table.setItem(row, 4, table_cell("yes" if confirmed else "proposed from tags"))
        select_id(self.table, keep)

    def _set(self, ids: Sequence[int] | None) -> None:
        chosen = self._selected()
        if chosen is None:
            return
        kind, eid = chosen
        if kind == "clip":
            self._try(lambda: self.session.set_clip_appears(eid, ids))
        else:
            self._try(lambda: self.session.set_still_appears(eid, ids))

    def _current(self) -> tuple[int, ...]:
        chosen = self._selected()
        if chosen is None:
            return ()
        kind, eid = chosen
        return (self.session.appears_in_clip(eid) if kind == "clip"
                else self.session.appears_in_still(eid))

    def confirm_selected(self) -> None:
        self._set(self._current())

    def unconfirm_selected(self) -> None:
        self._set(None)

    def change_selected(self) -> None:
        chosen = self._selected()
        if chosen is None or self.session.read_only:
            return
        form = AppearsForm(self.session, f"this {chosen[0]}", self._current(), self)
        self._ask(form, lambda f: self._set(f.values()))


class ExportLogTab(RecordTab):
    """Every export of the case (never the pictures themselves)."""

    kinds = (K.EXPORT,)

    def __init__(self, session: CaseSession, today: Today, parent: QWidget | None = None):
        super().__init__(session, today, parent)
        self.table = new_table(("When", "What", "Purpose", "Override", "From", "Items", "To",
                             "Consents"), self)
        layout = QVBoxLayout(self)
        layout.addWidget(hint("Every time pictures of this family left VIG Studio: what, when, "
                              "for which purpose, on whose consent, and the written reason "
                              "when a check was overridden. The log keeps no pictures.", self))
        layout.addWidget(self.table, 1)
        self.refresh()

    def refresh(self) -> None:
        self.table.setRowCount(0)
        for r in reversed(self.session.export_log()):
            row = self.table.rowCount()
            self.table.insertRow(row)
            override = (table_cell(r.override, tip="Let through: " + "; ".join(r.problems))
                        if r.override else table_cell("—"))
            cells = [table_cell(f"{r.at:%Y-%m-%d %H:%M}", r.id), table_cell(r.what),
                     table_cell(PURPOSE_TEXT[r.purpose]), override, table_cell(r.source),
                     table_cell("\n".join(r.items)),
                     table_cell("\n".join(PurePath(f).name for f in r.files),
                           tip="\n".join(r.files)),
                     table_cell("\n".join(c.split(", given")[0] for c in r.consents) or "—",
                           tip="\n".join(r.consents))]
            for col, cell in enumerate(cells):
                self.table.setItem(row, col, cell)
        self.table.resizeRowsToContents()
