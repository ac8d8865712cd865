"""Help ▸ About: the version, the licences, and where the case files are."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from vigstudio import __version__
from vigstudio.gui.files import recent
from vigstudio.gui.files.welcome import demo_folder
from vigstudio.resources import RESOURCES, resource_path


def component_versions() -> list[tuple[str, str]]:
    """(part, version) of what this installation runs on; libVLC only if it loads."""
    import PySide6
    from PySide6.QtCore import qVersion

    from vigstudio.app.probing import media_components

    return [("Qt", qVersion()), ("PySide6", PySide6.__version__), *media_components(),
            ("Python", sys.version.split()[0])]


def licences_folder() -> Path:
    """The folder with the full licence texts (the bundle's, or resources/licenses)."""
    if getattr(sys, "frozen", False):
        bundled = Path(sys.executable).resolve().parent / "licenses"
        if bundled.is_dir():
            return bundled
    return RESOURCES / "licenses"


def where_text(project: Path | None) -> str:
    """Where VIG Studio keeps what, as HTML."""
    rows = []
    if project is not None:
        rows.append(f"<p><b>This case project:</b> {project}<br>Its thumbnails: "
                    f"{project.name}.cache beside it; media copied into the case: the "
                    f"media folder beside it.</p>")
    rows.append("<p>Each case is one <b>.vigproj</b> file, kept wherever you save it; VIG "
                "Studio keeps no copy elsewhere. Exports go only where you choose.</p>")
    paths = recent.recent_projects()
    if paths:
        items = "".join(f"<li>{p}</li>" for p in paths[:10])
        rows.append(f"<p><b>Recent case projects:</b></p><ul>{items}</ul>")
    rows.append(f"<p><b>The demo case:</b> {demo_folder()}</p>")
    rows.append(f"<p><b>Settings</b> (the recent list only): "
                f"{QSettings('VIG Studio', 'VIG Studio').fileName()}</p>")
    app_dir = Path(sys.executable).resolve().parent
    rows.append(f"<p><b>The application:</b> {app_dir}</p>")
    return "".join(rows)


class AboutDialog(QDialog):
    def __init__(self, project: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About VIG Studio")
        self.resize(720, 560)
        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        icon = QLabel(self)
        icon.setPixmap(QPixmap(str(resource_path("icons", "vigstudio.png"))).scaled(
            72, 72, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))
        header.addWidget(icon)
        versions = " · ".join(f"{name} {v}" for name, v in component_versions())
        title = QLabel(f"<h2>VIG Studio {__version__}</h2><p>Video micro-analysis for Video "
                       "Interaction Guidance. Works offline: no network access, no telemetry. "
                       f"Every change is saved as you make it.</p><p style='color:#666'>"
                       f"{versions}</p>", self)
        title.setWordWrap(True)
        header.addWidget(title, 1)
        layout.addLayout(header)
        tabs = QTabWidget(self)
        self.licences = QTextBrowser(self)
        self.licences.setMarkdown(resource_path("licenses", "THIRD_PARTY.md")
                                  .read_text(encoding="utf-8"))
        tabs.addTab(self.licences, "Licences")
        self.where = QTextBrowser(self)
        self.where.setHtml(where_text(project))
        tabs.addTab(self.where, "Where your case files are")
        layout.addWidget(tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        folder = buttons.addButton("Licence texts…", QDialogButtonBox.ButtonRole.ActionRole)
        folder.clicked.connect(lambda: QDesktopServices.openUrl(
            QUrl.fromLocalFile(str(licences_folder()))))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.tabs = tabs
