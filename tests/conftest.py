"""Shared test set-up: Qt runs offscreen in the test process; the demo case project.

Tests that need a real X display (embedding VLC, screenshots) run their GUI in a child
process with ``QT_QPA_PLATFORM=xcb`` against the Xvfb display that pytest-xvfb starts.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Set before any test module imports Qt.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
# Nothing in the tests may write outside tmp folders: no recent-projects list.
os.environ.setdefault("VIGSTUDIO_NO_RECENT", "1")


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo case project, made once per test run (never edited: copy it with ``demo``).
    Its film carries frame barcodes (the practitioners' demo does not)."""
    from vigstudio.demo import create_demo

    return create_demo(tmp_path_factory.mktemp("demo-master"), barcode=True)


@pytest.fixture
def demo(demo_master: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo case project (project file and film) to change at will."""
    shutil.copytree(demo_master.parent, tmp_path / "demo")
    return tmp_path / "demo" / demo_master.name
