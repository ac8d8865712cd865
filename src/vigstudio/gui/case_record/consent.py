"""The case record's consent tabs: who consented to which use, and the parent's decision
about each clip (with whether the consent it needs holds today).

The rules (which consent a use needs, whether a consent holds on a day) are domain
functions in :mod:`vigstudio.domain.privacy`; these tabs only show them. Every button makes
exactly one session edit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vigstudio.app.session import CaseSession
from vigstudio.domain.annotations import Sharing
from vigstudio.domain.entities import EntityKind as K
from vigstudio.domain.privacy import (
    holds_on,
    missing_consent,
    needs_consent,
    scope_of_decision,
    standing,
)
from vigstudio.domain.time import format_seconds
from vigstudio.gui.case_record.forms import SCOPE_TEXT, SCOPE_TIP, ConsentForm
from vigstudio.gui.case_record.record_tab import (
    NOT_VALID,
    RecordTab,
    Today,
    new_table,
    select_id,
    selected_id,
    table_cell,
)
from vigstudio.gui.case_record.widgets import hint, show_date
from vigstudio.gui.swatch import swatch

# --- 5. consent -------------------------------------------------------------------------------

class ConsentTab(RecordTab):
    """Who consented to which use, from when and until when; withdrawal keeps the record."""

    kinds = (K.CONSENT, K.PARTICIPANT)

    def __init__(self, session: CaseSession, today: Today, parent: QWidget | None = None):
        super().__init__(session, today, parent)
        self.show_for = QComboBox(self)
        self.show_for.setToolTip("Show the consent records of one participant, or of everyone")
        self.show_for.activated.connect(lambda _i: self.refresh())
        self.table = new_table(("Participant", "Use", "Given", "Expires", "Withdrawn", "Today",
                             "Note"), self)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QHBoxLayout()
        self._button("Record consent…", self.add, "Write down a consent given", buttons)
        self._button("Edit…", self.edit_selected, "Correct this consent record", buttons)
        self._button("Withdraw", self.withdraw_selected,
                     "The consent was withdrawn today: the record is kept with today's date",
                     buttons)
        self._button("Remove", self.remove_selected,
                     "Remove a record made by mistake (to end a consent, use Withdraw)",
                     buttons)
        buttons.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(QLabel("Show", self))
        top.addWidget(self.show_for)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint("Record each participant's consent per use. Rows shaded pink do "
                              "not hold today (withdrawn, expired or not yet given).", self))
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        self.refresh()
        self.apply_read_only()

    def refresh(self) -> None:
        keep = selected_id(self.table)
        s, today = self.session, self.today()
        shown = self.show_for.currentData()
        self.show_for.clear()
        self.show_for.addItem("Everyone", None)
        for p in s.participants():
            self.show_for.addItem(swatch(p.colour), p.pseudonym, p.id)
        self.show_for.setCurrentIndex(max(self.show_for.findData(shown), 0))
        shown = self.show_for.currentData()
        order = {p.id: i for i, p in enumerate(s.participants())}
        consents = sorted(s.consents(), key=lambda c: (order.get(c.participant_id, 0),
                                                       c.given_on, c.id or 0))
        self.table.setRowCount(0)
        for c in consents:
            if shown is not None and c.participant_id != shown:
                continue
            row = self.table.rowCount()
            self.table.insertRow(row)
            status = standing(c, today).value
            cells = [table_cell(s.participant(c.participant_id).pseudonym, c.id),
                     table_cell(SCOPE_TEXT[c.scope], tip=SCOPE_TIP[c.scope]),
                     table_cell(show_date(c.given_on)),
                     table_cell(show_date(c.expires_on, "—")),
                     table_cell(show_date(c.withdrawn_on, "—")), table_cell(status),
                     table_cell(c.note)]
            for col, cell in enumerate(cells):
                if status != "valid":
                    cell.setBackground(NOT_VALID)
                    cell.setToolTip(f"Does not hold today: {status}")
                self.table.setItem(row, col, cell)
        select_id(self.table, keep)
        lines = []
        for p in s.participants():
            if not needs_consent(p):
                continue
            valid = [SCOPE_TEXT[c.scope] for c in s.consents(p.id) if holds_on(c, today)]
            lines.append(f"{p.pseudonym}: {', '.join(dict.fromkeys(valid)) or 'none'}")
        self.summary.setText(("Valid today — " + " · ".join(lines)) if lines else "")

    def add(self) -> None:
        shown = self.show_for.currentData()
        who = shown if isinstance(shown, int) else None

        def edit(form: ConsentForm) -> object:
            pid, scope, given, expires, _withdrawn, note = form.values()
            return self.session.add_consent(pid, scope, given, expires_on=expires, note=note)

        self._ask(ConsentForm(self.session, participant_id=who, parent=self), edit)

    def edit_selected(self) -> None:
        cid = selected_id(self.table)
        if cid is None or self.session.read_only:
            return
        c = self.session.consent(cid)

        def edit(form: ConsentForm) -> object:
            pid, scope, given, expires, withdrawn, note = form.values()
            return self.session.update_consent(replace(
                c, participant_id=pid, scope=scope, given_on=given, expires_on=expires,
                withdrawn_on=withdrawn, note=note))

        self._ask(ConsentForm(self.session, c, parent=self), edit)

    def withdraw_selected(self) -> None:
        cid = selected_id(self.table)
        if cid is None:
            return
        c = self.session.consent(cid)
        if c.withdrawn_on is not None:
            QMessageBox.information(self, "Already withdrawn",
                                    f"This consent was withdrawn on {show_date(c.withdrawn_on)}.")
            return
        self._try(lambda: self.session.withdraw_consent(cid, self.today()))

    def remove_selected(self) -> None:
        cid = selected_id(self.table)
        if cid is None:
            return
        answer = QMessageBox.question(
            self, "Remove consent record",
            "Remove this consent record completely?\n\nIf the consent was withdrawn, use "
            "Withdraw instead: it keeps the record, with the date.")
        if answer == QMessageBox.StandardButton.Yes:
            self._try(lambda: self.session.delete_consent(cid))


# --- 6. clip sharing --------------------------------------------------------------------------

SHARING_TEXT: dict[Sharing, str] = {
    Sharing.UNDECIDED: "not decided yet",
    Sharing.PRIVATE: "private",
    Sharing.SUPERVISION: "supervision",
    Sharing.SHARED: "shared further",
}  # short words for the combo box; the rules are in vigstudio.domain.privacy

SHARING_TIP: dict[Sharing, str] = {
    Sharing.UNDECIDED: "The parent has not decided about this clip yet",
    Sharing.PRIVATE: "Kept private: the family only",
    Sharing.SUPERVISION: "May be watched by the practitioner's supervisor",
    Sharing.SHARED: "May be shared further (e.g. training), beyond supervision",
}

class SharingTab(RecordTab):
    """The parent's decision, clip by clip, about who may see it."""

    kinds = (K.CLIP, K.RECORDING, K.CONSENT, K.PARTICIPANT, K.MOMENT)

    def __init__(self, session: CaseSession, today: Today, parent: QWidget | None = None):
        super().__init__(session, today, parent)
        self.table = new_table(("Recording", "Clip", "Frames", "Starts at", "Parent's decision",
                             "Consent today", "Who appears"), self)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.summary = QLabel(self)
        self.combos: dict[int, QComboBox] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(hint("The parent has control of the clips: for each one they decide "
                              "whether it stays private (the family only), may be watched by "
                              "your supervisor, or may be shared further. Their decision is "
                              "part of the record.", self))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        self.refresh()

    def refresh(self) -> None:
        clips = self.session.clips()
        if [c.id for c in clips] == list(self.combos):
            self._update_rows()  # in place: a combo may be in the middle of its own signal
        else:
            self._rebuild()

    def _update_rows(self) -> None:
        s, today = self.session, self.today()
        for row, (clip_id, combo) in enumerate(self.combos.items()):
            clip = s.clip(clip_id)
            blocked = combo.blockSignals(True)
            combo.setCurrentIndex(list(SHARING_TEXT).index(clip.sharing))
            combo.blockSignals(blocked)
            self.table.setItem(row, 1, table_cell(clip.title or "(untitled clip)",
                                                  tip=clip.caption))
            self.table.setItem(row, 5, self._consent_cell(clip_id, today))
            self.table.setItem(row, 6, self._appears_cell(clip_id))
        self._summarise()

    def _summarise(self) -> None:
        counts: dict[Sharing, int] = dict.fromkeys(Sharing, 0)
        for clip in self.session.clips():
            counts[clip.sharing] += 1
        total = sum(counts.values())
        if total:
            parts = [f"{n} {SHARING_TEXT[k]}" for k, n in counts.items() if n]
            self.summary.setText(f"{total} clips: " + ", ".join(parts))
        else:
            self.summary.setText("No clips yet: select clips on a recording's timeline first.")

    def _rebuild(self) -> None:
        s, today = self.session, self.today()
        self.table.setRowCount(0)
        self.combos = {}
        for clip in s.clips():
            assert clip.id is not None
            rec = s.recording(clip.recording_id)
            row = self.table.rowCount()
            self.table.insertRow(row)
            rng = clip.range
            self.table.setItem(row, 0, table_cell(rec.display_title, clip.id))
            self.table.setItem(row, 1, table_cell(clip.title or "(untitled clip)",
                                                  tip=clip.caption))
            self.table.setItem(row, 2, table_cell(
                f"{rng.start}–{rng.last}  ({rng.duration} frames)",
                tip=f"first frame {rng.start}, last frame {rng.last}"))
            starts = format_seconds(rec.info.clock.time_of(rng.start))
            self.table.setItem(row, 3, table_cell(starts))
            combo = QComboBox(self.table)
            for i, (sharing, text) in enumerate(SHARING_TEXT.items()):
                combo.addItem(text, sharing.value)
                combo.setItemData(i, SHARING_TIP[sharing], Qt.ItemDataRole.ToolTipRole)
            combo.setCurrentIndex(list(SHARING_TEXT).index(clip.sharing))
            combo.setToolTip("What the parent decided about who may see this clip")
            combo.setEnabled(not s.read_only)
            clip_id = clip.id
            combo.activated.connect(lambda _i, cid=clip_id, box=combo: self._decide(cid, box))
            self.table.setCellWidget(row, 4, combo)
            self.combos[clip.id] = combo
            self.table.setItem(row, 5, self._consent_cell(clip.id, today))
            self.table.setItem(row, 6, self._appears_cell(clip.id))
        self._summarise()

    def _appears_cell(self, clip_id: int) -> QTableWidgetItem:
        s = self.session
        known = {p.id: p.pseudonym for p in s.participants()}
        who = ", ".join(known.get(i, "?") for i in s.appears_in_clip(clip_id)) or "nobody"
        if s.clip(clip_id).appears is None:
            return table_cell(f"{who} (proposed)", tip="Proposed from the moments tagged in the "
                                                  "clip; confirm it in the Who appears tab")
        return table_cell(who, tip="Confirmed by you")

    def _consent_cell(self, clip_id: int, today: dt.date) -> QTableWidgetItem:
        s = self.session
        scope = scope_of_decision(s.clip(clip_id).sharing)
        if scope is None:
            return table_cell("")
        appears = set(s.appears_in_clip(clip_id))
        if not appears:
            cell = table_cell("nobody recorded as appearing",
                         tip="Confirm who appears in the Who appears tab")
            cell.setBackground(NOT_VALID)
            return cell
        people = [p for p in s.participants() if p.id in appears]
        missing = [p.pseudonym for p in missing_consent(people, scope, s.consents(), today)]
        if not missing:
            return table_cell("in place", tip=f"Everyone in the clip has valid {SCOPE_TEXT[scope]} "
                                         "consent today")
        cell = table_cell(f"missing: {', '.join(missing)}",
                     tip=f"No valid consent to {SCOPE_TEXT[scope]} today from "
                         f"{', '.join(missing)}")
        cell.setBackground(NOT_VALID)
        return cell

    def _decide(self, clip_id: int, combo: QComboBox) -> None:
        sharing = Sharing(combo.currentData())
        if sharing is not self.session.clip(clip_id).sharing:
            self._try(lambda: self.session.set_clip_sharing(clip_id, sharing))
