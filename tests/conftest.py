"""Shared test set-up: Qt runs offscreen in the test process.

Tests that need a real X display (embedding VLC, screenshots) run their GUI in a child
process with ``QT_QPA_PLATFORM=xcb`` against the Xvfb display that pytest-xvfb starts.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"
# Nothing in the tests may reach the network or write outside tmp folders.
os.environ.setdefault("VIGSTUDIO_NO_RECENT", "1")
