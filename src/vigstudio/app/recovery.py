"""Recovering a damaged case project: what can be read is copied into a new file (the one
door from the GUI and the command line to ``storage.recover``)."""

from __future__ import annotations

from vigstudio.storage.recover import RecoveryReport, recover

__all__ = ["RecoveryReport", "recover"]
