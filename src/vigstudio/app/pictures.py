"""Pictures the GUI shows exactly as an export makes them: stills, title cards, captions.

The GUI reaches the media layer only through ``app`` (the import contract "gui and the
command line reach media only through app" in ``pyproject.toml``). These are the media
layer's own functions, so a still on screen, on the printed sheet and in the exported reel
is the same pixels, and a caption looks the same in presenter mode as burned into a reel.
"""

from __future__ import annotations

from vigstudio.media.captions import CaptionOverlay, render_caption, render_title_card
from vigstudio.media.frames import RGBFrame
from vigstudio.media.marks import draw_marks
from vigstudio.media.stills import RGB, still_rgb

__all__ = ["RGB", "CaptionOverlay", "RGBFrame", "draw_marks", "render_caption",
           "render_title_card", "still_rgb"]
