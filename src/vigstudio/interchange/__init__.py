"""Tags and reels in other programs' formats, and back, to the frame.

Qt-free and session-free: each format module turns a :class:`~.model.TagSheet` (one
recording's moments, clips and stills with the names they carry) into a file's text, and a
file's text back into :class:`~.model.ImportedTag` rows, using the recording's
:class:`~vigstudio.domain.media.MediaInfo` for every time ↔ frame conversion
(:mod:`.timing`). The app layer (:mod:`vigstudio.app.tag_transfer`) builds sheets from a
case and applies imports as one undo step.

Formats: ELAN ``.eaf`` (:mod:`.eaf`), BORIS tabular events (:mod:`.boris`), CSV/TSV and an
Excel-friendly CSV plus a counts table (:mod:`.table`), OpenTimelineIO ``.otio`` for a reel
(:mod:`.otio`), WebVTT captions (:mod:`.vtt`).
"""
