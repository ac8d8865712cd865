"""The timeline editor: ruler, playhead, thumbnails, waveform, moment lanes, clips, stills."""

from vigstudio.gui.annotations.selection import AnnotationSelection
from vigstudio.gui.timeline.canvas import TimelineCanvas
from vigstudio.gui.timeline.model import LaneMode, TimelineData
from vigstudio.gui.timeline.view import TimelineView

__all__ = ["AnnotationSelection", "LaneMode", "TimelineCanvas", "TimelineData", "TimelineView"]
