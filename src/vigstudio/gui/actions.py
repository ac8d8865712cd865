"""Every command with a menu entry or a key, as data: one table feeds the menus, the
shortcuts and the keyboard help (F1), so the three cannot disagree.

To add a command, add one row to :data:`ACTIONS`:

* ``scope="window"`` rows become a ``QAction`` in the menu named by ``menu`` (in table
  order), with the row's keys, calling ``MainWindow.<handler>(*args)``. ``needs`` greys it
  out without an open case (``"open"``) or in a read-only one (``"writable"``).
* Other scopes are keys a panel handles while it has focus (``player``, ``timeline``,
  ``reel list``, ``list``) or window-wide tagging keys (``tagging``); the panel looks up its
  rows here by ``id`` and calls its own ``handler``.

The codebook's principle keys and Ctrl+1…9 (participants) come from the case's data and are
added to the help by the tagging controller.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

__all__ = ["ACTIONS", "MENUS", "Action", "KeyboardHelp", "by_id", "help_html", "key_of_event",
           "rows", "shortcut_map"]

#: The menu bar's menus, in order.
MENUS = ("File", "Edit", "Case", "Reels", "Playback", "View", "Help")


@dataclass(frozen=True, slots=True)
class Action:
    id: str
    label: str  # the menu text (with & for the mnemonic) or the help text of a key
    keys: tuple[str, ...] = ()  # portable key text ("Ctrl+Shift+A"); Ctrl is ⌘ on macOS
    handler: str = ""  # the method of the main window (window scope) or of the panel
    menu: str = ""  # one of MENUS for window actions shown in a menu
    scope: str = "window"
    args: tuple[str, ...] = ()
    needs: str = ""  # "", "open" or "writable"
    separator_before: bool = False

    @property
    def text(self) -> str:
        """The label without mnemonics and ellipsis, for the help."""
        return self.label.replace("&", "").rstrip("…")


def _w(id: str, menu: str, label: str, handler: str, *keys: str, args: tuple[str, ...] = (),
       needs: str = "", sep: bool = False) -> Action:
    return Action(id, label, keys, handler, menu, "window", args, needs, sep)


def _k(scope: str, id: str, label: str, handler: str, *keys: str) -> Action:
    return Action(id, label, keys, handler, "", scope)


ACTIONS: tuple[Action, ...] = (
    # --- window (menus) ---
    _w("file.new", "File", "&New case project…", "new_project_dialog", "Ctrl+N"),
    _w("file.open", "File", "&Open case project…", "open_project_dialog", "Ctrl+O"),
    _w("file.add", "File", "&Add recordings…", "add_recordings_dialog", "Ctrl+Shift+A",
       needs="writable", sep=True),
    _w("file.relink", "File", "&Find moved recordings…", "relink_dialog", needs="writable"),
    _w("file.copy", "File", "Save a &copy as…", "save_copy_dialog", "Ctrl+Shift+S",
       needs="open"),
    _w("file.close", "File", "&Close case project", "close_project", "Ctrl+W", needs="open"),
    _w("file.passphrase", "File", "Change &passphrase…", "change_passphrase_dialog",
       needs="writable", sep=True),
    _w("file.encrypt", "File", "&Encrypt this case…", "encrypt_case_dialog", needs="writable"),
    _w("file.delete_case", "File", "&Delete case…", "delete_case_dialog", needs="writable"),
    _w("file.export_tags", "File", "E&xport tags…", "export_tags_dialog", needs="open",
       sep=True),
    _w("file.import_tags", "File", "&Import tags…", "import_tags_dialog", needs="writable"),
    _w("file.preferences", "File", "&Preferences…", "preferences_dialog", "Ctrl+,", sep=True),
    _w("file.quit", "File", "&Quit", "close", "Ctrl+Q", sep=True),
    _w("edit.undo", "Edit", "&Undo", "undo", "Ctrl+Z", needs="writable"),
    _w("edit.redo", "Edit", "&Redo", "redo", "Ctrl+Shift+Z", needs="writable"),
    _w("edit.rename", "Edit", "Re&name selected clip or still…", "rename_selected", "F2",
       needs="writable", sep=True),
    _w("edit.note", "Edit", "Edit &note of selected clip…", "edit_selected_note",
       "Ctrl+Shift+N", needs="writable"),
    _w("case.record", "Case", "Case &record…", "open_case_record", "Ctrl+Shift+R",
       needs="open"),
    _w("case.participants", "Case", "&Participants…", "open_case_record",
       args=("participants",), needs="open"),
    _w("case.questions", "Case", "&Helping questions…", "open_case_record",
       args=("questions",), needs="open"),
    _w("case.cycles", "Case", "&Cycles and shared reviews…", "open_case_record",
       args=("cycles",), needs="open"),
    _w("case.consent", "Case", "C&onsent…", "open_case_record", args=("consent",),
       needs="open"),
    _w("case.sharing", "Case", "Clip &sharing decisions…", "open_case_record",
       args=("sharing",), needs="open"),
    _w("case.overview", "Case", "Case &overview…", "open_case_overview", needs="open",
       sep=True),
    _w("case.plan", "Case", "&Traject plan…", "edit_traject_plan", needs="open"),
    _w("case.review_summary", "Case", "Review s&ummary (PDF)…", "export_review_summary",
       needs="open"),
    _w("reels.timeline", "Reels", "Export as &timeline (OpenTimelineIO)…",
       "export_timeline_dialog", needs="open"),
    _w("play.clip", "Playback", "&Play selected clip (in to out)", "play_selected_clip",
       "Alt+P", needs="open"),
    _w("play.loop", "Playback", "&Loop selected clip", "loop_selected_clip", "Alt+L",
       needs="open"),
    _w("play.stop_loop", "Playback", "&Stop looping", "stop_looping", "Alt+Shift+L",
       needs="open"),
    _w("view.zoom_in", "View", "Zoom &into the picture", "zoom_picture", "Ctrl+=",
       args=("in",), needs="open"),
    _w("view.zoom_out", "View", "Zoom &out of the picture", "zoom_picture", "Ctrl+-",
       args=("out",), needs="open"),
    _w("view.zoom_fit", "View", "&Fit the picture", "zoom_picture", "Ctrl+0", args=("fit",),
       needs="open"),
    _w("view.present", "View", "&Present reel…", "present_reel", "F5", needs="open",
       sep=True),
    _w("help.keys", "Help", "&Keyboard shortcuts", "show_shortcuts", "F1"),
    _w("help.selfcheck", "Help", "&Self-check…", "show_self_check"),
    _w("help.about", "Help", "&About VIG Studio", "show_about"),
    # --- the player (while it has focus) ---
    _k("player", "player.play", "Play / pause (at the speed chosen in the speed box)",
       "play_pause", "Space"),
    _k("player", "player.back", "Back one frame (hold to keep stepping)", "back", "Left"),
    _k("player", "player.forward", "Forward one frame", "forward", "Right"),
    _k("player", "player.back10", "Back ten frames", "back10", "Shift+Left"),
    _k("player", "player.forward10", "Forward ten frames", "forward10", "Shift+Right"),
    _k("player", "player.back_second", "Back one second", "back_second", "Ctrl+Left"),
    _k("player", "player.forward_second", "Forward one second", "forward_second",
       "Ctrl+Right"),
    _k("player", "player.start", "Go to the start", "go_to_start", "Home"),
    _k("player", "player.end", "Go to the end", "go_to_end", "End"),
    _k("player", "player.reverse", "Play backwards; again: faster (until the next pause)",
       "shuttle_reverse", "J"),
    _k("player", "player.stop", "Pause", "shuttle_stop", "K"),
    _k("player", "player.shuttle", "Play forwards; again: faster (until the next pause)",
       "shuttle_forward", "L"),
    _k("player", "player.mute", "Sound on / off", "toggle_mute", "M"),
    # --- tagging (window-wide) ---
    _k("tagging", "tag.in", "Mark a clip's first frame", "set_mark_in", "I"),
    _k("tagging", "tag.out", "Mark its last frame: makes the clip", "set_mark_out", "O"),
    _k("tagging", "tag.still", "Grab the frame on screen as a still", "grab_still", "S"),
    _k("tagging", "tag.working", "The next tag is a working point (one tag only)",
       "toggle_working_point", "W"),
    # --- the timeline (while it has focus) ---
    _k("timeline", "timeline.zoom_in", "Zoom in", "zoom_in", "+", "="),
    _k("timeline", "timeline.zoom_out", "Zoom out", "zoom_out", "-"),
    _k("timeline", "timeline.fit", "Fit the whole recording", "fit", "0"),
    _k("timeline", "timeline.delete", "Delete the selection (asks if a reel uses it)",
       "delete_selection", "Delete", "Backspace"),
    _k("timeline", "timeline.copy", "Copy the selected clips' times", "copy_selected_range",
       "Ctrl+C"),
    _k("timeline", "timeline.step_back", "Back one frame", "step_back", "Left"),
    _k("timeline", "timeline.step_forward", "Forward one frame", "step_forward", "Right"),
    _k("timeline", "timeline.prev_moment", "Previous moment", "previous_moment", "Ctrl+Left"),
    _k("timeline", "timeline.next_moment", "Next moment", "next_moment", "Ctrl+Right"),
    _k("timeline", "timeline.prev_edge", "Previous clip edge", "previous_edge", "Alt+Left"),
    _k("timeline", "timeline.next_edge", "Next clip edge", "next_edge", "Alt+Right"),
    # --- lists ---
    _k("list", "list.delete", "Delete the selected moments, clips and stills",
       "delete_selected", "Delete"),
    _k("reel list", "reel.delete", "Remove the item from the reel", "remove_item", "Delete"),
    _k("reel list", "reel.up", "Move the item up", "move_up", "Alt+Up"),
    _k("reel list", "reel.down", "Move the item down", "move_down", "Alt+Down"),
    _k("reel list", "reel.play", "Play the item", "play_item", "Return"),
)

_BY_ID = {a.id: a for a in ACTIONS}
_SCOPE_TITLES = {"window": "Menus", "player": "Player (when it has focus)",
                 "tagging": "Tagging (anywhere in the window)",
                 "timeline": "Timeline (when it has focus)",
                 "list": "Moments, clips and stills list", "reel list": "Reel items"}


def by_id(action_id: str) -> Action:
    return _BY_ID[action_id]


def rows(scope: str) -> list[Action]:
    return [a for a in ACTIONS if a.scope == scope]


def key_of_event(event: QKeyEvent) -> str:
    """The portable text of a key press (``Shift+Left``), to look up in the table."""
    mods = event.modifiers() & (Qt.KeyboardModifier.ShiftModifier
                                | Qt.KeyboardModifier.ControlModifier
                                | Qt.KeyboardModifier.AltModifier
                                | Qt.KeyboardModifier.MetaModifier)
    key = event.key()
    if key in (Qt.Key.Key_Plus, Qt.Key.Key_Minus, Qt.Key.Key_Equal):
        mods &= ~Qt.KeyboardModifier.ShiftModifier  # "+" needs Shift on many keyboards
    return QKeySequence(mods.value | key).toString(QKeySequence.SequenceFormat.PortableText)


def shortcut_map(scope: str) -> dict[str, str]:
    """Key text → handler for a panel's keys."""
    found: dict[str, str] = {}
    for action in rows(scope):
        for key in action.keys:
            found[QKeySequence(key).toString(QKeySequence.SequenceFormat.PortableText)] = (
                action.handler)
    return found


def native(keys: Iterable[str]) -> str:
    return ", ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText)
                     for k in keys)


def help_html(extra: dict[str, list[tuple[str, str]]] | None = None) -> str:
    """Every key of the table (and ``extra`` sections: title → (keys, what)) as HTML."""
    parts = []
    for scope, title in _SCOPE_TITLES.items():
        lines = [(native(a.keys), a.text) for a in rows(scope) if a.keys]
        if scope == "tagging" and extra:
            for more in extra.values():
                lines = more + lines
        if lines:
            body = "".join(f"<tr><td><b>{k}</b></td><td>{t}</td></tr>" for k, t in lines)
            parts.append(f"<h4>{title}</h4><table cellspacing='4'>{body}</table>")
    return "".join(parts)


class KeyboardHelp(QDialog):
    """The keyboard help (F1): the table's keys as a scrolling page."""

    def __init__(self, html: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.text = QTextBrowser(self)
        self.text.setHtml(html)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        height = parent.height() if parent is not None else 700
        self.resize(560, max(360, int(height * 0.85)))
