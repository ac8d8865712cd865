"""``vigstudio present`` on a real X display (Xvfb from pytest-xvfb), in a child process:
the presenter window covers the whole screen, shows the reel's first item, and Escape ends
it (the command exits 0)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from vigstudio.media.captions import TITLE_BACKGROUND

pytestmark = pytest.mark.display


def xdotool(*args: str) -> str:
    return subprocess.run(["xdotool", *args], check=True, capture_output=True, text=True,
                          timeout=30).stdout


def screen_size() -> tuple[int, int]:
    width, height = xdotool("getdisplaygeometry").split()
    return int(width), int(height)


def test_present_covers_the_screen_shows_the_first_item_and_escape_ends_it(
        demo: Path, tmp_path: Path, xvfb: object) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "VIGSTUDIO_NO_RECENT": "1"}
    child = subprocess.Popen(
        [sys.executable, "-m", "vigstudio", "present", str(demo), "--reel",
         "Cycle 1 feedback"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        window = xdotool("search", "--sync", "--onlyvisible", "--name",
                         "^Shared review$").split()[0]
        width, height = screen_size()
        deadline = time.monotonic() + 30
        shot = tmp_path / "screen.png"
        while True:  # wait until the title card is painted full screen
            geometry = xdotool("getwindowgeometry", "--shell", window)
            g = dict(line.split("=") for line in geometry.split())
            subprocess.run(["import", "-window", "root", str(shot)], check=True, timeout=30)
            with Image.open(shot) as image:
                rgb = np.asarray(image.convert("RGB")).astype(int)
            top = rgb[: height // 2]
            card = (np.abs(top - np.array(TITLE_BACKGROUND)).max(axis=2) < 30).mean()
            if ((int(g["X"]), int(g["Y"]), int(g["WIDTH"]), int(g["HEIGHT"]))
                    == (0, 0, width, height) and card > 0.8) or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert (int(g["X"]), int(g["Y"]), int(g["WIDTH"]), int(g["HEIGHT"])) == \
            (0, 0, width, height)
        assert rgb.shape[:2] == (height, width)
        assert card > 0.8, "the first item (the title card) fills the top of the screen"
        # the key goes through XTEST to the focused window, as a real keyboard's would
        window = xdotool("search", "--onlyvisible", "--name", "^Shared review$").split()[0]
        xdotool("windowfocus", "--sync", window)
        xdotool("key", "Escape")
        assert child.wait(timeout=30) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert b"Traceback" not in child.stderr.read()  # type: ignore[union-attr]
