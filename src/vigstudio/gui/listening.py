"""Listeners that end with their widget: when it is destroyed, or at once when the window
takes it down (:func:`detach`), which matters when the window takes a panel down in the
middle of announcing a change (undoing the import of the recording on screen): a panel
waiting for ``deleteLater`` must not be told about a recording that is gone."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

__all__ = ["detach", "until_teardown"]

_ATTR = "_vig_teardown"


def until_teardown(owner: QObject, *stops: Callable[[], None]) -> None:
    """Call each of ``stops`` once: when ``owner`` is destroyed or :func:`detach`-ed."""
    done = False

    def stop(*_: object) -> None:
        nonlocal done
        if not done:
            done = True
            for each in stops:
                each()

    owner.destroyed.connect(stop)
    setattr(owner, _ATTR, [*getattr(owner, _ATTR, []), stop])


def detach(root: QObject | None) -> None:
    """Stop the listeners of ``root`` and of all its children now."""
    if root is None:
        return
    for obj in [root, *root.findChildren(QObject)]:
        for stop in getattr(obj, _ATTR, []):
            stop()
