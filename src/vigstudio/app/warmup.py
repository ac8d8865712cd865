"""Starting the export's child process first thing, before the case is opened.

The command line calls :func:`warm_export_worker` before it imports the rest of the
application (SQLAlchemy and the storage layer take about half a second to import): the child
imports FFmpeg and numpy on another core meanwhile, and waits for its job. This module imports
nothing heavy, and ``vigstudio.app`` loads its other modules only when they are used.
"""

from __future__ import annotations

__all__ = ["warm_export_worker"]


def warm_export_worker() -> None:
    """Start the export's worker now; the next reel export begins with it (see
    :func:`vigstudio.media.export.start_worker`)."""
    from vigstudio.media.export import start_worker

    start_worker()
